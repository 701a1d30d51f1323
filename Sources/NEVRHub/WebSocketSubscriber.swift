import HummingbirdWSClient
import NEVRCore
import Logging
import NIOCore

/// Subscribes to a hub (`/subscribe?...`) and hands each decoded message to a handler.
///
/// The handler is awaited before the next message is read, so a slow handler slows the
/// connection (and the hub applies its slow-subscriber policy) instead of buffering
/// without bound here.
///
/// ```swift
/// try await WebSocketSubscriber.run(url: "ws://127.0.0.1:8080/subscribe?match=all") { message in
///     if case .frame(let f) = message { print(f.index) }
/// }
/// ```
public enum WebSocketSubscriber {
    /// Connects and runs until the hub closes the connection, the handler throws, or the task is cancelled.
    /// Messages that cannot be decoded are passed on as ``StreamMessage/error(message:)``.
    public static func run(
        url: String, token: String? = nil, maxMessageSize: Int = 16 << 20, logger: Logger = Logger(label: "nevr.watch"),
        handler: @escaping @Sendable (StreamMessage) async throws -> Void
    ) async throws {
        // Checked before connecting: the WebSocket client wraps an out-of-range port (99999 -> 34463).
        do {
            _ = try ServiceURL(parsing: url, schemes: ServiceURL.webSocketSchemes)
        } catch {
            throw StreamClientError(url: url, reason: error.reason)
        }
        var config = WebSocketClientConfiguration(maxFrameSize: maxMessageSize, autoPing: .enabled(timePeriod: .seconds(15)))
        if let token { config.additionalHeaders[.authorization] = "Bearer \(token)" }
        do {
            try await connect(url: url, configuration: config, maxMessageSize: maxMessageSize, logger: logger, handler: handler)
        } catch let error as WebSocketClientError {
            // A refused upgrade says why in plain words (401: the token and how to pass it).
            guard error == .webSocketUpgradeFailed, let why = HubRefusal.explain(url: url, token: token) else { throw error }
            throw StreamClientError(url: url, reason: why)
        }
    }

    private static func connect(
        url: String, configuration config: WebSocketClientConfiguration, maxMessageSize: Int, logger: Logger,
        handler: @escaping @Sendable (StreamMessage) async throws -> Void
    ) async throws {
        try await WebSocketClient.connect(url: url, configuration: config, logger: logger) { inbound, _, _ in
            for try await message in inbound.messages(maxSize: maxMessageSize) {
                let decoded: StreamMessage
                switch message {
                case .text(var text):
                    do {
                        decoded = try text.withUTF8 { buf throws(StreamJSON.DecodingError) in try StreamJSON.decode(UnsafeRawBufferPointer(buf)) }
                    } catch { decoded = .error(message: "undecodable message: \(error)") }
                case .binary(let buffer):
                    do { decoded = try StreamBinary.decode(buffer) } catch { decoded = .error(message: "undecodable message: \(error)") }
                }
                try await handler(decoded)
            }
        }
    }
}
