import ArgumentParser
import Foundation
import NEVRAnalysis

/// `nevr stats FILE...`: per-player figures of one or many matches (NEVRAnalysis).
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per-player and per-team stats of one or many captures, added up by player across matches.",
        discussion: """
            Reads every FILE (a folder: every capture inside, recursively: .echoreplay,
            .nevrcap, .tape, .butter, .nvr),
            detects events with this version's detectors and prints, per match, each player's
            goals, points, assists, saves, steals, stuns, blocks, passes, catches, interceptions,
            shots, throws, possession and play time, average and top speed, jousts, big boosts,
            playspace abuses and turnovers, with team totals; then every player over all matches,
            keyed by userid. Counters are the rise of the game's own stats (last minus first,
            restarts handled); the rest comes from events and frames.
            Files that cannot be read are reported on stderr and the exit status is 1; damaged
            files (records skipped, truncated) are counted as far as readable, exit status 2.
            """
    )

    @Argument(help: "Capture files or folders.")
    var paths: [String]

    @Flag(help: "One JSON object.")
    var json = false

    @Flag(help: "CSV rows (one per scope and player).")
    var csv = false

    @Option(help: "Group by match (default) or also by round.")
    var by: String = "match"

    @Option(help: "Only these players (display names, comma-separated; team totals stay whole).")
    var players: String?

    @Option(help: "Files read at the same time (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var detection: DetectionArguments

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv exclude each other") }
        guard StatsTable.Grouping(rawValue: by) != nil else { throw ValidationError("--by must be match or round, not \"\(by)\"") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1...256, not \(jobs)") }
    }

    func run() throws {
        let run: StatsRun
        do {
            run = try StatsRun.run(paths: paths, jobs: jobs, options: try detection.options())
        } catch {
            throw CLIOutput.reportAnalysis(error, file: paths.first ?? "stats")
        }
        var failed = false
        var damaged: String?
        for f in run.files {
            if f.skipped > 0 || !f.problems.isEmpty { damaged = damaged ?? f.path }
            for p in f.problems.prefix(5) { CLIOutput.printError(file: f.path, p) }
            if let failure = f.failure {
                CLIOutput.printError(file: f.path, failure)
                failed = true
            }
        }
        let names = players?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let table = StatsTable(run: run, grouping: StatsTable.Grouping(rawValue: by)!, players: names)
        let out = json ? table.json() + "\n" : (csv ? table.csv() : table.text())
        FileHandle.standardOutput.write(Data(out.utf8))
        CLIOutput.printError("\(run.files.count) files, \(run.matches.count) matches, \(run.frames) frames, \(run.players.count) players")
        if failed { throw ExitCode.failure }
        if let damaged { throw ExitStatus.damaged(damaged) }
    }
}
