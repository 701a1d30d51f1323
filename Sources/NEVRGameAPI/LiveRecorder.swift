import Foundation
import NEVRCore
import NEVRCapture

/// Records the live game API: polls `/session` (and `/player_bones` at the same
/// time when asked) at a fixed rate and hands every frame to a ``FrameSink``.
///
/// ```swift
/// let sink = EchoReplayFileSink(directory: URL(fileURLWithPath: "recordings"))
/// let recorder = LiveRecorder(options: .init(url: "http://127.0.0.1:6721", rate: 60), sink: sink)
/// let task = Task { try await recorder.run() }
/// // ... later: stop, keeping every frame already polled
/// task.cancel()
/// let stats = try await task.value
/// print(stats.framesWritten, stats.achievedRate)
/// ```
///
/// - Polling follows a fixed schedule (tick `n` at start + n/rate), never "sleep
///   1/rate after the answer", so the rate does not drift. A late poll is made up
///   by polling at once; only when polling lags more than 100 ms (or two intervals)
///   behind are the covered ticks skipped and counted in ``Statistics/missedTicks``.
/// - Each frame is stamped with the UTC wall clock (whole milliseconds) of the
///   moment its poll was issued, read from a monotonic clock anchored to the wall
///   clock at start, so timestamps never go backwards within a recording.
/// - A new `sessionid` starts a new segment (file). Error objects, non-200 answers,
///   short and unreadable bodies are skipped and counted; while the game is
///   unreachable or not in a match the recorder retries with exponential backoff
///   (up to ``Options/maximumBackoff``), quietly. A segment ends after
///   ``Options/segmentIdleTimeout`` without a frame.
/// - The sink runs on its own task behind a queue, so a slow write never delays a
///   poll (up to ``Options/maximumBacklog`` frames, then polling waits for the sink);
///   it is flushed every ``Options/flushInterval``. Cancelling
///   ``run()`` stops polling, then drains the queue and finishes the sink: nothing
///   already polled is lost.
public final class LiveRecorder: @unchecked Sendable {
    /// What to poll, how often, and how the recording is cut into segments.
    public struct Options: Sendable {
        /// Base URL of the game API (`/session` and `/player_bones` are appended).
        public var url: String
        /// Polls per second.
        public var rate: Double
        /// Poll `/player_bones` too, concurrently with `/session`.
        public var bones: Bool
        /// Stop after this long (`nil`: until cancelled).
        public var duration: Duration?
        /// `/session` bodies shorter than this are not frames.
        public var minimumFrameBytes: Int
        /// Connect and read timeout of one request.
        public var requestTimeout: Duration
        /// Longest wait between retries while the game is unreachable or not in a match.
        public var maximumBackoff: Duration
        /// A segment (file) ends after this long without a frame.
        public var segmentIdleTimeout: Duration
        /// How often the sink is flushed.
        public var flushInterval: Duration
        /// Frames polled but not yet accepted by the sink beyond which polling waits for
        /// the sink (memory stays bounded when the sink is slower than the polling rate).
        public var maximumBacklog: Int
        /// Which frames are kept and where files split (match types, active play, pauses, rounds).
        public var filter: RecordingFilter = .init()

        /// Defaults: the game on 127.0.0.1:6721 at 30 Hz without bones, until cancelled.
        public init(
            url: String = "http://127.0.0.1:6721", rate: Double = 30, bones: Bool = false,
            duration: Duration? = nil, minimumFrameBytes: Int = GameAPIBody.defaultMinimumFrameBytes,
            requestTimeout: Duration = .seconds(2), maximumBackoff: Duration = .seconds(1),
            segmentIdleTimeout: Duration = .seconds(30), flushInterval: Duration = .seconds(1),
            maximumBacklog: Int = 4096
        ) {
            self.url = url
            self.rate = rate
            self.bones = bones
            self.duration = duration
            self.minimumFrameBytes = minimumFrameBytes
            self.requestTimeout = requestTimeout
            self.maximumBackoff = maximumBackoff
            self.segmentIdleTimeout = segmentIdleTimeout
            self.flushInterval = flushInterval
            self.maximumBacklog = maximumBacklog
        }
    }

    /// What the recorder is doing now (for status lines).
    public enum State: Sendable, Equatable {
        case starting
        /// Connection refused or timed out: the game is not running or its API is off.
        case gameUnreachable
        /// The game answers, but with no match frame (lobby, error object, short body).
        case notInMatch
        case recording
        case stopped
    }

