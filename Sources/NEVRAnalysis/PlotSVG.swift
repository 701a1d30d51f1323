import Foundation
import NEVRCore

/// Draws ``PlotData`` as SVG (our own writer: plain elements, no scripts or external
/// references), and rasterises it to PNG with `rsvg-convert` (Debian `librsvg2-bin`).
///
/// Every kind has a title, two labelled axes with ticks, and its data: `heatmap` (top view
/// of the arena with goals and centre line; 1 m cells shaded by how often the disc or the
/// player was there while playing), `paths` (each player's path in a round, blue and
/// orange), `speed` (m/s over capture time), `timeline` (each team's running points, goals
/// as dots, stuns/saves/jousts/turnovers as ticks, round starts as lines).
public enum PlotSVG {
    /// What to draw: a heat map, paths of a round, speed over time, or a score and event timeline.
    public enum Kind: String, Sendable, CaseIterable { case heatmap, paths, speed, timeline }

    /// Picture width (SVG user units; PNG pixels at scale 1).
    public static let width = 960.0
    /// Picture height.
    public static let height = 540.0
    static let margin = (left: 70.0, right: 30.0, top: 50.0, bottom: 60.0)
    static let blue = "#2f6fdf", orange = "#f08a24"

    /// The SVG text of `kind` for `data`.
    public static func render(_ kind: Kind, _ data: PlotData, title: String) -> String {
        var body = ""
        switch kind {
        case .heatmap: body = heatmap(data)
        case .paths: body = paths(data)
        case .speed: body = speed(data)
        case .timeline: body = timeline(data)
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Arial, sans-serif">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="\(Int(width / 2))" y="30" font-size="18" text-anchor="middle" fill="#222">\(escape(title))</text>
            \(body)</svg>

            """
    }

    // MARK: Frame and axes

    struct Scale {
        var x0: Double, x1: Double, y0: Double, y1: Double
        var plot: (l: Double, r: Double, t: Double, b: Double) = (margin.left, width - margin.right, margin.top, height - margin.bottom)
        func x(_ v: Double) -> Double { plot.l + (v - x0) / (x1 - x0) * (plot.r - plot.l) }
        func y(_ v: Double) -> Double { plot.b - (v - y0) / (y1 - y0) * (plot.b - plot.t) }
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }

    static func axes(_ s: Scale, xLabel: String, yLabel: String) -> String {
        var out = "<g stroke=\"#222\" stroke-width=\"2\" fill=\"none\">"
        out += "<line x1=\"\(f(s.plot.l))\" y1=\"\(f(s.plot.b))\" x2=\"\(f(s.plot.r))\" y2=\"\(f(s.plot.b))\"/>"
        out += "<line x1=\"\(f(s.plot.l))\" y1=\"\(f(s.plot.t))\" x2=\"\(f(s.plot.l))\" y2=\"\(f(s.plot.b))\"/></g>\n"
        out += "<g font-size=\"12\" fill=\"#333\">"
        for v in ticks(s.x0, s.x1) {
            out += "<line x1=\"\(f(s.x(v)))\" y1=\"\(f(s.plot.b))\" x2=\"\(f(s.x(v)))\" y2=\"\(f(s.plot.b + 6))\" stroke=\"#222\"/>"
            out += "<text x=\"\(f(s.x(v)))\" y=\"\(f(s.plot.b + 20))\" text-anchor=\"middle\">\(label(v))</text>"
        }
        for v in ticks(s.y0, s.y1) {
            out += "<line x1=\"\(f(s.plot.l - 6))\" y1=\"\(f(s.y(v)))\" x2=\"\(f(s.plot.l))\" y2=\"\(f(s.y(v)))\" stroke=\"#222\"/>"
            out += "<text x=\"\(f(s.plot.l - 10))\" y=\"\(f(s.y(v) + 4))\" text-anchor=\"end\">\(label(v))</text>"
        }
        out += "<text x=\"\(f((s.plot.l + s.plot.r) / 2))\" y=\"\(f(height - 15))\" text-anchor=\"middle\" font-size=\"14\">\(escape(xLabel))</text>"
        out += "<text x=\"18\" y=\"\(f((s.plot.t + s.plot.b) / 2))\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 18 \(f((s.plot.t + s.plot.b) / 2)))\">\(escape(yLabel))</text>"
        return out + "</g>\n"
    }

    /// About six round-numbered ticks from `a` to `b`.
    static func ticks(_ a: Double, _ b: Double) -> [Double] {
        let span = b - a
        guard span > 0, span.isFinite else { return [a] }
        let raw = span / 6
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var v = ceil(a / step) * step
        var out: [Double] = []
        while v <= b + step * 1e-9 && out.count < 50 { out.append(v); v += step }
        return out
    }

    static func label(_ v: Double) -> String {
        abs(v - v.rounded()) < 1e-9 ? String(Int(v.rounded())) : String(format: "%.1f", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The arena from above: z along (horizontal), x across (vertical).
    static let arena = Scale(x0: -42, x1: 42, y0: -16, y1: 16)

    static func arenaOutline(_ s: Scale) -> String {
        var out = "<g fill=\"none\" stroke=\"#555\" stroke-width=\"2\">"
        out += "<rect x=\"\(f(s.x(-40)))\" y=\"\(f(s.y(15)))\" width=\"\(f(s.x(40) - s.x(-40)))\" height=\"\(f(s.y(-15) - s.y(15)))\" rx=\"30\"/>"
        out += "<line x1=\"\(f(s.x(0)))\" y1=\"\(f(s.y(15)))\" x2=\"\(f(s.x(0)))\" y2=\"\(f(s.y(-15)))\" stroke-dasharray=\"6 4\"/>"
        out += "<circle cx=\"\(f(s.x(-36)))\" cy=\"\(f(s.y(0)))\" r=\"\(f(s.x(1.5) - s.x(0)))\" stroke=\"\(blue)\" stroke-width=\"3\"/>"
        out += "<circle cx=\"\(f(s.x(36)))\" cy=\"\(f(s.y(0)))\" r=\"\(f(s.x(1.5) - s.x(0)))\" stroke=\"\(orange)\" stroke-width=\"3\"/>"
        return out + "</g>\n"
    }

    // MARK: Kinds

    static func heatmap(_ d: PlotData) -> String {
        let s = arena
        var counts: [Int: Int] = [:]
        for p in d.positions {
            let cx = Int(floor(p.z)), cy = Int(floor(p.x))
            guard (-42..<42).contains(cx), (-16..<16).contains(cy) else { continue }
            counts[(cx + 42) * 64 + (cy + 16), default: 0] += 1
        }
        let top = Double(counts.values.max() ?? 1)
        var out = "<g>"
        for (key, n) in counts.sorted(by: { $0.key < $1.key }) {
            let cx = Double(key / 64 - 42), cy = Double(key % 64 - 16)
            let level = (Double(n) / top).squareRoot()
            let r = Int(255 - 30 * level), g = Int(235 - 190 * level), b = Int(200 - 180 * level)
            out += "<rect x=\"\(f(s.x(cx)))\" y=\"\(f(s.y(cy + 1)))\" width=\"\(f(s.x(cx + 1) - s.x(cx) + 0.5))\" height=\"\(f(s.y(cy) - s.y(cy + 1) + 0.5))\" fill=\"rgb(\(r),\(g),\(b))\"/>"
        }
        out += "</g>\n"
        return out + arenaOutline(s) + axes(s, xLabel: "z (m, blue goal left, orange right)", yLabel: "x (m)")
            + "<text x=\"\(f(width - margin.right))\" y=\"\(f(margin.top - 8))\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">\(d.positions.count) samples of \(escape(d.subject))</text>\n"
    }

    static func paths(_ d: PlotData) -> String {
        let s = arena
        var out = arenaOutline(s) + "<g fill=\"none\" stroke-width=\"1.6\" stroke-opacity=\"0.8\">"
        for p in d.paths where p.points.count > 1 {
            let colour = p.team == 0 ? blue : orange
            let pts = p.points.map { "\(f(s.x($0.z))),\(f(s.y($0.x)))" }.joined(separator: " ")
            out += "<polyline stroke=\"\(colour)\" points=\"\(pts)\"/>"
        }
        out += "</g>\n"
        return out + axes(s, xLabel: "z (m)", yLabel: "x (m)")
    }

    static func speed(_ d: PlotData) -> String {
        let top = max(5, (d.speeds.map(\.speed).max() ?? 5) * 1.1)
        let s = Scale(x0: d.speeds.first?.t ?? 0, x1: max((d.speeds.last?.t ?? 1), (d.speeds.first?.t ?? 0) + 1), y0: 0, y1: top)
        let step = max(1, d.speeds.count / 2000)
        var pts: [String] = []
        var i = 0
        while i < d.speeds.count { pts.append("\(f(s.x(d.speeds[i].t))),\(f(s.y(d.speeds[i].speed)))"); i += step }
        return "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" points=\"\(pts.joined(separator: " "))\"/>\n"
            + axes(s, xLabel: "capture time (s)", yLabel: "speed of \(d.subject) (m/s)")
    }

    static func timeline(_ d: PlotData) -> String {
        let top = Double(max(4, (d.score.map { max($0.blue, $0.orange) }.max() ?? 4))) * 1.15
        let s = Scale(x0: 0, x1: max(d.duration, 1), y0: 0, y1: top)
        var out = "<g stroke=\"#999\" stroke-dasharray=\"4 4\">"
        for r in d.rounds {
            out += "<line x1=\"\(f(s.x(r.t)))\" y1=\"\(f(s.plot.t))\" x2=\"\(f(s.x(r.t)))\" y2=\"\(f(s.plot.b))\"/>"
        }
        out += "</g><g font-size=\"11\" fill=\"#666\">"
        for r in d.rounds { out += "<text x=\"\(f(s.x(r.t) + 4))\" y=\"\(f(s.plot.t + 12))\">round \(r.round)</text>" }
        out += "</g>\n"
        func steps(_ value: ((t: Double, blue: Int, orange: Int)) -> Int) -> String {
            var pts: [String] = []
            var last = 0
            for p in d.score {
                pts.append("\(f(s.x(p.t))),\(f(s.y(Double(last))))")
                last = value(p)
                pts.append("\(f(s.x(p.t))),\(f(s.y(Double(last))))")
            }
            return pts.joined(separator: " ")
        }
        out += "<polyline fill=\"none\" stroke=\"\(blue)\" stroke-width=\"2.5\" points=\"\(steps { $0.blue })\"/>"
        out += "<polyline fill=\"none\" stroke=\"\(orange)\" stroke-width=\"2.5\" points=\"\(steps { $0.orange })\"/>\n<g>"
        for m in d.marks {
            let colour = m.team == 0 ? blue : (m.team == 1 ? orange : "#777")
            if m.kind == .goalScored {
                let y = d.score.first { $0.t == m.t }.map { Double(m.team == 0 ? $0.blue : $0.orange) } ?? 0
                out += "<circle cx=\"\(f(s.x(m.t)))\" cy=\"\(f(s.y(y)))\" r=\"5\" fill=\"\(colour)\" stroke=\"#222\"/>"
            } else {
                let rows: [EventKind: Double] = [.playerStun: 0, .playerSave: 1, .joust: 2, .turnover: 3, .roundPaused: 4]
                let row = rows[m.kind] ?? 0
                let y = s.plot.b - 8 - row * 9
                out += "<line x1=\"\(f(s.x(m.t)))\" y1=\"\(f(y - 3))\" x2=\"\(f(s.x(m.t)))\" y2=\"\(f(y + 3))\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
            }
        }
        out += "</g>\n<g font-size=\"11\" fill=\"#444\"><text x=\"\(f(s.plot.r))\" y=\"\(f(s.plot.t - 6))\" text-anchor=\"end\">lines: points (blue, orange); dots: goals; ticks from bottom: stuns, saves, jousts, turnovers, pauses</text></g>\n"
        return out + axes(s, xLabel: "capture time (s)", yLabel: "points (all rounds)")
    }

    // MARK: PNG

    /// Writes `svg` to `out` as PNG through `rsvg-convert` (found on `PATH`).
    public static func writePNG(_ svg: String, to out: URL) throws {
        guard let tool = findTool("rsvg-convert") else {
            throw StatsError("rsvg-convert not found: install Debian's librsvg2-bin (scripts/bootstrap.sh does), or write .svg")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format", "png", "--output", out.path]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(svg.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StatsError("rsvg-convert failed (\(process.terminationStatus)): \(text)")
        }
    }

    static func findTool(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
