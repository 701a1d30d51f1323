import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRStreaming

/// `nevr serve`: answer `/session` and `/player_bones` like the game, from a
/// recording or a simulated match.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a recording or a simulated match as the game's HTTP API (/session, /player_bones).",
        discussion: """
            Answers exactly as the game does: a recorded frame's bytes with status 200, or
            {"err_description":"Endpoint is restricted in this match type","err_code":-6} with
            status 500 when there is no match (before the first frame, after the last). Frames
            advance in real time, scaled by --rate. Prints the URL on stdout once listening.
            """
    )

    @Option(help: "Recording to serve (.echoreplay, zipped or plain, or .nevrcap).")
    var replay: String?

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
    var rate: Double = 1

    @Flag(help: "Start again from the first frame after the last.")
    var loop = false

    func validate() throws {
        guard (replay != nil) != simulate else { throw ValidationError("give either --replay FILE or --simulate") }
        guard rate > 0, rate.isFinite else { throw ValidationError("--rate must be greater than 0") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard simRate > 0, simRate <= 1000 else { throw ValidationError("--sim-rate must be in (0, 1000]") }
        if simulate, let problem = simulationOptions.problem { throw ValidationError(problem) }
    }

    var simulationOptions: SimulationOptions {
        SimulationOptions(seed: seed, duration: simDuration.seconds, rate: simRate, players: players, bones: bones)
    }

    func run() async throws {
        let makeSource: FramePlayback.SourceFactory
        let label: String
        let skippedReport = SkippedLinesReport()
        if let replay {
            let url = URL(fileURLWithPath: replay)
            label = replay
            // Open once up front so a missing or unreadable file fails before listening.
            do { _ = try Self.openReplay(url, report: skippedReport) } catch {
                Terminal.note("nevr: \(replay): \(Self.reason(error))")
                throw ExitCode.failure
            }
            makeSource = { try Self.openReplay(url, report: skippedReport) }
        } else {
            let options = simulationOptions
            label = "simulated match (seed \(seed), \(players) players)"
            makeSource = { SimulatorFrameSource(options: options) }
        }

        let store = CurrentFrameStore()
        let server = GameAPIServer(store: store, options: .init(host: host, port: port))
        let playback = FramePlayback(store: store, options: .init(rate: rate, loop: loop), makeSource: makeSource)
        let host = self.host
        let job = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await server.run { bound in
                        // Unbuffered: scripts wait for this line to know the port.
                        FileHandle.standardOutput.write(Data("http://\(host):\(bound)\n".utf8))
                        Terminal.note("nevr serve: \(label) on http://\(host):\(bound) (/session, /player_bones); Ctrl-C to stop")
                    }
                }
                group.addTask {
                    let summary = try await playback.run { pass in
                        if let note = skippedReport.take() { Terminal.note(note) }
                        if !loop { Terminal.note("nevr serve: end of \(label) after pass \(pass); answering \"no match\" until stopped") }
                    }
                    _ = summary
                }
                try await group.waitForAll()
            }
        }
        let signals = SignalCancellation(cancelling: job)
        let result = await job.result
        withExtendedLifetime(signals) {}
        if case .failure(let error) = result, !(error is CancellationError) {
            Terminal.note("nevr: \(replay ?? "serve"): \(Self.reason(error))")
            throw ExitCode.failure
        }
    }

    static func openReplay(_ url: URL, report: SkippedLinesReport) throws -> any GameFrameSource {
        let format = try CaptureFormat(url: url)
        switch format {
        case .tape, .butter, .nvr:
            throw CaptureFormatError(path: url.path, reason: .notSupportedYet(format))
        case .nevrcap:
            return try NevrcapFrameSource(url: url)
        case .echoReplay:
            let source = try EchoReplayFrameSource(url: url)
            report.watch(source)
            return source
        }
    }

    static func reason(_ error: any Error) -> String {
        String(describing: error)
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
