import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Guards every TCP connection of the hub before HTTP or WebSocket code sees it:
///
/// - at most ``Limits/maxConnections`` at once; beyond that a connection is closed on arrival
///   (a flood of idle sockets cannot use up file descriptors or starve `/healthz`);
/// - the request head must arrive within ``Limits/handshakeTimeout`` and be at most 16 KiB
///   (a client that connects and sends nothing, or trickles its headers, is closed);
/// - ``Limits/authorize`` sees the request line and headers first: a refusal is answered with
///   exactly that status (401 for a wrong token, WebSocket upgrade or not; the WebSocket
///   library would answer any refused upgrade with 400) and the connection is closed;
/// - a connection that sends no byte for ``Limits/idleTimeout`` is closed (WebSocket peers
///   answer the hub's pings, so a live subscriber is never idle by this measure).
///
/// Package-visible: the overlay's Spark event server (NEVROverlay) guards its connections
/// with the same code.
package struct ConnectionGuard: Sendable {
    package struct Limits: Sendable {
        package var maxConnections: Int
        package var handshakeTimeout: TimeAmount
        package var idleTimeout: TimeAmount
        /// Decides on a request head: `(target, authorization header)` -> a refusal status and body, or nil.
        package var authorize: @Sendable (_ target: String, _ authorization: String?) -> (status: Int, reason: String, body: String)?

        /// Limits with every bound given; `authorize` defaults to admitting every request head.
        package init(
            maxConnections: Int, handshakeTimeout: TimeAmount, idleTimeout: TimeAmount,
            authorize: @escaping @Sendable (_ target: String, _ authorization: String?) -> (status: Int, reason: String, body: String)? = { _, _ in nil }
        ) {
            self.maxConnections = maxConnections
            self.handshakeTimeout = handshakeTimeout
            self.idleTimeout = idleTimeout
            self.authorize = authorize
        }
    }

    package let limits: Limits
    package let counter: ConnectionCounter

    /// A guard applying `limits`, counting into `counter` (shared by all its connections).
    package init(limits: Limits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    /// Wraps a child channel (the HTTP/WebSocket pipeline) so each connection passes the guard first.
    package func wrap<Inner: ServerChildChannel>(_ inner: Inner) -> GuardedChildChannel<Inner> {
        GuardedChildChannel(inner: inner, guardConfig: self)
    }
}

/// Connections open now and those refused or closed by the guard (shared by all connections).
package final class ConnectionCounter: Sendable {
    /// No connections yet.
    package init() {}

    private let state = NIOLockedValueBox((open: 0, refused: 0, timedOut: 0))

    func acquire(limit: Int) -> Bool {
        state.withLockedValue { s in
            guard s.open < limit else {
                s.refused += 1
                return false
            }
            s.open += 1
            return true
        }
    }

    func release() { state.withLockedValue { $0.open -= 1 } }
    func noteTimeout() { state.withLockedValue { $0.timedOut += 1 } }

    /// Connections open now.
    package var open: Int { state.withLockedValue { $0.open } }
    /// Connections closed on arrival at the limit.
    package var refused: Int { state.withLockedValue { $0.refused } }
    /// Connections closed by the handshake or idle timeout.
    package var timedOut: Int { state.withLockedValue { $0.timedOut } }
}

/// A child channel whose connections pass ``ConnectionGuard`` before `Inner` sees them.
package struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    package typealias Value = Inner.Value
    let inner: Inner
    let guardConfig: ConnectionGuard

    /// Puts the guard first in the connection's pipeline, then sets up `Inner`.
    package func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let config = guardConfig
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(config), position: .first)
        }.flatMap { _ in
            inner.setup(channel: channel, logger: logger)
        }
    }

    /// `Inner`'s handling of the connection.
    package func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// The per-connection half of ``ConnectionGuard``: first in the pipeline, it sees raw bytes.
/// It holds back the bytes of the request head until the head is complete and allowed.
final class ConnectionGuardHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let maxHeadBytes = 16 << 10

    private let config: ConnectionGuard
    private var acquired = false
    private var refused = false
    /// Bytes of the first request head, until it is complete (then nil: pass everything through).
    private var head: ByteBuffer? = ByteBuffer()
    private var lastRead: NIODeadline = .now()
    private var handshakeTimer: Scheduled<Void>?
    private var idleTimer: RepeatedTask?

    init(_ config: ConnectionGuard) { self.config = config }

    func handlerAdded(context: ChannelHandlerContext) {
        guard config.counter.acquire(limit: config.limits.maxConnections) else {
            refused = true
            context.close(promise: nil)
            return
        }
        acquired = true
        lastRead = .now()
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        handshakeTimer = loop.scheduleTask(in: config.limits.handshakeTimeout) {
            let (handler, context) = bound.value
            guard handler.head != nil else { return }
            handler.config.counter.noteTimeout()
            context.close(promise: nil)
        }
        let idle = config.limits.idleTimeout
        let period = TimeAmount.nanoseconds(max(100_000_000, idle.nanoseconds / 4))
        idleTimer = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            let (handler, context) = bound.value
            if NIODeadline.now() - handler.lastRead > idle {
                handler.config.counter.noteTimeout()
                context.close(promise: nil)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { releaseSlot() }

    func channelInactive(context: ChannelHandlerContext) {
        releaseSlot()
        context.fireChannelInactive()
    }

    private func releaseSlot() {
        handshakeTimer?.cancel()
        idleTimer?.cancel()
        if acquired {
            acquired = false
            config.counter.release()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        guard !refused else { return }
        guard var pending = head else {
            context.fireChannelRead(data)
            return
        }
        var incoming = unwrapInboundIn(data)
        pending.writeBuffer(&incoming)
        let bytes = pending.readableBytesView
        guard let end = Self.headEnd(bytes) else {
            if bytes.count > Self.maxHeadBytes {
                refuse(context, 431, "Request Header Fields Too Large", "request head larger than \(Self.maxHeadBytes) bytes\n")
            } else {
                head = pending
            }
            return
        }
        head = nil
        handshakeTimer?.cancel()
        let text = String(decoding: bytes.prefix(end - bytes.startIndex), as: UTF8.self)
        let (target, authorization) = Self.parse(text)
        if let refusal = config.limits.authorize(target, authorization) {
            refuse(context, refusal.status, refusal.reason, refusal.body)
            return
        }
        context.fireChannelRead(wrapInboundOut(pending))
    }

    private func refuse(_ context: ChannelHandlerContext, _ status: Int, _ reason: String, _ body: String) {
        refused = true
        head = nil
        var out = context.channel.allocator.buffer(capacity: 256)
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\n"
        if status == 401 { text += "WWW-Authenticate: Bearer\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        out.writeString(text)
        context.writeAndFlush(NIOAny(out)).whenComplete { _ in context.close(promise: nil) }
    }

    /// The index just past `\r\n\r\n`, or nil.
    static func headEnd(_ bytes: ByteBufferView) -> Int? {
        var i = bytes.startIndex
        while i + 3 < bytes.endIndex {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// The request target and the `Authorization` header of a request head.
    static func parse(_ head: String) -> (String, String?) {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines.first.map(String.init) ?? ""
        let parts = requestLine.split(separator: " ")
        let target = parts.count >= 2 ? String(parts[1]) : ""
        var authorization: String?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "authorization" {
                authorization = String(line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
            }
        }
        return (target, authorization)
    }
}
