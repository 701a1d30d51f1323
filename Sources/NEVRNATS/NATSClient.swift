import Foundation
import NIOCore
import NIOPosix

/// A connection to one NATS server speaking the client protocol (INFO, CONNECT, PUB/HPUB,
/// SUB/UNSUB, MSG/HMSG, PING/PONG, -ERR) over SwiftNIO.
///
/// ```swift
/// let client = try await NATSClient.connect(try NATSURL(parsing: "nats://127.0.0.1:4222"))
/// let sub = try await client.subscribe(to: "greetings")
/// try await client.publish(Array("hello".utf8), to: "greetings")
/// for try await message in sub { print(message.string); break }
/// await client.close()
/// ```
///
/// CONNECT asks for `verbose: false` (no `+OK` per message), `pedantic: false`, `headers: true`
/// and `no_responders: true` (a request nobody serves fails at once with
/// ``NATSError/noResponders(subject:)``). Every outgoing message is checked against the
/// server's `max_payload` from INFO before it is sent. The client does not reconnect: when the
/// connection breaks, subscriptions end with ``NATSError/connectionClosed(endpoint:reason:)``.
public actor NATSClient {
    /// The server connected to (credentials are kept but never printed).
    public nonisolated let url: NATSURL
    /// The settings in force.
    public nonisolated let options: NATSClientOptions
    /// The server's latest INFO.
    public private(set) var serverInfo = NATSServerInfo()

    private var parser: NATSProtocolParser
    private var outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>?
    private var channel: (any Channel)?
    private var readerTask: Task<Void, Never>?
    private var keepaliveTask: Task<Void, Never>?
    private var state: State = .connecting
    private var infoWaiter: CheckedContinuation<Void, any Error>?
    private var gotInfo = false
    private var handshakeError: NATSError?

    /// Subscriptions by id.
    private var subscriptions: [UInt64: Subscriber] = [:]
    private var nextSid: UInt64 = 1
    /// Outstanding PINGs in send order; the id maps to a waiter unless it was a keepalive
    /// (or its waiter timed out).
    private var pingQueue: [UInt64] = []
    private var pongWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var nextPingID: UInt64 = 1
    /// Requests waiting for a reply, by the last token of their reply subject.
    private var requests: [String: CheckedContinuation<NATSMessage, any Error>] = [:]
    private var requestSubjects: [String: String] = [:]
    private var responseSid: UInt64?
    private let inboxPrefix: String
    private var nextRequestID: UInt64 = 1

    private enum State { case connecting, connected, closed }

    private struct Subscriber {
        var subject: String
        var continuation: AsyncThrowingStream<NATSMessage, any Error>.Continuation?
        var isResponseMux: Bool
    }

    deinit {
        // A client dropped without close() must not leave its socket open.
        keepaliveTask?.cancel()
        channel?.close(promise: nil)
    }

    private init(url: NATSURL, options: NATSClientOptions) {
        self.url = url
        self.options = options
        self.parser = NATSProtocolParser(maxLineLength: options.maxLineLength)
        self.inboxPrefix = "_INBOX." + NATSClient.randomToken()
    }

    /// Connects, reads the server's INFO, sends CONNECT (with the URL's user/password or
    /// token) and waits for the PONG that confirms it was accepted.
    ///
    /// Throws ``NATSError/connectionFailed(endpoint:reason:)`` naming `host:port` when the
    /// server cannot be reached, ``NATSError/serverError(endpoint:message:)`` when it refuses
    /// the credentials, ``NATSError/timeout(endpoint:operation:)`` when it does not answer.
    public static func connect(_ url: NATSURL, options: NATSClientOptions = NATSClientOptions()) async throws -> NATSClient {
        guard (1...65535).contains(url.port) else { throw NATSError.invalidURL("port \(url.port) is not from 1 to 65535") }
        let asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            let timeout = TimeAmount.nanoseconds(Self.nanoseconds(options.connectTimeout))
            asyncChannel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: url.host, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw NATSError.connectionFailed(endpoint: url.endpoint, reason: Self.describe(error))
        }
        let client = NATSClient(url: url, options: options)
        do {
            try await client.handshake(asyncChannel)
        } catch {
            await client.shutdown(reason: nil)
            throw error
        }
        return client
    }

    // MARK: handshake

    private func handshake(_ asyncChannel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        channel = asyncChannel.channel
        let ready = AsyncStream<NIOAsyncChannelOutboundWriter<ByteBuffer>>.makeStream()
        readerTask = Task { [weak self] in
            do {
                try await asyncChannel.executeThenClose { inbound, outbound in
                    ready.continuation.yield(outbound)
                    ready.continuation.finish()
                    for try await bytes in inbound {
                        guard let self else { return }
                        await self.receive(bytes)
                    }
                }
                await self?.connectionEnded(reason: "closed by the server")
            } catch {
                ready.continuation.finish()
                await self?.connectionEnded(reason: NATSClient.describe(error))
            }
        }
        for await writer in ready.stream { outbound = writer }
        guard outbound != nil else { throw NATSError.connectionClosed(endpoint: url.endpoint, reason: "closed before INFO") }

        let deadline = Task { [weak self, timeout = options.connectTimeout] in
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            await self?.handshakeTimedOut()
        }
        defer { deadline.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if gotInfo {
                continuation.resume()
            } else if let handshakeError {
                continuation.resume(throwing: handshakeError)
            } else if state == .closed {
                continuation.resume(throwing: NATSError.connectionClosed(endpoint: url.endpoint, reason: "closed before INFO"))
            } else {
                infoWaiter = continuation
            }
        }
        var connect: [String: Any] = [
            "verbose": false, "pedantic": false, "headers": true, "no_responders": true,
            "lang": "swift", "version": "0.1", "protocol": 1, "name": options.name,
        ]
        if let user = url.user { connect["user"] = user }
        if let password = url.password { connect["pass"] = password }
        if let token = url.token { connect["auth_token"] = token }
        let json = try JSONSerialization.data(withJSONObject: connect, options: [.sortedKeys])
        var line = ByteBuffer(string: "CONNECT ")
        line.writeBytes(json)
        line.writeString("\r\n")
        do {
            try await send(line)
            try await ping()
        } catch {
            // A server that refuses CONNECT (-ERR 'Authorization Violation') closes the connection
            // at once, so writing the PING can fail before the reader has seen the -ERR: wait for
            // the reader to finish, then the server's reason wins over the write failure.
            channel?.close(promise: nil)
            await readerTask?.value
            throw handshakeError ?? error
        }
        if let handshakeError { throw handshakeError }
        state = .connected
        startKeepalive()
    }

    private func handshakeTimedOut() {
        guard state == .connecting else { return }
        let error = NATSError.timeout(endpoint: url.endpoint, operation: "the handshake (INFO, CONNECT, PONG)")
        handshakeError = error
        failAll(error)
        channel?.close(promise: nil)
    }

    // MARK: publishing

    /// Publishes `payload` to `subject`, optionally with a reply subject and headers.
    ///
    /// Throws ``NATSError/payloadTooLarge(size:max:)`` when headers plus payload exceed the
    /// server's `max_payload`, ``NATSError/invalidArgument(_:)`` for a subject NATS cannot carry.
    public func publish(_ payload: [UInt8], to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil) async throws {
        try checkOpen()
        try Self.checkSubject(subject, what: "subject")
        if let replyTo { try Self.checkSubject(replyTo, what: "reply subject") }
        var buffer = ByteBuffer()
        if let headers {
            guard serverInfo.headers else { throw NATSError.invalidArgument("server \(url.endpoint) does not support headers") }
            let head = try headers.encoded()
            let total = head.count + payload.count
            guard total <= serverInfo.maxPayload else { throw NATSError.payloadTooLarge(size: total, max: serverInfo.maxPayload) }
            buffer.reserveCapacity(total + subject.utf8.count + 48)
            buffer.writeString("HPUB \(subject) \(replyTo.map { $0 + " " } ?? "")\(head.count) \(total)\r\n")
            buffer.writeBytes(head)
        } else {
            guard payload.count <= serverInfo.maxPayload else {
                throw NATSError.payloadTooLarge(size: payload.count, max: serverInfo.maxPayload)
            }
            buffer.reserveCapacity(payload.count + subject.utf8.count + 32)
            buffer.writeString("PUB \(subject) \(replyTo.map { $0 + " " } ?? "")\(payload.count)\r\n")
        }
        buffer.writeBytes(payload)
        buffer.writeString("\r\n")
        try await send(buffer)
    }

    /// Sends PING and waits for the server's PONG: every operation sent before it has then
    /// been processed by the server.
    public func flush(timeout: Duration = .seconds(5)) async throws {
        try checkOpen()
        try await ping(timeout: timeout)
    }

    // MARK: subscribing

    /// Subscribes to `subject` (wildcards `*` and `>` allowed), in queue group `queue` if given.
    /// The subscription is active on the server once this returns.
    public func subscribe(to subject: String, queue: String? = nil) async throws -> NATSSubscription {
        try checkOpen()
        try Self.checkSubject(subject, what: "subject")
        if let queue { try Self.checkSubject(queue, what: "queue group") }
        let sid = nextSid
        nextSid += 1
        let (stream, continuation) = AsyncThrowingStream<NATSMessage, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, options.subscriptionBufferLimit)))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(sid: sid) }
        }
        subscriptions[sid] = Subscriber(subject: subject, continuation: continuation, isResponseMux: false)
        try await send(ByteBuffer(string: "SUB \(subject) \(queue.map { $0 + " " } ?? "")\(sid)\r\n"))
        return NATSSubscription(subject: subject, sid: sid, client: self, stream: stream)
    }

    /// Ends subscription `sid` (a no-op if it already ended).
    func unsubscribe(sid: UInt64) async {
        guard let subscriber = subscriptions.removeValue(forKey: sid) else { return }
        subscriber.continuation?.finish()
        if state == .connected { try? await send(ByteBuffer(string: "UNSUB \(sid)\r\n")) }
    }

    // MARK: request/reply

    /// A new unique subject for replies (`_INBOX.<random>.<n>`).
    public func newInbox() -> String {
        defer { nextRequestID += 1 }
        return "\(inboxPrefix).s\(nextRequestID)"
    }

    /// Publishes `payload` to `subject` with a fresh reply subject and returns the first reply.
    ///
    /// Throws ``NATSError/requestTimeout(subject:milliseconds:)`` after `timeout`,
    /// ``NATSError/noResponders(subject:)`` when nobody subscribes to `subject`.
    public func request(_ payload: [UInt8], to subject: String, headers: NATSHeaders? = nil, timeout: Duration = .seconds(5)) async throws -> NATSMessage {
        try checkOpen()
        if responseSid == nil {
            let sid = nextSid
            nextSid += 1
            // `<prefix>.r.*`: replies only, so inboxes from newInbox() (`<prefix>.sN`) do not match it too.
            subscriptions[sid] = Subscriber(subject: "\(inboxPrefix).r.*", continuation: nil, isResponseMux: true)
            responseSid = sid
            try await send(ByteBuffer(string: "SUB \(inboxPrefix).r.* \(sid)\r\n"))
        }
        let token = "r\(nextRequestID)"
        nextRequestID += 1
        let expiry = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            await self?.expireRequest(token, NATSError.requestTimeout(subject: subject, milliseconds: Self.milliseconds(timeout)))
        }
        defer { expiry.cancel() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<NATSMessage, any Error>) in
            requests[token] = continuation
            requestSubjects[token] = subject
            Task { await self.sendRequest(payload, to: subject, replyTo: "\(inboxPrefix).r.\(token)", headers: headers, token: token) }
        }
    }

    private func sendRequest(_ payload: [UInt8], to subject: String, replyTo: String, headers: NATSHeaders?, token: String) async {
        do { try await publish(payload, to: subject, replyTo: replyTo, headers: headers) } catch { expireRequest(token, error) }
    }

    private func expireRequest(_ token: String, _ error: any Error) {
        requestSubjects[token] = nil
        requests.removeValue(forKey: token)?.resume(throwing: error)
    }

    // MARK: closing

    /// Flushes what was sent (waiting up to 2 s for the server's PONG), then closes the
    /// connection. Subscriptions finish; waiting requests fail with ``NATSError/closed``.
    public func close() async {
        if state == .connected { try? await ping(timeout: .seconds(2)) }
        await shutdown(reason: nil)
    }

    /// Whether the connection is open.
    public var isConnected: Bool { state == .connected }

    private func shutdown(reason: NATSError?) async {
        guard state != .closed else { return }
        state = .closed
        keepaliveTask?.cancel()
        failAll(reason ?? .closed)
        finishSubscriptions(throwing: reason)
        if let channel { try? await channel.close() }
        readerTask?.cancel()
    }

    private func connectionEnded(reason: String) {
        guard state != .closed else { return }
        let error = handshakeError ?? NATSError.connectionClosed(endpoint: url.endpoint, reason: reason)
        state = .closed
        keepaliveTask?.cancel()
        failAll(error)
        finishSubscriptions(throwing: error)
    }

    private func failAll(_ error: NATSError) {
        infoWaiter?.resume(throwing: error)
        infoWaiter = nil
        for waiter in pongWaiters.values { waiter.resume(throwing: error) }
        pongWaiters = [:]
        pingQueue = []
        for request in requests.values { request.resume(throwing: error) }
        requests = [:]
        requestSubjects = [:]
    }

    private func finishSubscriptions(throwing error: NATSError?) {
        let all = subscriptions.values
        subscriptions = [:]
        for subscriber in all { subscriber.continuation?.finish(throwing: error) }
    }

    // MARK: reading

    private func receive(_ bytes: ByteBuffer) async {
        parser.append(bytes)
        while true {
            let op: NATSServerOperation?
            do { op = try parser.next() } catch {
                let failure = NATSError.protocolViolation(endpoint: url.endpoint, error)
                handshakeError = handshakeError ?? (state == .connecting ? failure : nil)
                await shutdown(reason: failure)
                return
            }
            guard let op else { return }
            switch op {
            case .info(let info):
                serverInfo = info
                if !gotInfo {
                    gotInfo = true
                    infoWaiter?.resume()
                    infoWaiter = nil
                }
            case .message(let message):
                deliver(message)
            case .ping:
                try? await send(ByteBuffer(string: "PONG\r\n"))
            case .pong:
                if !pingQueue.isEmpty {
                    let id = pingQueue.removeFirst()
                    pongWaiters.removeValue(forKey: id)?.resume()
                }
            case .ok:
                break
            case .error(let text):
                let error = NATSError.serverError(endpoint: url.endpoint, message: text)
                if state == .connecting {
                    // Authorization failures arrive here; the server closes the connection next.
                    handshakeError = error
                    failAll(error)
                } else if !text.lowercased().hasPrefix("permissions violation") && !text.lowercased().hasPrefix("invalid subject") {
                    // Every other -ERR is followed by the server closing the connection.
                    await shutdown(reason: error)
                    return
                }
            }
        }
    }

    private func deliver(_ message: NATSMessage) {
        guard let subscriber = subscriptions[message.sid] else { return }  // Unsubscribed meanwhile.
        if subscriber.isResponseMux {
            let token = String(message.subject.split(separator: ".").last ?? "")
            guard let continuation = requests.removeValue(forKey: token) else { return }
            let subject = requestSubjects.removeValue(forKey: token) ?? message.subject
            if message.headers?.status == 503 && message.payload.isEmpty {
                continuation.resume(throwing: NATSError.noResponders(subject: subject))
            } else {
                continuation.resume(returning: message)
            }
            return
        }
        guard let continuation = subscriber.continuation else { return }
        if case .dropped = continuation.yield(message) {
            subscriptions[message.sid] = nil
            continuation.finish(throwing: NATSError.slowConsumer(subject: subscriber.subject, limit: options.subscriptionBufferLimit))
            if state == .connected {
                Task { try? await self.send(ByteBuffer(string: "UNSUB \(message.sid)\r\n")) }
            }
        }
    }

    // MARK: writing

    private func send(_ buffer: ByteBuffer) async throws {
        guard let outbound, state != .closed else { throw handshakeError ?? NATSError.closed }
        do { try await outbound.write(buffer) } catch {
            throw NATSError.connectionClosed(endpoint: url.endpoint, reason: Self.describe(error))
        }
    }

    private func ping(timeout: Duration = .seconds(5)) async throws {
        let id = nextPingID
        nextPingID += 1
        pingQueue.append(id)
        let endpoint = url.endpoint
        let expiry = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            if Task.isCancelled { return }
            await self?.expirePing(id, NATSError.timeout(endpoint: endpoint, operation: "PING"))
        }
        defer { expiry.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pongWaiters[id] = continuation
            Task { await self.sendPing(id) }
        }
    }

    private func sendPing(_ id: UInt64) async {
        do { try await send(ByteBuffer(string: "PING\r\n")) } catch { expirePing(id, error) }
    }

    private func expirePing(_ id: UInt64, _ error: any Error) {
        // The id stays queued: its PONG may still come and must not answer a later PING.
        pongWaiters.removeValue(forKey: id)?.resume(throwing: error)
    }

    private func startKeepalive() {
        let interval = options.pingInterval
        keepaliveTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.keepaliveTick()
            }
        }
    }

    private func keepaliveTick() async {
        guard state == .connected else { return }
        if pingQueue.count >= options.maxPingsOutstanding {
            await shutdown(reason: .timeout(endpoint: url.endpoint, operation: "\(pingQueue.count) keepalive PINGs"))
            return
        }
        pingQueue.append(nextPingID)
        nextPingID += 1
        try? await send(ByteBuffer(string: "PING\r\n"))
    }

    // MARK: checks

    private func checkOpen() throws {
        guard state == .connected else { throw handshakeError ?? NATSError.closed }
    }

    static func checkSubject(_ subject: String, what: String) throws {
        guard !subject.isEmpty, subject.utf8.count <= 4096,
            subject.utf8.allSatisfy({ $0 > 32 && $0 != 127 }),
            !subject.hasPrefix("."), !subject.hasSuffix("."), !subject.contains("..")
        else { throw NATSError.invalidArgument("\(what) \"\(subject.prefix(80))\" is empty, too long, has whitespace or an empty token") }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<22).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }

    static func milliseconds(_ duration: Duration) -> Int64 { nanoseconds(duration) / 1_000_000 }

    static func describe(_ error: any Error) -> String {
        if let error = error as? NATSError { return error.description }
        if let error = error as? IOError { return error.description }
        if error is NIOAsyncWriterError || error is ChannelError { return "the connection is closed" }
        return String(describing: error)
    }
}
