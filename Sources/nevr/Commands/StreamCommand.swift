import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore
import NEVRHub

/// `nevr stream`: play a recording into a hub in real time.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Play a recording (.echoreplay or .nevrcap) into a hub (ws://HOST:PORT/publish) in real time.",
        discussion: """
            Frames are sent at their recorded pace times --speed (2 = twice as fast; 0 = as fast as \
            possible). .echoreplay frames go out verbatim (JSON) unless --events or --encoding binary \
            asks for parsing; .nevrcap frames are typed and carry their recorded events. Waits until \
            the hub acknowledged everything, then prints a summary.
            """
    )

    @Argument(help: "The recording.") var file: String
    @Option(help: "Hub publish URL, e.g. ws://127.0.0.1:8080/publish.") var hub: String?
    @Option(help: "Playback speed factor (1 = real time, 0 = as fast as possible).") var speed: Double = 1
    @Option(help: "Bearer token.") var token: String?
    @Option(help: "Message encoding: json or binary.") var encoding: StreamFormat = .json
    @Option(name: .customLong("to"), help: .hidden) var deprecatedTo: String?
    @Option(name: .customLong("rate"), help: .hidden) var deprecatedRate: Double?
    @Option(name: .customLong("format"), help: .hidden) var deprecatedFormat: StreamFormat?
    @Flag(help: "Detect events while streaming an .echoreplay (sent with the frames).") var events = false

    /// The hub URL (validated: set and ws:// or wss://).
    var to: String { hub ?? "" }
    var rate: Double { speed }
    var format: StreamFormat { encoding }

    mutating func validate() throws {
        if let old = deprecatedTo {
            Deprecation.warn(command: "stream", old: "--to", new: "--hub")
            if hub == nil { hub = old }
        }
        if let old = deprecatedRate {
            Deprecation.warn(command: "stream", old: "--rate", new: "--speed")
            speed = old
        }
        if let old = deprecatedFormat {
            Deprecation.warn(command: "stream", old: "--format", new: "--encoding")
            encoding = old
        }
        guard speed >= 0, speed.isFinite else { throw ValidationError("--speed must be 0 or more") }
        guard let hub else { throw ValidationError("give the hub with --hub ws://HOST:PORT/publish") }
        guard hub.hasPrefix("ws://") || hub.hasPrefix("wss://") else {
            throw ValidationError("--hub must start with ws:// or wss:// (e.g. ws://127.0.0.1:8080/publish)")
        }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        let codec: WebSocketCodec
        do {
            codec = try WebSocketCodec(url: to, options: .init(token: token, format: format, processFrames: events))
        } catch {
            CLIOutput.printError(file: to, error.reason)
            throw ExitCode.failure
        }
        let (file, rate, to) = (self.file, self.rate, self.to)
        let playing = Task { () throws -> Int in
            var pacer = Pacer(rate: rate)
            let progress = ProgressLine("streaming \(url.lastPathComponent)")
            defer { progress.finish() }
            var sent = 0
            let format = try CLIOutput.run(file: file) { try CaptureFormat(url: url) }
            switch format {
            case .tape, .butter, .nvr:
                throw CLIOutput.report(CaptureFormatError(path: file, reason: .notSupportedYet(format)), file: file)
            case .echoReplay:
                let reader = try CLIOutput.run(file: file) { try EchoReplayReader(url: url) }
                while let record = try CLIOutput.run(file: file, { try reader.next() }) {
                    try await pacer.wait(until: record.timestamp)
                    do throws(StreamClientError) {
                        try codec.streamRaw(session: record.session, bones: record.bones, timestamp: record.timestamp)
                        sent += 1
                    } catch {
                        CLIOutput.printError(file: file, "line \(record.lineNumber): \(error.reason)")
                    }
                    progress.update(fraction: nil, detail: "\(sent) frames, \(codec.statistics.framesAcknowledged) acknowledged")
                }
                CLIOutput.warnSkipped(file: file, count: reader.skippedCount, first: reader.skipped)
            case .nevrcap:
                let reader = try CLIOutput.run(file: file) { try NevrcapReader(url: url) }
                while let frame = try CLIOutput.run(file: file, { try reader.next() }) {
                    try await pacer.wait(until: frame.timestamp)
                    try CLIOutput.run(file: file) { try codec.streamProcessed(frame) }
                    sent += 1
                    progress.update(fraction: nil, detail: "\(sent) frames, \(codec.statistics.framesAcknowledged) acknowledged")
                }
            }
            return sent
        }
        let signals = SignalCancellation(cancelling: playing)
        let result = await playing.result
        withExtendedLifetime(signals) {}
        let stats = await codec.close(timeout: .seconds(10))
        var line = "nevr stream: \(stats.framesQueued) frames queued, \(stats.framesAcknowledged) acknowledged by \(to)"
        line += ", \(stats.dropped) dropped (buffer full), \(stats.buffered) unsent, \(stats.connections) connection(s)"
        // Duplicates are frames the hub acknowledged but already had from this stream (a resend), so it did not forward them.
        line += ", \(stats.duplicatesReported) duplicate(s) not forwarded"
        if let e = stats.lastHubError { line += "; the hub said: \(e)" }
        if stats.framesAcknowledged < stats.framesQueued, let e = stats.lastError { line += "; last error: \(e)" }
        Terminal.note(line)
        switch result {
        case .success, .failure(is CancellationError): break
        case .failure(let error as ExitCode): throw error
        case .failure(let error): throw CLIOutput.report(error, file: file)
        }
        if stats.framesAcknowledged < stats.framesQueued { throw ExitCode.failure }
    }
}

/// Sleeps so that frames leave at their recorded pace (scaled by `rate`; 0 = no waiting).
struct Pacer {
    let rate: Double
    private var origin: (recorded: Timestamp, wall: ContinuousClock.Instant)?

    init(rate: Double) { self.rate = rate }

    mutating func wait(until timestamp: Timestamp) async throws {
        guard rate > 0 else { return }
        guard let origin else {
            self.origin = (timestamp, .now)
            return
        }
        let offset = Double(timestamp.nanosecondsSinceEpoch - origin.recorded.nanosecondsSinceEpoch) / 1e9 / rate
        // A clock jump backwards in the recording does not stall playback.
        guard offset > 0 else { return }
        try await Task.sleep(until: origin.wall + .nanoseconds(Int64(offset * 1e9)), clock: .continuous)
    }
}

extension StreamFormat: ExpressibleByArgument {}
