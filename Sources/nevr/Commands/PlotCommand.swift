import ArgumentParser
import Foundation
import NEVRAnalysis

/// `nevr plot FILE --kind K --out OUT.svg|.png`: pictures of a match (NEVRAnalysis.PlotSVG).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a heat map, player paths, speed over time or a score and event timeline.",
        discussion: """
            heatmap: where the disc (or --player) was while playing, over the arena outline.
            paths: every player's path in --round (default 1), or only --player's.
            speed: the disc's (or --player's) speed over capture time.
            timeline: each team's running points, goals, stuns, saves, jousts, turnovers, rounds.
            --out FILE.svg writes SVG; FILE.png rasterises it with rsvg-convert (librsvg2-bin).
            """
    )

    @Argument(help: "A capture.") var file: String
    @Option(help: "heatmap, paths, speed or timeline.") var kind: String
    @Option(help: "Follow this player (display name).") var player: String?
    @Option(help: "Only this round.") var round: Int?
    @Option(help: "The picture to write (.svg or .png).") var out: String

    func validate() throws {
        guard PlotSVG.Kind(rawValue: kind) != nil else {
            throw ValidationError("--kind must be one of \(PlotSVG.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(kind)\"")
        }
        if let round, !(1...1000).contains(round) { throw ValidationError("--round must be 1...1000, not \(round)") }
        let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
        guard ext == "svg" || ext == "png" else { throw ValidationError("--out must end in .svg or .png") }
    }

    func run() throws {
        do {
            let data = try PlotData.read(URL(fileURLWithPath: file), player: player, round: round)
            var title = "\(URL(fileURLWithPath: file).lastPathComponent): \(kind)"
            if let player { title += " of \(player)" }
            if let round { title += ", round \(round)" }
            let svg = PlotSVG.render(PlotSVG.Kind(rawValue: kind)!, data, title: title)
            let url = URL(fileURLWithPath: out)
            if url.pathExtension.lowercased() == "png" {
                try PlotSVG.writePNG(svg, to: url)
            } else {
                try Data(svg.utf8).write(to: url)
            }
            CLIOutput.printError("\(out): \(kind), \(data.positions.count) positions, \(data.speeds.count) speed samples, \(data.marks.count) events")
        } catch {
            throw CLIOutput.reportAnalysis(error, file: out)
        }
    }
}