    /// Counters of one recording (a consistent snapshot).
    public struct Statistics: Sendable, Equatable {
        /// What the recorder is doing.
        public var state: State = .starting
        /// `/session` requests answered (any status).
        public var polls = 0
        /// Frames handed to the sink.
        public var framesPolled = 0
        /// Frames the sink accepted.
        public var framesWritten = 0
        /// Small error objects (`err_code` -6 and the like).
        public var skippedErrorObjects = 0
        /// Bodies shorter than ``Options/minimumFrameBytes`` that are not error objects.
        public var skippedShortBodies = 0
        /// Long bodies without a readable `sessionid`.
        public var skippedUnreadable = 0
        /// Frames left out by ``Options/filter`` (match type, not in play, paused).
        public var skippedFiltered = 0
        /// Answers with a status other than 200 (their bodies are not counted again above).
        public var errorStatuses = 0
        /// Frames recorded without bones although bones were asked for.
        public var bonesUnavailable = 0
        /// Failed connections or timed-out requests.
        public var connectionFailures = 0
        /// Schedule ticks skipped because a poll overran.
        public var missedTicks = 0
        /// Segments (files) started.
        public var segments = 0
        /// The `sessionid` of the segment being recorded, if any.
        public var sessionID: String?
        /// Where the current segment goes (from the sink).
        public var destination: String?
        /// The last connection error in plain words (e.g. `connection refused (is the game
        /// running with its API enabled?)`), for status lines and error messages.
        public var lastConnectionError: String?
        /// Time between consecutive frames while in a match, summed.
        public var activePollingSeconds: Double = 0
        /// Frame-to-frame intervals counted in ``activePollingSeconds``.
        public var activeIntervals = 0

        /// Frames per second achieved while in a match.
        public var achievedRate: Double {
            activePollingSeconds > 0 ? Double(activeIntervals) / activePollingSeconds : 0
        }

        /// Everything skipped (not recorded).
        public var skipped: Int { skippedErrorObjects + skippedShortBodies + skippedUnreadable + skippedFiltered }

        /// All counters zero.
        public init() {}
    }

    /// What is polled, how often, and how it is segmented.
    public let options: Options
    private let sink: any FrameSink
    private let lock = NSLock()
    private var stats = Statistics()
    private var sinkError: (any Error)?

    /// A recorder handing every polled frame to `sink` (use ``FanOutFrameSink`` for several).
    public init(options: Options, sink: any FrameSink) {
        self.options = options
        self.sink = sink
    }

    /// A snapshot of the counters (safe from any task while ``run()`` runs).
    public var statistics: Statistics {
        lock.withLock { stats }
    }

    private func update(_ body: (inout Statistics) -> Void) {
        lock.withLock { body(&stats) }
    }

    private var backlog: Int {
        lock.withLock { stats.framesPolled - stats.framesWritten }
    }

    private var sinkFailed: Bool {
        lock.withLock { sinkError != nil }
    }

    enum SinkCommand: Sendable {
        case begin(RecordingSegment)
        /// A polled frame and, when the recording filter already parsed it, its session.
        case frame(PolledFrame, parsed: Session?)
        case flush
        case end
    }

    /// Options refused before polling starts.
    public enum RecorderError: Error, CustomStringConvertible {
        case invalidRate(Double)
        case invalidURL(String)

        /// The reason in plain words.
        public var description: String {
            switch self {
            case .invalidRate(let r): return "invalid polling rate \(r) (must be > 0 and at most 10000)"
            case .invalidURL(let u): return "invalid URL \(u); expected http://host:port with a port from 1 to 65535"
            }
        }
    }

    /// Records until cancelled or ``Options/duration`` has passed, then finishes
    /// the sink. Throws the sink's error if writing failed (frames polled before
    /// the failure were handed to the sink as far as it accepted them).
    @discardableResult
    public func run() async throws -> Statistics {
        guard options.rate > 0, options.rate <= 10_000 else { throw RecorderError.invalidRate(options.rate) }
        // Checked before the HTTP client sees it: it traps (SIGILL) on a port above 65535.
        do {
            _ = try ServiceURL(parsing: options.url, schemes: ServiceURL.httpSchemes)
        } catch {
            throw RecorderError.invalidURL("\(options.url) (\(error.reason))")
        }
        let client = GameAPIClient(baseURL: options.url, timeout: options.requestTimeout)
        let (commands, queue) = AsyncStream<SinkCommand>.makeStream()
        // Unstructured on purpose: cancelling the recording must not cancel the writer
        // before it has drained what was already polled.
        let writer = Task { try await self.drain(commands) }
        let flushInterval = options.flushInterval
        let flusher = Task {
            while true {
                do { try await Task.sleep(for: flushInterval) } catch { return }
                queue.yield(.flush)
            }
        }
        await poll(client, into: queue)
        flusher.cancel()
        queue.finish()
        await client.shutdown()
        let result = await writer.result
        update { $0.state = .stopped }
        if case .failure(let error) = result { throw error }
        return statistics
    }

