import ArgumentParser
import Foundation
import NEVRCore
import NEVRStreaming

/// `nevr record`: poll the live game API and write what it answers to files.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the live game API (/session, optionally /player_bones) to .echoreplay and/or .nevrcap files.",
        discussion: """
            Polls at a fixed rate, starts a new file whenever the session id changes, waits
            quietly while the game is not running or not in a match, and on Ctrl-C or SIGTERM
            finishes the current file. Crash safety: .echoreplay is written as plain text and
            flushed every second, then zipped when the file is finished (--plain keeps it plain);
            .nevrcap ends a zstd frame every second. A killed recorder loses at most the last
            second. Prints each finished file on stdout and a one-line summary on stderr.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case echoreplay, nevrcap, both
    }

    @Option(help: "Base URL of the game API.")
    var url = "http://127.0.0.1:6721"

    @Option(help: "Polls per second.")
    var rate: Double = 30

    @Flag(help: "Also poll /player_bones (concurrently) and record the bones column.")
    var bones = false

    @Option(help: "Folder for the recordings.")
    var out = "."

    @Option(help: "Output format.")
    var format: Format = .echoreplay

    @Flag(help: "Keep .echoreplay files as plain text (do not zip them when finished).")
    var plain = false

    @Option(help: "Stop after this long (e.g. 90s, 5m, 1h); default: until Ctrl-C.")
    var duration: DurationArgument?

    @Option(help: "Also stream every frame to a hub, e.g. ws://127.0.0.1:8080/publish.")
    var stream: String?

    @Option(help: "Bearer token for --stream.")
    var token: String?

    @Option(help: "Message encoding for --stream: json or binary.")
    var streamFormat: StreamFormat = .json

    @Flag(help: "Detect events locally and stream them with the frames (--stream).")
    var streamEvents = false

    func validate() throws {
        if let stream {
            do { _ = try ServiceURL(parsing: stream, schemes: ServiceURL.webSocketSchemes) } catch {
                throw ValidationError("--stream: \(error.description) (e.g. ws://127.0.0.1:8080/publish)")
            }
        }
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be between 0 and 10000 polls per second") }
        do { _ = try ServiceURL(parsing: url, schemes: ServiceURL.httpSchemes) } catch {
            throw ValidationError("--url: \(error.description) (e.g. http://127.0.0.1:6721)")
        }
    }

    func run() async throws {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let echoReplay = format != .nevrcap
            ? EchoReplayFileSink(directory: directory, options: .init(zipOnClose: !plain, includeBones: bones)) : nil
        let nevrcap = format != .echoreplay ? NevrcapFileSink(directory: directory) : nil
        var streamSink: WebSocketFrameSink?
        if let stream {
            do {
                let codec = try WebSocketCodec(
                    url: stream, options: .init(token: token, format: streamFormat, processFrames: streamEvents))
                streamSink = WebSocketFrameSink(codec: codec)
            } catch {
                CLIOutput.printError(file: stream, error.reason)
                throw ExitCode.failure
            }
        }
        let sinks = FanOutFrameSink([echoReplay as (any FrameSink)?, nevrcap, streamSink].compactMap { $0 })
        let recorder = LiveRecorder(
            options: .init(url: url, rate: rate, bones: bones, duration: duration?.duration), sink: sinks)
        let recording = Task { try await recorder.run() }
        let signals = SignalCancellation(cancelling: recording)
        let status = Task { await Self.showStatus(of: recorder, url: url) }
        let result = await recording.result
        status.cancel()
        _ = await status.result
        Terminal.clearStatus()
        withExtendedLifetime(signals) {}

        if let streamSink, let stream {
            let st = streamSink.codec.statistics
            var line = "nevr record: streamed to \(stream): \(st.framesAcknowledged) of \(st.framesQueued) frames acknowledged"
            line += ", \(st.dropped) dropped (buffer full), \(st.buffered) unsent, \(st.connections) connection(s)"
            if streamSink.rejected.count > 0 { line += ", \(streamSink.rejected.count) refused (first: \(streamSink.rejected.first ?? "-"))" }
            if let e = st.lastError, st.framesAcknowledged < st.framesQueued { line += "; last error: \(e)" }
            Terminal.note(line)
        }
        var files = await echoReplay?.finishedFiles ?? []
        files += await nevrcap?.finishedFiles ?? []
        for file in files { print(file.path) }
        for warning in await echoReplay?.warnings ?? [] { Terminal.note("nevr: \(warning)") }
        if let nevrcap, await nevrcap.framesSkipped > 0 {
            Terminal.note("nevr: .nevrcap: \(await nevrcap.framesSkipped) frames could not be parsed and were left out")
            for reason in await nevrcap.skippedReasons.prefix(5) { Terminal.note("nevr: .nevrcap: \(reason)") }
        }
        let stats = recorder.statistics
        switch result {
        case .success:
            Terminal.note("nevr record: " + Self.summary(stats, files: files.count))
        case .failure(let error):
            Terminal.note("nevr: \(error)")
            Terminal.note("nevr record: stopped after an error; " + Self.summary(stats, files: files.count))
            throw ExitCode.failure
        }
    }

    static func summary(_ s: LiveRecorder.Statistics, files: Int) -> String {
        var text = "recorded \(s.framesWritten) frames in \(files) file\(files == 1 ? "" : "s")"
        text += String(format: " (%.2f Hz achieved, %d missed ticks)", s.achievedRate, s.missedTicks)
        text += "; skipped \(s.skipped) (\(s.skippedErrorObjects) error objects, \(s.skippedShortBodies) short, \(s.skippedUnreadable) unreadable)"
        text += "; \(s.errorStatuses) error statuses, \(s.connectionFailures) failed connections"
        if s.bonesUnavailable > 0 { text += "; \(s.bonesUnavailable) frames without bones" }
        return text
    }

    /// Redraws the status line four times a second (terminal only).
    static func showStatus(of recorder: LiveRecorder, url: String) async {
        guard Terminal.stderrIsTTY else { return }
        let clock = ContinuousClock()
        var lastFrames = 0
        var lastTime = clock.now
        var rate = 0.0
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(250)) } catch { return }
            let s = recorder.statistics
            let now = clock.now
            let elapsed = (now - lastTime) / .seconds(1)
            if elapsed >= 1 {
                rate = Double(s.framesPolled - lastFrames) / elapsed
                lastFrames = s.framesPolled
                lastTime = now
            }
            switch s.state {
            case .starting:
                Terminal.status("connecting to \(url)…")
            case .gameUnreachable:
                Terminal.status("waiting for the game at \(url) (not reachable; retrying)… \(s.framesWritten) frames so far")
            case .notInMatch:
                Terminal.status("game answering, not in a match; waiting… \(s.framesWritten) frames so far")
            case .recording:
                let file = s.destination.map { ($0 as NSString).lastPathComponent } ?? "-"
                let session = s.sessionID.map { String($0.prefix(8)) + "…" } ?? "-"
                Terminal.status("● \(s.framesWritten) frames · \(String(format: "%.1f", rate)) Hz · session \(session) · \(file) · skipped \(s.skipped)")
            case .stopped:
                return
            }
        }
    }
}
