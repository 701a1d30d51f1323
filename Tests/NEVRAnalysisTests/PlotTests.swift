import Foundation
import NEVRAnalysis
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

/// Each plot kind rendered from a simulated match, checked as SVG and as PNG (decoded by an
/// independent reader, Tests/Scripts/png_check.py). Needs rsvg-convert (scripts/bootstrap.sh).
final class PlotTests: XCTestCase {
    private var dir: URL!
    private var capture: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-plot")
        capture = dir.appendingPathComponent("match.echoreplay")
        var sim = MatchSimulator(options: SimulationOptions(seed: 9, duration: 150, rate: 30, players: 8))
        let writer = try EchoReplayWriter(url: capture)
        while let f = sim.next() { try writer.write(timestamp: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: nil) }
        try writer.close()
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func pngCheck(_ url: URL) throws -> [String: Double] {
        let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/png_check.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, url.path, "70", "480"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Double])
    }

    func testEveryKindRendersAxesAndDataAsSVGAndPNG() throws {
        let data = try PlotData.read(capture)
        XCTAssertGreaterThan(data.positions.count, 500)
        XCTAssertFalse(data.marks.filter { $0.kind == .goalScored }.isEmpty)
        for kind in PlotSVG.Kind.allCases {
            let svg = PlotSVG.render(kind, data, title: "test \(kind.rawValue)")
            XCTAssertTrue(svg.hasPrefix("<?xml"), kind.rawValue)
            XCTAssertTrue(svg.contains("<line x1=\"70.0\" y1=\"480.0\""), "\(kind.rawValue): x axis")
            let marks = svg.components(separatedBy: kind == .heatmap ? "<rect" : (kind == .timeline ? "<circle" : "<polyline")).count - 1
            XCTAssertGreaterThan(marks, kind == .heatmap ? 50 : 0, "\(kind.rawValue): data drawn")
            let png = dir.appendingPathComponent("\(kind.rawValue).png")
            try PlotSVG.writePNG(svg, to: png)
            let check = try pngCheck(png)
            XCTAssertEqual(check["width"], 960, kind.rawValue)
            XCTAssertEqual(check["height"], 540, kind.rawValue)
            XCTAssertGreaterThan(check["nonwhite"] ?? 0, 0.01, "\(kind.rawValue): not blank")
            XCTAssertGreaterThan(check["x_axis"] ?? 0, 0.95, "\(kind.rawValue): x axis drawn")
            XCTAssertGreaterThan(check["y_axis"] ?? 0, 0.95, "\(kind.rawValue): y axis drawn")
        }
    }

    func testPlayerAndRoundSelectionAndErrors() throws {
        let all = try PlotData.read(capture)
        let name = try XCTUnwrap(all.paths.first?.name)
        let one = try PlotData.read(capture, player: name, round: 2)
        XCTAssertEqual(one.subject, name)
        XCTAssertTrue(one.paths.allSatisfy { $0.name == name })
        XCTAssertLessThan(one.positions.count, all.positions.count)
        XCTAssertThrowsError(try PlotData.read(capture, player: "nobody-here"))
        XCTAssertThrowsError(try PlotData.read(capture, round: 99))
    }
}
