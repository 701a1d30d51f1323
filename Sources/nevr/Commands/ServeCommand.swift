import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRGameAPI

/// `nevr serve`: answer `/session` and `/player_bones` like the game, from a
/// recording or a simulated match.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a recording or a simulated match as the game's HTTP API (/session, /player_bones).",
        discussion: """
            Answers exactly as the game does: a recorded frame's bytes with status 200, or \
            {"err_description":"Endpoint is restricted in this match type","err_code":-6} with \
            status 500 when there is no match (before the first frame, after the last). Frames \
            advance in real time, scaled by --speed. Prints the URL on stdout once listening.

            Several recordings play in sequence: give --replay several times, a folder (its \
            recordings in name order, recursively), or --playlist FILE (one path per line; # starts \
            a comment). While serving: GET /status (file, frame, seconds, timestamp, speed, paused), \
            POST /control/pause, /control/resume, /control/seek?seconds=S or ?frame=N (within the \
            current file), /control/speed?value=X. Example:
              nevr serve --replay recordings/ --loop &
              curl -X POST 'http://127.0.0.1:6721/control/seek?seconds=90'
            """
    )

    @Option(help: "Recording to serve (.echoreplay, zipped or plain, .nevrcap, .tape, .butter), or a folder of them; repeat for a playlist.")
    var replay: [String] = []

    @Option(help: "A playlist file: one recording (or folder) per line, played in order.")
    var playlist: String?

    @Flag(help: "Serve a simulated match instead of a recording.")
    var simulate = false

    @Option(help: "Simulation seed (with --simulate).")
    var seed: UInt64 = 1

    @Option(help: "Simulated players (with --simulate).")
    var players = 8

    @Flag(help: "Simulate /player_bones too (with --simulate).")
    var bones = false

    @Option(name: .customLong("sim-duration"), help: "Length of the simulated match (with --simulate), e.g. 5m.")
    var simDuration: DurationArgument = DurationArgument(argument: "5m")!

    @Option(name: .customLong("sim-rate"), help: "Frames per second of the simulated match (with --simulate).")
    var simRate: Double = 60

    @Option(help: "Port to listen on (0: any free port).")
    var port = 6721

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Playback speed: 1 is real time, 2 twice as fast.")
    var speed: Double = 1

    @Option(name: .customLong("rate"), help: .hidden)
    var deprecatedRate: Double?

    @Flag(help: "Start again from the first frame after the last.")
    var loop = false

    mutating func validate() throws {
        if let old = deprecatedRate {
            Deprecation.warn(command: "serve", old: "--rate", new: "--speed")
            speed = old
        }
        let hasReplay = !replay.isEmpty || playlist != nil
        guard hasReplay != simulate else { throw ValidationError("give either --replay FILE or --simulate (or --playlist FILE)") }
        guard speed > 0, speed <= 1000, speed.isFinite else { throw ValidationError("--speed must be greater than 0 and at most 1000") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard simRate > 0, simRate <= 1000 else { throw ValidationError("--sim-rate must be in (0, 1000]") }
        if simulate, let problem = simulationOptions.problem { throw ValidationError(problem) }
    }

    var simulationOptions: SimulationOptions {
        SimulationOptions(seed: seed, duration: simDuration.seconds, rate: simRate, players: players, bones: bones)
    }

    /// The recordings to play, in order: each --replay (a folder expands to its recordings in
    /// name order) then the playlist's lines.
    func recordings() throws -> [String] {
        var paths = replay
        if let playlist {
            let text = try CLIOutput.run(file: playlist) { try String(contentsOfFile: playlist, encoding: .utf8) }
            let base = URL(fileURLWithPath: playlist).deletingLastPathComponent()
            for line in text.split(whereSeparator: \.isNewline) {
                let entry = line.trimmingCharacters(in: .whitespaces)
                guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
                paths.append(entry.hasPrefix("/") ? entry : base.appendingPathComponent(entry).path)
            }
        }
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
                    .filter { CaptureFormat(fileExtension: URL(fileURLWithPath: $0).pathExtension)?.isSupported ?? false }
                    .map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
                if found.isEmpty { throw CLIMessage(file: path, reason: "no recordings in this folder") }
                files += found
            } else {
                files.append(path)
            }
        }
        return files
    }

    func run() async throws {
        var entries: [FramePlayback.Entry] = []
        let label: String
        let skippedReport = SkippedLinesReport()
        if simulate {
            let options = simulationOptions
            label = "simulated match (seed \(seed), \(players) players)"
            entries = [FramePlayback.Entry(label: label) { SimulatorFrameSource(options: options) }]
        } else {
            let files = try CLIOutput.run(file: playlist ?? replay.first ?? "serve") { try recordings() }
            for file in files {
                let url = URL(fileURLWithPath: file)
                // Open once up front so a missing or unreadable file fails before listening.
                do { _ = try Self.openReplay(url, report: skippedReport) } catch {
                    CLIOutput.report(error, file: file)
                    throw ExitCode.failure
                }
                entries.append(FramePlayback.Entry(label: file) { try Self.openReplay(url, report: skippedReport) })
            }
            label = files.count == 1 ? files[0] : "\(files.count) recordings"
        }

        let store = CurrentFrameStore()
        let control = PlaybackControl(speed: speed)
        let server = GameAPIServer(store: store, options: .init(host: host, port: port), control: control)
        let playback = FramePlayback(store: store, options: .init(rate: speed, loop: loop), playlist: entries, control: control)
        let host = self.host
        let job = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await server.run { bound in
                        // Unbuffered: scripts wait for this line to know the port.
                        FileHandle.standardOutput.write(Data("http://\(host):\(bound)\n".utf8))
                        Terminal.note("nevr serve: \(label) on http://\(host):\(bound) (/session, /player_bones, /status, /control); Ctrl-C to stop")
                    }
                }
                group.addTask {
                    let summary = try await playback.run { pass in
                        if let note = skippedReport.take() { Terminal.note(note) }
                        if !loop { Terminal.note("nevr serve: end of \(label) after pass \(pass); answering \"no match\" until stopped") }
                    }
                    _ = summary
                }
                // The first failure ends the command (`waitForAll` would wait for the other,
                // healthy server forever); leaving the group cancels the rest.
                for try await _ in group {}
            }
        }
        let signals = SignalCancellation(cancelling: job)
        let result = await job.result
        withExtendedLifetime(signals) {}
        if case .failure(let error) = result, !(error is CancellationError) {
            throw CLIOutput.reportServer(error, address: "\(host):\(port)", file: label)
        }
    }

    static func openReplay(_ url: URL, report: SkippedLinesReport) throws -> any GameFrameSource {
        let format = try CaptureFormat(url: url)
        switch format {
        case .tape, .butter, .nvr:
            return try CaptureFrameSource(url: url)
        case .nevrcap:
            return try NevrcapFrameSource(url: url)
        case .echoReplay:
            let source = try EchoReplayFrameSource(url: url)
            report.watch(source)
            return source
        }
    }

    static func reason(_ error: any Error) -> String {
        ErrorText.reason(error)
    }
}

/// Reports lines a replay reader skipped, once per pass.
final class SkippedLinesReport: @unchecked Sendable {
    private let lock = NSLock()
    private var source: EchoReplayFrameSource?

    func watch(_ source: EchoReplayFrameSource) {
        lock.withLock { self.source = source }
    }

    /// A note about the skipped lines of the last watched source, if any.
    func take() -> String? {
        guard let source = lock.withLock({ self.source }), source.skippedCount > 0 else { return nil }
        var text = "nevr: \(source.url.path): skipped \(source.skippedCount) bad lines"
        if let first = source.skipped.first { text += " (first: line \(first.lineNumber): \(first.reason))" }
        return text
    }
}
