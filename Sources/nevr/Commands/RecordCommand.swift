import ArgumentParser
import Foundation
import NEVRCore
import NEVRGameAPI
import NEVRHub

/// `nevr record`: poll one or many live game APIs and write what they answer to files.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record the live game API (/session, optionally /player_bones) of one or many servers to .echoreplay, .nevrcap or .nvr files.",
        discussion: """
            Polls at a fixed rate, starts a new file whenever the session id changes (or the round, \
            with --split round), polls at --idle-rate while the game is not running or not in a match, \
            ends a file after --idle-timeout without frames, and on Ctrl-C or SIGTERM finishes the \
            current files. Several servers (--url 127.0.0.1:6721-6730, or --url repeated) are recorded \
            at once, each into its own files (a folder per server under --out); servers that come and \
            go are picked up. Crash safety: .echoreplay is written as plain text and flushed every \
            second, then zipped when the file is finished (--plain keeps it plain); .nevrcap ends a \
            zstd frame every second. Prints each finished file on stdout and a summary on stderr.
            Examples:
              nevr record --url 127.0.0.1:6721-6730 --out replays --active-only
              nevr record --match-types echo_arena_private --split round --format both
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case echoreplay, nevrcap, both, nvr
    }

    @Option(help: "Game API server(s): HOST:PORT, HOST:FIRST-LAST (a range), or http://HOST:PORT; repeat for more. Default: 127.0.0.1:6721.")
    var url: [String] = []

    @Option(help: "Polls per second while in a match.")
    var rate: Double = 30

    @Option(name: .customLong("idle-rate"), help: "Polls per second while no match is running (or the server is unreachable).")
    var idleRate: Double = 1

    @Option(name: .customLong("idle-timeout"), help: "End a file after this long without a frame (e.g. 30s, 2m).")
    var idleTimeout: DurationArgument = DurationArgument(argument: "30s")!

    @Flag(help: "Also poll /player_bones (concurrently) and record the bones column.")
    var bones = false

    @Option(help: "Folder for the recordings (one folder per server when there are several).")
    var out = "."

    @Option(help: "File format (both: .echoreplay and .nevrcap; nvr: .nvr, byte for byte with events).")
    var format: Format = .echoreplay

    @Flag(help: "Keep .echoreplay files as plain text (do not zip them when finished).")
    var plain = false

    @Option(help: "Stop after this long (e.g. 90s, 5m, 1h); default: until Ctrl-C.")
    var duration: DurationArgument?

    @Option(name: .customLong("match-types"), help: "Record only these match types, comma-separated (e.g. echo_arena_private,echo_combat).")
    var matchTypes: String?

    @Option(name: .customLong("exclude-match-types"), help: "Do not record these match types, comma-separated (e.g. social_2.0).")
    var excludeMatchTypes: String?

    @Flag(name: .customLong("active-only"), help: "Record only frames in play (no lobby, pre-match or post-match frames).")
    var activeOnly = false

    @Flag(name: .customLong("exclude-paused"), help: "Do not record frames while the match is paused.")
    var excludePaused = false

    @Option(help: "Start a new file per match (default) or per round: match or round.")
    var split: RecordingFilter.Split = .match

    @Option(help: "Keep only the last this long in memory (e.g. 30s) and write nothing but clips: on SIGUSR1, on --save-on events.")
    var buffer: DurationArgument?

    @Option(name: .customLong("save-on"), help: "With --buffer: event kinds that save a clip, comma-separated (e.g. goal_scored,player_save).")
    var saveOn: String?

    @Option(help: "Also stream every frame to a hub, e.g. ws://127.0.0.1:8080/publish.")
    var hub: String?

    @Option(help: "Bearer token for --hub.")
    var token: String?

    @Option(help: "Message encoding for --hub: json or binary.")
    var encoding: StreamFormat = .json

    @Flag(help: "Detect events locally and stream them with the frames (--hub).")
    var streamEvents = false

    @Flag(name: .customLong("status-log"), help: "Print the status line (every server's state) once a second as a plain line, also when stderr is not a terminal (for logs).")
    var statusLog = false

    @Option(name: .customLong("stream"), help: .hidden)
    var deprecatedStream: String?

    @Option(name: .customLong("stream-format"), help: .hidden)
    var deprecatedStreamFormat: StreamFormat?

    /// The servers to record, expanded (validated in ``validate()``).
    var servers: [String] {
        (try? GameAPIEndpoints.expand(url.isEmpty ? ["http://127.0.0.1:6721"] : url)) ?? []
    }

    mutating func validate() throws {
        if let old = deprecatedStream {
            Deprecation.warn(command: "record", old: "--stream", new: "--hub")
            if hub == nil { hub = old }
        }
        if let old = deprecatedStreamFormat {
            Deprecation.warn(command: "record", old: "--stream-format", new: "--encoding")
            encoding = old
        }
        if let hub, !(hub.hasPrefix("ws://") || hub.hasPrefix("wss://")) {
            throw ValidationError("--hub must start with ws:// or wss:// (e.g. ws://127.0.0.1:8080/publish)")
        }
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be between 0 and 10000 polls per second") }
        guard idleRate > 0, idleRate <= rate else { throw ValidationError("--idle-rate must be greater than 0 and at most --rate") }
        guard idleTimeout.seconds >= 1 else { throw ValidationError("--idle-timeout must be at least 1s") }
        if let buffer, buffer.seconds < 1 || buffer.seconds > 3600 {
            throw ValidationError("--buffer must be between 1s and 1h")
        }
        if saveOn != nil, buffer == nil { throw ValidationError("--save-on needs --buffer (e.g. --buffer 30s --save-on goal_scored)") }
        _ = try saveOnKinds()
        do {
            _ = try GameAPIEndpoints.expand(url.isEmpty ? ["http://127.0.0.1:6721"] : url)
        } catch {
            throw ValidationError("--url \(error.description)")
        }
    }

    /// The `--save-on` kinds, checked against the known event names.
    func saveOnKinds() throws -> Set<EventKind> {
        var kinds: Set<EventKind> = []
        for name in (saveOn ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let kind = EventKind(name: name), kind != .unknown else {
                let known = EventKind.allCases.filter { $0 != .unknown }.map(\.name).joined(separator: ", ")
                throw ValidationError("--save-on: unknown event kind \(name); known: \(known)")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    var filter: RecordingFilter {
        func list(_ text: String?) -> Set<String>? {
            text.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }) }
        }
        return RecordingFilter(matchTypes: list(matchTypes), excludedMatchTypes: list(excludeMatchTypes) ?? [],
                               activeOnly: activeOnly, excludePaused: excludePaused, split: split)
    }

    /// One server's recorder and its sinks.
    struct Server {
        var url: String
        var recorder: LiveRecorder
        var echoReplay: EchoReplayFileSink?
        var nevrcap: NevrcapFileSink?
        var nvr: NVRFileSink?
        var stream: WebSocketFrameSink?
        var clips: ClipBufferSink?
    }

    func run() async throws {
        let urls = servers
        let root = URL(fileURLWithPath: out, isDirectory: true)
        var list: [Server] = []
        for server in urls {
            // One folder per server when there are several, so their files never mix.
            let directory = urls.count == 1 ? root : root.appendingPathComponent(Self.folderName(server), isDirectory: true)
            // With --buffer nothing but clips is written: no full-recording sinks.
            let echoReplay = (format == .echoreplay || format == .both) && buffer == nil
                ? EchoReplayFileSink(directory: directory, options: .init(zipOnClose: !plain, includeBones: bones)) : nil
            let nevrcap = (format == .nevrcap || format == .both) && buffer == nil ? NevrcapFileSink(directory: directory) : nil
            let nvr = format == .nvr && buffer == nil ? NVRFileSink(directory: directory) : nil
            if buffer != nil && format == .nvr {
                throw ValidationError("--buffer saves .echoreplay or .nevrcap clips; --format nvr does not work with it yet")
            }
            let clips = try buffer.map { window in
                var formats: [ClipBufferSink.Format] = []
                if format == .echoreplay || format == .both { formats.append(.echoReplay) }
                if format == .nevrcap || format == .both { formats.append(.nevrcap) }
                let options = ClipBufferSink.Options(window: window.duration, maximumFrames: Int((window.seconds * rate * 1.5).rounded(.up)) + 16,
                                                     saveOn: try saveOnKinds(), formats: formats, zip: !plain, includeBones: bones)
                return ClipBufferSink(directory: directory, options: options) { clip in
                    // Unbuffered, so a script watching stdout sees each clip as it is saved.
                    for file in clip.files { FileHandle.standardOutput.write(Data((file.path + "\n").utf8)) }
                    Terminal.note(String(format: "nevr record: saved a clip of %d frames (%.1f s) on %@", clip.frames, clip.seconds, clip.reason))
                }
            }
            var streamSink: WebSocketFrameSink?
            if let hub {
                do {
                    var codecOptions = WebSocketCodec.Options(token: token, format: encoding, processFrames: streamEvents)
                    // `POST /clip` on the hub saves this server's buffer (with --buffer).
                    if let clips { codecOptions.onSaveClip = { _ in Self.saveClips([clips], reason: "hub request") } }
                    let codec = try WebSocketCodec(url: hub, options: codecOptions)
                    streamSink = WebSocketFrameSink(codec: codec)
                } catch {
                    CLIOutput.printError(file: hub, error.reason)
                    throw ExitCode.failure
                }
            }
            let sinks = FanOutFrameSink([echoReplay as (any FrameSink)?, nevrcap, nvr, clips, streamSink].compactMap { $0 })
            var options = LiveRecorder.Options(url: server, rate: rate, bones: bones, duration: duration?.duration)
            options.maximumBackoff = .nanoseconds(Int64(1e9 / idleRate))
            options.segmentIdleTimeout = idleTimeout.duration
            options.filter = filter
            list.append(Server(url: server, recorder: LiveRecorder(options: options, sink: sinks),
                               echoReplay: echoReplay, nevrcap: nevrcap, nvr: nvr, stream: streamSink, clips: clips))
        }
        let recorders = list.map(\.recorder)
        let recording = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for recorder in recorders { group.addTask { try await recorder.run() } }
                try await group.waitForAll()
            }
        }
        let signals = SignalCancellation(cancelling: recording)
        let clipSinks = list.compactMap(\.clips)
        let clipSignal = clipSinks.isEmpty ? nil : ClipSignal { Self.saveClips(clipSinks, reason: "SIGUSR1") }
        let watched = list.map { ($0.url, $0.recorder) }
        let plainStatus = statusLog
        let status = Task { await Self.showStatus(of: watched, plain: plainStatus) }
        let streams = list.compactMap(\.stream)
        let hubNotes = hub.map { hub in Task { await Self.reportHubErrors(of: streams, hub: hub) } }
        let result = await recording.result
        status.cancel()
        hubNotes?.cancel()
        _ = await status.result
        _ = await hubNotes?.result
        Terminal.clearStatus()
        withExtendedLifetime(signals) {}
        withExtendedLifetime(clipSignal) {}

        var failed = false
        var answered = false
        for server in list {
            let name = list.count == 1 ? "" : " \(server.url):"
            if let streamSink = server.stream, let hub {
                let st = streamSink.codec.statistics
                var line = "nevr record:\(name) streamed to \(hub): \(st.framesAcknowledged) of \(st.framesQueued) frames acknowledged"
                line += ", \(st.dropped) dropped (buffer full), \(st.buffered) unsent, \(st.connections) connection(s)"
                if streamSink.rejected.count > 0 { line += ", \(streamSink.rejected.count) refused (first: \(streamSink.rejected.first ?? "-"))" }
                if let e = st.lastHubError { line += "; the hub said: \(e)" }
                if let e = st.lastError, st.framesAcknowledged < st.framesQueued { line += "; last error: \(e)" }
                Terminal.note(line)
                // Like `nevr stream`: frames the hub never acknowledged fail the run (the files are kept).
                if st.framesAcknowledged < st.framesQueued { failed = true }
            }
            var files = await server.echoReplay?.finishedFiles ?? []
            files += await server.nevrcap?.finishedFiles ?? []
            files += await server.nvr?.finishedFiles ?? []
            for file in files { print(file.path) }
            if let clips = server.clips {
                // Clip files were printed as they were saved.
                let saved = await clips.clips
                files += saved.flatMap(\.files)
                for warning in await clips.warnings { Terminal.note("nevr: \(warning)") }
                Terminal.note("nevr record:\(name) \(saved.count) clip\(saved.count == 1 ? "" : "s") saved")
            }
            for warning in await server.echoReplay?.warnings ?? [] { Terminal.note("nevr: \(warning)") }
            if let nevrcap = server.nevrcap, await nevrcap.framesSkipped > 0 {
                Terminal.note("nevr: .nevrcap: \(await nevrcap.framesSkipped) frames could not be parsed and were left out")
                for reason in await nevrcap.skippedReasons.prefix(5) { Terminal.note("nevr: .nevrcap: \(reason)") }
            }
            let stats = server.recorder.statistics
            Terminal.note("nevr record:\(name) " + Self.summary(stats, files: files.count))
            if stats.framesWritten == 0, stats.connectionFailures > 0, stats.polls == 0, let why = stats.lastConnectionError {
                Terminal.note("nevr: \(Self.hostAndPort(server.url)): \(why)")
            }
            if stats.polls > 0 { answered = true }
        }
        // Servers of a range that never come up are normal; no server answering at all is a failure.
        if !answered, case .success = result {
            Terminal.note("nevr record: no game server answered; nothing was recorded")
            failed = true
        }
        if case .failure(let error) = result, !(error is CancellationError) {
            CLIOutput.report(error, file: list.count == 1 ? list[0].url : "record")
            Terminal.note("nevr record: stopped after an error")
            failed = true
        }
        if failed { throw ExitCode.failure }
    }

    /// Tells the user at once why the hub refused or dropped the stream (a 401 says how to pass
    /// the token), as `nevr: <hub>: <reason>`, each distinct reason once and at most five in all;
    /// the summary at the end repeats the last one. Recording to files goes on meanwhile.
    static func reportHubErrors(of sinks: [WebSocketFrameSink], hub: String) async {
        var told: Set<String> = []
        while !Task.isCancelled, told.count < 5 {
            do { try await Task.sleep(for: .milliseconds(250)) } catch { return }
            for sink in sinks {
                let st = sink.codec.statistics
                for reason in [st.lastError, st.lastHubError].compactMap({ $0 }) where told.count < 5 && told.insert(reason).inserted {
                    CLIOutput.printError(file: hub, reason)
                }
            }
        }
    }

    /// Saves a clip from every server's buffer (SIGUSR1, a hub request); failures are reported, not fatal.
    static func saveClips(_ sinks: [ClipBufferSink], reason: String) {
        Task {
            for sink in sinks {
                do {
                    if try await sink.saveClip(reason: reason) == nil {
                        Terminal.note("nevr record: no clip on \(reason): nothing buffered yet (no match frames)")
                    }
                } catch {
                    Terminal.note("nevr: clip on \(reason) not saved: \(ErrorText.reason(error))")
                }
            }
        }
    }

    /// `127.0.0.1:6721` for `http://127.0.0.1:6721/`: what a user typed, for error lines.
    static func hostAndPort(_ url: String) -> String {
        var name = url
        for prefix in ["http://", "https://"] where name.hasPrefix(prefix) { name = String(name.dropFirst(prefix.count)) }
        while name.hasSuffix("/") { name.removeLast() }
        return name
    }

    /// `127.0.0.1_6721` for `http://127.0.0.1:6721`.
    static func folderName(_ url: String) -> String {
        String(hostAndPort(url).map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    static func summary(_ s: LiveRecorder.Statistics, files: Int) -> String {
        var text = "recorded \(s.framesWritten) frames in \(files) file\(files == 1 ? "" : "s")"
        text += String(format: " (%.2f Hz achieved, %d missed ticks)", s.achievedRate, s.missedTicks)
        text += "; skipped \(s.skipped) (\(s.skippedErrorObjects) error objects, \(s.skippedShortBodies) short, \(s.skippedUnreadable) unreadable"
        if s.skippedFiltered > 0 { text += ", \(s.skippedFiltered) filtered out" }
        text += "); \(s.errorStatuses) error statuses, \(s.connectionFailures) failed connections"
        if s.bonesUnavailable > 0 { text += "; \(s.bonesUnavailable) frames without bones" }
        return text
    }

    /// Redraws the status line four times a second (terminal only), or with `plain` prints it once
    /// a second as a line of its own: one entry per server, so servers that come and go show.
    static func showStatus(of servers: [(url: String, recorder: LiveRecorder)], plain: Bool) async {
        guard Terminal.stderrIsTTY || plain else { return }
        while !Task.isCancelled {
            do { try await Task.sleep(for: .milliseconds(plain ? 1000 : 250)) } catch { return }
            var parts: [String] = []
            for (url, recorder) in servers {
                let s = recorder.statistics
                let name = servers.count == 1 ? url : String(url.split(separator: ":").last ?? "")
                switch s.state {
                case .starting: parts.append("\(name) connecting")
                case .gameUnreachable: parts.append("\(name) not reachable")
                case .notInMatch: parts.append("\(name) no match")
                case .recording: parts.append("\(name) ● \(s.framesWritten) frames")
                case .stopped: parts.append("\(name) stopped")
                }
            }
            let total = servers.reduce(0) { $0 + $1.recorder.statistics.framesWritten }
            let line = "\(parts.joined(separator: " · ")) · \(total) frames in all"
            if plain { Terminal.note("nevr record: status: " + line) } else { Terminal.status(line) }
        }
    }
}

extension RecordingFilter.Split: ExpressibleByArgument {}
