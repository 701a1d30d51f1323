import DequeModule
import Foundation
import HummingbirdWSClient
import Logging
import NEVRCore
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Publishes frames to a WebSocket hub (`ws://` or `wss://`, e.g. `nevr hub`'s `/publish`).
///
/// The streaming side of the seed's `NewWebSocketCodec(url, options)`: frames handed to
/// ``streamRaw(session:bones:timestamp:)`` or ``streamProcessed(_:)`` return at once; a
/// background task sends them in order, keeps the connection alive (WebSocket pings),
/// reconnects with exponential backoff when it drops, and keeps every frame until the
/// hub acknowledges it. While disconnected, frames wait in memory and then in a spill
/// file up to the configured bounds; anything beyond is counted in ``Statistics/dropped``.
///
/// ```swift
/// let codec = try WebSocketCodec(url: "ws://127.0.0.1:8080/publish", options: .init(token: "secret"))
/// try codec.streamRaw(session: sessionBytes, bones: nil, timestamp: now)
/// let stats = await codec.close()   // waits (bounded) until the hub has everything
/// ```
///
/// Call the stream methods from one task at a time (they are thread-safe, but the frame
/// order is the call order).
public final class WebSocketCodec: Sendable {
    /// Authentication, encoding, parts, buffering and reconnection.
    public struct Options: Sendable {
        /// Sent as `Authorization: Bearer <token>`.
        public var token: String?
        /// Message encoding: JSON text or binary protobuf `Envelope`s.
        public var format: StreamFormat = .json
        /// Parts to send (the seed's `SendSessionData`, `SendUserBones`, `SendEvents`).
        public var parts: StreamParts = .all
        /// Run raw frames through a `FrameProcessor` here and send the detected events
        /// (the seed's `ProcessFrames`); otherwise raw frames go out without events.
        public var processFrames = false
        /// Extra header metadata (the header also carries `source=nevr` and `stream=<streamID>`).
        public var metadata: [Event.MapEntry] = []
        /// This codec's stream id, sent in every header (`stream` metadata). The hub tells frames
        /// resent after a reconnect (same stream: duplicates, dropped) from a recording streamed
        /// again (a new codec, a new stream: delivered). Default: a fresh random id per codec.
        public var streamID: String?
        /// First reconnect delay; doubles per failed attempt up to ``maxReconnectDelay``.
        public var reconnectDelay: Duration = .milliseconds(100)
        /// Longest wait between reconnect attempts.
        public var maxReconnectDelay: Duration = .seconds(5)
        /// Frames held in memory while unacknowledged or disconnected.
        public var memoryBufferFrames: Int = 4_096
        /// Bytes of the spill file used after memory is full (0 disables spilling).
        public var spillLimitBytes: Int = 256 << 20
        /// Where the spill file goes (default: the temporary directory).
        public var spillDirectory: URL?
        /// Unacknowledged messages in flight at once.
        public var window: Int = 512
        /// WebSocket ping period.
        public var pingInterval: Duration = .seconds(15)
        /// Largest message accepted from the hub.
        public var maxMessageSize: Int = 16 << 20
        /// Called when the hub forwards `POST /clip` (a `save_clip` message; the argument is how
        /// many requests it stands for): `nevr record --buffer` saves a clip.
        public var onSaveClip: (@Sendable (Int) -> Void)?

        /// JSON, all parts, no processing, no token by default.
        public init(token: String? = nil, format: StreamFormat = .json, parts: StreamParts = .all, processFrames: Bool = false) {
            self.token = token
            self.format = format
            self.parts = parts
            self.processFrames = processFrames
        }
    }

    /// Counters of one codec (a consistent snapshot).
    public struct Statistics: Sendable, Hashable {
        /// Frames handed to the codec.
        public var framesQueued = 0
        /// Frames the hub acknowledged.
        public var framesAcknowledged = 0
        /// Frames refused because the buffer bounds were full.
        public var dropped = 0
        /// Frames that went through the spill file.
        public var spilled = 0
        /// Messages still held (unacknowledged).
        public var buffered = 0
        /// Successful connections (1 + reconnects).
        public var connections = 0
        /// True while a connection to the hub is open.
        public var isConnected = false
        /// The last connection error, if any.
        public var lastError: String?
        /// Errors the hub reported (`{"type":"error"}`), counted.
        public var hubErrors = 0
        /// The last error the hub reported.
        public var lastHubError: String?
        /// Frames the hub acknowledged but did not forward because it already had them
        /// (duplicates of the same stream), as its acks report them.
        public var duplicatesReported = 0
    }

    // Only touched under the box's lock (continuations and the spill file included).
    private struct State: @unchecked Sendable {
        var buffer: OutboundBuffer
        /// Held messages that are frames (the rest are headers).
        var isFrame = Deque<Bool>()
        // Per connection: messages written (from the front of `buffer`) and acknowledged.
        var sent = 0
        var ackedOnConnection = 0
        var preamble = 0
        /// Duplicates reported on earlier connections (acks count per connection).
        var duplicatesBeforeConnection = 0
        var connected = false
        var closing = false
        /// Set when ``close(timeout:)``'s deadline passed: stop waiting for acks and reconnects.
        var abandoned = false
        /// The last attempt was refused with an answer the same request always gets (401 for
        /// the token, 400, 404): closing does not wait for this hub to take the frames.
        var refused = false
        var match: String?
        var header: [UInt8]?
        var nextIndex: UInt32 = 0
        var processor = FrameProcessor()
        var stats = Statistics()
        var waiter: CheckedContinuation<Void, Never>?
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The hub's `/publish` URL.
    public let url: String
    /// How frames are sent.
    public let options: Options
    /// The stream id this codec sends in its headers.
    public let streamID: String
    private let logger: Logger
    private let state: NIOLockedValueBox<State>
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Validates the URL (`ws://` or `wss://`) and starts connecting in the background.
    public init(url: String, options: Options = .init(), logger: Logger = Logger(label: "nevr.stream")) throws(StreamClientError) {
        // Checked before connecting: the WebSocket client wraps an out-of-range port (99999 -> 34463).
        do {
            _ = try ServiceURL(parsing: url, schemes: ServiceURL.webSocketSchemes)
        } catch {
            throw StreamClientError(url: url, reason: error.reason)
        }
        self.url = url
        self.options = options
        self.streamID = options.streamID ?? UUID().uuidString
        self.logger = logger
        self.state = NIOLockedValueBox(
            State(
                buffer: OutboundBuffer(
                    memoryLimit: options.memoryBufferFrames, spillLimitBytes: options.spillLimitBytes,
                    spillDirectory: options.spillDirectory)))
        let t = Task { [self] in await runConnectionLoop() }
        task.withLockedValue { $0 = t }
    }

    /// A consistent snapshot of the counters.
    public var statistics: Statistics {
        state.withLockedValue { s in
            var st = s.stats
            st.buffered = s.buffer.count
            st.dropped = s.buffer.dropped
            st.spilled = s.buffer.spilledTotal
            return st
        }
    }

    // MARK: streaming

    /// Queues one raw frame: the game's `/session` bytes, optional `/player_bones` bytes, and
    /// the capture instant. Frame indices count from 0.
    ///
    /// JSON without ``Options/processFrames``: the bytes go out verbatim under `session`/`bones`.
    /// With ``Options/processFrames`` the frame is parsed and run through a `FrameProcessor`
    /// (events detected here, sent under `events`); binary always parses (protobuf needs the
    /// typed frame). Throws, queuing nothing, when the bytes are not a readable frame.
    ///
    /// `typed`: the same frame already parsed and processed by the caller (the live recorder
    /// parses each body once for all its sinks). It is used instead of parsing again: its
    /// events with ``Options/processFrames``, its session and bones for binary; it is numbered
    /// like every other frame of this publisher.
    public func streamRaw(
        session: [UInt8], bones: [UInt8]?, timestamp: Timestamp, typed: Frame? = nil
    ) throws(StreamClientError) {
        if typed == nil {
            try validate(session, "session")  // a typed frame was parsed from these very bytes
            if let bones { try validate(bones, "bones") }
        }
        let match = StreamJSON.sessionID(in: session) ?? ""
        let result: Result<Void, StreamClientError> = state.withLockedValue { s in
            var f = StreamedFrame(match: match, index: s.nextIndex, timestamp: timestamp, sessionJSON: session, bonesJSON: bones)
            if var given = typed, options.processFrames || options.format == .binary {
                given.index = s.nextIndex
                // Without processing, a binary frame carries no events (as when it is parsed here).
                if !options.processFrames { given.events = [] }
                f.frame = given
            } else if options.processFrames {
                do {
                    f.frame = try s.processor.process(session: session, bones: bones, timestamp: timestamp)
                } catch {
                    return .failure(StreamClientError(url: url, reason: "frame at \(timestamp.iso8601): \(error)"))
                }
            }
            return enqueue(&s, f)
        }
        try result.get()
        wake()
    }

    /// Queues a processed frame (from a `FrameProcessor`, a `.nevrcap` reader or the simulator):
    /// JSON messages spell it with `GameJSONWriter` and `EventJSON`; binary ones are its Envelope.
    public func streamProcessed(_ frame: Frame) throws(StreamClientError) {
        let f = StreamedFrame(match: frame.session.sessionID ?? "", index: frame.index, timestamp: frame.timestamp, frame: frame)
        let result: Result<Void, StreamClientError> = state.withLockedValue { s in enqueue(&s, f) }
        try result.get()
        wake()
    }

    private func validate(_ bytes: [UInt8], _ what: String) throws(StreamClientError) {
        let ok = bytes.withUnsafeBytes(JSONTextAudit.isValidJSONObject)
        guard ok else { throw StreamClientError(url: url, reason: "\(what) is not a JSON object (\(bytes.count) bytes)") }
    }

    private func enqueue(_ s: inout State, _ f: StreamedFrame) -> Result<Void, StreamClientError> {
        let message: EncodedMessage?
        do {
            message = try StreamEncoder.encode(f, format: options.format, parts: options.parts)
        } catch {
            return .failure(StreamClientError(url: url, reason: error.reason))
        }
        s.nextIndex = f.index &+ 1
        if s.match != f.match {
            s.match = f.match
            let header = StreamHeader(
                match: f.match, createdAt: f.timestamp,
                metadata: [.init(key: "source", value: "nevr"), .init(key: "stream", value: streamID)] + options.metadata)
            let h: [UInt8]
            if options.format == .binary {
                h = StreamBinary.encode(header)
            } else {
                var out: [UInt8] = []
                StreamJSON.appendHeader(header, into: &out)
                h = out
            }
            s.header = h
            if s.buffer.append(.init(isText: options.format == .json, bytes: h)) { s.isFrame.append(false) }
        }
        s.stats.framesQueued += 1
        // Events-only publishing: frames without events have nothing to send.
        guard let message else { return .success(()) }
        if s.buffer.append(.init(isText: message.isText, bytes: Array(message.bytes.readableBytesView))) { s.isFrame.append(true) }
        return .success(())
    }

    private func wake() {
        let w = state.withLockedValue { s in
            let w = s.waiter
            s.waiter = nil
            return w
        }
        w?.resume()
    }

    // MARK: closing

    /// Waits until the hub has acknowledged everything queued (at most `timeout`; not at all
    /// while the hub refuses the connection with an answer that will not change, such as 401
    /// for the token), then closes the connection cleanly and stops reconnecting. Returns the final statistics;
    /// `buffered` > 0 means frames were still unacknowledged at the deadline.
    @discardableResult
    public func close(timeout: Duration = .seconds(10)) async -> Statistics {
        state.withLockedValue { $0.closing = true }
        wake()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let done: Bool = state.withLockedValue { s in
                        if s.buffer.count == 0 || (s.refused && !s.connected) { return true }
                        s.drainWaiters.append(c)
                        return false
                    }
                    if done { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            // Release a drain waiter still pending after the deadline.
            let waiters = state.withLockedValue { s in
                let w = s.drainWaiters
                s.drainWaiters = []
                return w
            }
            for w in waiters { w.resume() }
        }
        let connected = state.withLockedValue { s in
            s.abandoned = true
            return s.connected
        }
        wake()
        // The writer closes the socket cleanly (close frame) and the loop ends; cancel if it does not.
        // Without a connection there is nothing to close: stop the reconnect wait at once.
        let t = task.withLockedValue { $0 }
        if !connected { t?.cancel() }
        if await !Self.finishes(t, within: .seconds(5)) {
            t?.cancel()
            _ = await Self.finishes(t, within: .seconds(2))
        }
        state.withLockedValue { $0.buffer.discardSpill() }
        return statistics
    }

    private static func finishes(_ t: Task<Void, Never>?, within limit: Duration) async -> Bool {
        guard let t else { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await t.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let r = await group.next() ?? false
            group.cancelAll()
            return r
        }
    }

    // MARK: connection

    private func runConnectionLoop() async {
        var attempt = 0
        var config = WebSocketClientConfiguration(
            maxFrameSize: options.maxMessageSize, autoPing: .enabled(timePeriod: options.pingInterval))
        if let token = options.token { config.additionalHeaders[.authorization] = "Bearer \(token)" }
        while !Task.isCancelled {
            if state.withLockedValue({ ($0.closing && $0.buffer.count == 0) || $0.abandoned }) { break }
            let connectionsBefore = state.withLockedValue { $0.stats.connections }
            do {
                try await WebSocketClient.connect(url: url, configuration: config, logger: logger) { [self] inbound, outbound, _ in
                    try await serveConnection(inbound: inbound, outbound: outbound)
                }
            } catch is CancellationError {
                break
            } catch {
                // A refused upgrade says why in plain words (401: the token), like `nevr watch`.
                let failure = HubRefusal.classify(error, url: url, token: options.token)
                let waiters: [CheckedContinuation<Void, Never>] = state.withLockedValue { s in
                    s.stats.lastError = failure.reason
                    s.refused = failure.final
                    // A closing publisher waits for acks this hub will never send: stop waiting.
                    guard s.refused, s.closing else { return [] }
                    defer { s.drainWaiters = [] }
                    return s.drainWaiters
                }
                for w in waiters { w.resume() }
            }
            state.withLockedValue { s in
                s.connected = false
                s.stats.isConnected = false
            }
            if state.withLockedValue({ ($0.closing && $0.buffer.count == 0) || $0.abandoned }) { break }
            if state.withLockedValue({ $0.stats.connections }) > connectionsBefore { attempt = 0 }
            let delay = min(options.maxReconnectDelay, options.reconnectDelay * (1 << min(attempt, 16)))
            attempt += 1
            // Jitter (up to +25%) so many publishers do not reconnect in lockstep.
            let jitter = delay * Double.random(in: 0...0.25)
            do { try await Task.sleep(for: delay + jitter) } catch { break }
        }
    }

    private enum Next {
        case send(OutboundBuffer.Entry)
        case finish
        case wait
    }

    private func serveConnection(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let preamble: [UInt8]? = state.withLockedValue { s in
            s.connected = true
            s.refused = false
            s.stats.isConnected = true
            s.stats.connections += 1
            s.sent = 0
            s.ackedOnConnection = 0
            s.duplicatesBeforeConnection = s.stats.duplicatesReported
            // Resend the current header first unless it is still queued at the front.
            let headerQueued = !s.isFrame.isEmpty && !s.isFrame[0]
            s.preamble = (s.header != nil && !headerQueued) ? 1 : 0
            return s.preamble == 1 ? s.header : nil
        }
        if let preamble { try await write(.init(isText: options.format == .json, bytes: preamble), outbound) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for try await message in inbound.messages(maxSize: options.maxMessageSize) {
                    guard case .text(var text) = message else { continue }
                    let decoded = try? text.withUTF8 { buf in try StreamJSON.decode(UnsafeRawBufferPointer(buf)) }
                    switch decoded {
                    case .ack(let n, let duplicates):
                        acknowledge(total: n, duplicates: duplicates)
                    case .saveClip(let n): options.onSaveClip?(n)
                    case .error(let m):
                        logger.warning("hub reported: \(m)")
                        state.withLockedValue { s in
                            s.stats.hubErrors += 1
                            s.stats.lastHubError = m
                        }
                    default: break
                    }
                }
            }
            group.addTask { [self] in
                while true {
                    switch await nextToSend() {
                    case .send(let entry): try await write(entry, outbound)
                    case .finish:
                        try await outbound.close(.normalClosure, reason: "done")
                        return
                    case .wait: continue
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func acknowledge(total: Int, duplicates: Int) {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLockedValue { s in
            // Per connection and cumulative: the largest count seen on this connection plus earlier ones.
            s.stats.duplicatesReported = max(s.stats.duplicatesReported, s.duplicatesBeforeConnection + duplicates)
            let messages = total - s.preamble
            let newly = messages - s.ackedOnConnection
            guard newly > 0 else { return [] }
            s.ackedOnConnection = messages
            s.buffer.removeFirst(newly)
            s.sent -= newly
            for _ in 0..<newly {
                if s.isFrame.popFirst() == true { s.stats.framesAcknowledged += 1 }
            }
            guard s.buffer.count == 0 else { return [] }
            let w = s.drainWaiters
            s.drainWaiters = []
            return w
        }
        for w in waiters { w.resume() }
        wake()
    }

    private func nextToSend() async -> Next {
        let step: Next = state.withLockedValue { s in
            if s.sent < options.window, let e = s.buffer.entry(at: s.sent) {
                s.sent += 1
                return .send(e)
            }
            if (s.closing && s.buffer.count == 0) || s.abandoned { return .finish }
            return .wait
        }
        if case .wait = step {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now: Bool = state.withLockedValue { s in
                        let ready =
                            (s.sent < options.window && s.sent < s.buffer.count) || (s.closing && s.buffer.count == 0) || s.abandoned
                        if ready || Task.isCancelled { return true }
                        s.waiter = c
                        return false
                    }
                    if now { c.resume() }
                }
            } onCancel: {
                wake()
            }
            if Task.isCancelled { return .finish }
        }
        return step
    }

    private func write(_ entry: OutboundBuffer.Entry, _ outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(
            .custom(WebSocketFrame(fin: true, opcode: entry.isText ? .text : .binary, data: ByteBuffer(bytes: entry.bytes))))
    }
}

/// A streaming client could not start or was given bad input.
public struct StreamClientError: Error, CustomStringConvertible, Sendable {
    /// The hub's URL.
    public var url: String
    /// What went wrong.
    public var reason: String
    /// `url: reason`.
    public var description: String { "\(url): \(reason)" }
}