    // MARK: Polling

    private func poll(_ client: GameAPIClient, into queue: AsyncStream<SinkCommand>.Continuation) async {
        let clock = ContinuousClock()
        let interval = Duration.seconds(1.0 / options.rate)
        let start = clock.now
        let wallStart = Self.wallClockNanoseconds()
        let stopAt = options.duration.map { start + $0 }
        let retryBase = max(interval, .milliseconds(10))
        let catchUpWindow = max(interval * 2, .milliseconds(100))
        var next = start
        var failures = 0
        var currentSession: String?
        var indexInSegment = 0
        var sequence = 0
        var lastFrameAt = start
        var previousFrameTick: ContinuousClock.Instant?

        while !Task.isCancelled, !sinkFailed {
            if let stopAt, next >= stopAt { break }
            if next > clock.now {
                do { try await clock.sleep(until: next) } catch { break }
            }
            let issued = clock.now
            let outcome: PollOutcome
            do {
                // Never past the end of the recording: a poll in flight at `stopAt` is cut there.
                var limit = options.requestTimeout
                if let stopAt { limit = max(.milliseconds(1), min(limit, stopAt - clock.now)) }
                outcome = try await pollOnce(client, within: limit)
            } catch {
                if Task.isCancelled { break }
                outcome = .unreachable(ConnectionFailure.describe(error))
            }

            switch outcome {
            case .frame(let sessionID, let session, let bones, let bonesMissing, let round, let parsed):
                failures = 0
                let nanos = wallStart + (issued - start).nanoseconds
                let timestamp = Timestamp(millisecondsSinceEpoch: nanos / 1_000_000)
                // A new file per session (and per round with `split: .round`).
                let segmentKey = round.map { "\(sessionID)#\($0)" } ?? sessionID
                if segmentKey != currentSession {
                    if currentSession != nil { queue.yield(.end) }
                    currentSession = segmentKey
                    indexInSegment = 0
                    queue.yield(.begin(RecordingSegment(sessionID: sessionID, startedAt: timestamp, round: round)))
                    update { $0.segments += 1 }
                }
                let frame = PolledFrame(
                    sequence: sequence, indexInSegment: indexInSegment, sessionID: sessionID,
                    raw: RawFrame(timestamp: timestamp, session: session, bones: bones))
                queue.yield(.frame(frame, parsed: parsed))
                sequence += 1
                indexInSegment += 1
                lastFrameAt = issued
                let previous = previousFrameTick
                previousFrameTick = issued
                update {
                    $0.state = .recording
                    $0.sessionID = sessionID
                    $0.framesPolled += 1
                    if bonesMissing { $0.bonesUnavailable += 1 }
                    if let previous {
                        $0.activePollingSeconds += (issued - previous).seconds
                        $0.activeIntervals += 1
                    }
                }
                // Backpressure: a sink slower than the polling rate holds polling back
                // (the ticks it costs are counted below) instead of growing the queue.
                while backlog > options.maximumBacklog, !Task.isCancelled, !sinkFailed {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                next += interval
                // A late poll is made up by polling at once (the schedule, not the last
                // answer, sets the pace); only a lag beyond the catch-up window drops ticks.
                let behind = clock.now - next
                if behind > catchUpWindow {
                    let skipped = Int(behind / interval)
                    next += interval * skipped
                    update { $0.missedTicks += skipped }
                }
                continue

            case .unreachable(let reason):
                update {
                    $0.state = .gameUnreachable
                    $0.connectionFailures += 1
                    $0.lastConnectionError = reason
                }
            case .notInMatch:
                update { $0.state = .notInMatch }
            }

            // No frame this time: retry with backoff, and close the segment once idle.
            failures += 1
            previousFrameTick = nil
            if currentSession != nil, clock.now - lastFrameAt > options.segmentIdleTimeout {
                queue.yield(.end)
                currentSession = nil
                update { $0.sessionID = nil }
            }
            let exponent = min(failures - 1, 20)
            let wait = min(retryBase * (1 << exponent), options.maximumBackoff)
            next = clock.now + wait
        }
    }

    enum PollOutcome {
        /// `parsed`: the session, when the recording filter had to parse it (parsed once, not twice).
        case frame(sessionID: String, session: [UInt8], bones: [UInt8]?, bonesMissing: Bool, round: Int?, parsed: Session?)
        case notInMatch
        case unreachable(String)
    }

    private func pollOnce(_ client: GameAPIClient, within limit: Duration) async throws -> PollOutcome {
        let sessionAnswer: GameAPIClient.Answer
        var bonesAnswer: GameAPIClient.Answer?
        if options.bones {
            async let session = client.fetch(client.sessionURL, within: limit)
            async let bones = try? client.fetch(client.bonesURL, within: limit)
            sessionAnswer = try await session
            bonesAnswer = await bones
        } else {
            sessionAnswer = try await client.fetch(client.sessionURL, within: limit)
        }
        // Stopped mid-poll (a cancelled bones request answers nil): the poll is incomplete
        // and is not recorded; every frame counted before the stop is written.
        try Task.checkCancellation()
        update { $0.polls += 1 }

        var body = sessionAnswer.body
        body.removeLast(body.count - GameAPIBody.trimmedLength(body))
        let kind = GameAPIBody.classify(body, minimumFrameBytes: options.minimumFrameBytes)
        guard sessionAnswer.status == 200 else {
            update { $0.errorStatuses += 1 }
            return .notInMatch
        }
        switch kind {
        case .frame(let sessionID):
            var round: Int?
            var parsed: Session?
            if !options.filter.keepsEverything {
                // Only filtering needs the typed session; a body that does not parse is kept
                // (nothing is lost to a filter that cannot tell).
                parsed = try? GameJSONReader.parseSession(body)
                if let parsed {
                    switch options.filter.verdict(for: parsed) {
                    case .keep(let r): round = r
                    case .drop:
                        update { $0.skippedFiltered += 1 }
                        return .notInMatch
                    }
                }
            }
            var bones: [UInt8]?
            if let answer = bonesAnswer, answer.status == 200 {
                var b = answer.body
                b.removeLast(b.count - GameAPIBody.trimmedLength(b))
                if !b.isEmpty { bones = b }
            }
            return .frame(
                sessionID: sessionID, session: body, bones: bones, bonesMissing: options.bones && bones == nil, round: round,
                parsed: parsed)
        case .errorObject:
            update { $0.skippedErrorObjects += 1 }
        case .tooShort:
            update { $0.skippedShortBodies += 1 }
        case .unreadable:
            update { $0.skippedUnreadable += 1 }
        }
        return .notInMatch
    }

    // MARK: Writing

    private func drain(_ commands: AsyncStream<SinkCommand>) async throws {
        var open = false
        var dirty = false
        // One processor for every sink: each body is parsed once, here (off the polling task),
        // and the events are detected once per segment (a new segment starts a silent baseline).
        var processor = FrameProcessor()
        do {
            for await command in commands {
                switch command {
                case .begin(let segment):
                    processor.reset()
                    let destination = try await sink.beginSegment(segment)
                    open = true
                    update { $0.destination = destination }
                case .frame(var frame, let parsed):
                    Self.process(&frame, parsed: parsed, with: &processor)
                    try await sink.write(frame)
                    dirty = true
                    update { $0.framesWritten += 1 }
                case .flush:
                    if dirty {
                        try await sink.flush()
                        dirty = false
                    }
                case .end:
                    if open {
                        try await sink.endSegment()
                        open = false
                        dirty = false
                    }
                }
            }
            if open { try await sink.endSegment() }
            try await sink.finish()
        } catch {
            lock.withLock { sinkError = error }
            try? await sink.finish()
            throw error
        }
    }

    /// Fills `frame.typed` (or `frame.parseFailure`): the session parsed from the raw bytes
    /// unless the filter already did, the bones parsed, both run through the segment's processor.
    /// A body that does not parse leaves the processor unchanged (the next frame is compared
    /// with the last one that parsed).
    static func process(_ frame: inout PolledFrame, parsed: Session?, with processor: inout FrameProcessor) {
        do {
            let session: Session
            if let parsed { session = parsed } else { session = try GameJSONReader.parseSession(frame.raw.session) }
            var bones: PlayerBones?
            if let b = frame.raw.bones { bones = try GameJSONReader.parseBones(b) }
            frame.typed = processor.process(session: session, bones: bones, timestamp: frame.raw.timestamp)
        } catch {
            frame.parseFailure = ErrorReason.plain(error)
        }
    }

    static func wallClockNanoseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1e9).rounded())
    }
}

extension Duration {
    var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }

    var nanoseconds: Int64 {
        let (s, a) = components
        return s * 1_000_000_000 + a / 1_000_000_000
    }
}
