import ArgumentParser
import Foundation
import NEVRAnalysis
import NEVRCore

/// `nevr clip FILE ... OUT`: a stretch of a capture as a new capture (NEVRAnalysis.Clip).
struct ClipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clip",
        abstract: "Cut a stretch of a capture (by time, round or around an event) into a new capture.",
        discussion: """
            Exactly one of --from/--to, --round or --around. Times are seconds after the
            capture's first game frame (or MM:SS). --around KIND[:N] takes the N-th event of that
            kind (from 1; default 1) with --before/--after seconds around it (default 5 / 5).
            OUT's extension picks the format (any the toolkit writes). The clip's first frame
            is a baseline: its events are detected again from there, so it reports no joins for
            the players already present and no goal for the stale last_score.
            """
    )

    @Argument(help: "The capture to cut.") var file: String
    @Argument(help: "The clip to write.") var out: String
    @Option(help: "Start (seconds or MM:SS after the first frame).") var from: String?
    @Option(help: "End (seconds or MM:SS after the first frame).") var to: String?
    @Option(help: "A round number (from 1).") var round: Int?
    @Option(help: "An event kind, optionally :N for the N-th (e.g. goal_scored:2).") var around: String?
    @Option(help: "Seconds before the event (--around).") var before: Double = 5
    @Option(help: "Seconds after the event (--around).") var after: Double = 5

    static func seconds(_ text: String, _ name: String) throws -> Double {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var value: Double?
        if parts.count == 1 { value = Double(text) }
        if parts.count == 2, let m = Int(parts[0]), let s = Double(parts[1]), m >= 0, s >= 0, s < 60 { value = Double(m) * 60 + s }
        guard let v = value, v.isFinite, v >= 0, v <= 1e7 else { throw ValidationError("--\(name): expected seconds or MM:SS, got \"\(text)\"") }
        return v
    }

    func selection() throws -> Clip.Selection {
        let chosen = [from != nil || to != nil, round != nil, around != nil].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("give exactly one of --from/--to, --round, --around") }
        if let round {
            guard (1...1000).contains(round) else { throw ValidationError("--round must be 1...1000, not \(round)") }
            return .round(round)
        }
        if let around {
            let parts = around.split(separator: ":")
            guard let name = parts.first, let kind = EventKind(name: String(name)), kind != .unknown, parts.count <= 2 else {
                throw ValidationError("--around: unknown event kind \"\(around)\"; known: \(EventKind.allCases.filter { $0 != .unknown }.map(\.name).joined(separator: ", "))")
            }
            let index = parts.count == 2 ? Int(parts[1]) : 1
            guard let index, (1...1_000_000).contains(index) else { throw ValidationError("--around: the event number must be 1 or more") }
            guard before.isFinite, after.isFinite, (0...3600).contains(before), (0...3600).contains(after) else {
                throw ValidationError("--before/--after must be 0...3600 seconds")
            }
            return .around(kind: kind, index: index, before: before, after: after)
        }
        let start = try from.map { try Self.seconds($0, "from") } ?? 0
        let end = try to.map { try Self.seconds($0, "to") } ?? 1e7
        guard end >= start else { throw ValidationError("--to must not be before --from") }
        return .time(from: start, to: end)
    }

    func validate() throws { _ = try selection() }

    func run() throws {
        let input = URL(fileURLWithPath: file), output = URL(fileURLWithPath: out)
        do {
            let window = try Clip.window(try selection(), in: input)
            let written = try Clip.write(input, window: window, to: output)
            CLIOutput.printError("\(out): \(written) frames (source frames \(window.first)...\(window.last))")
        } catch {
            throw CLIOutput.reportAnalysis(error, file: out)
        }
    }
}
