/// Everything that can go wrong talking to a NATS server, each case naming what failed.
public enum NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `nats://` URL that could not be used (the reason names the part).
    case invalidURL(String)
    /// The TCP connection to `endpoint` (`host:port`) could not be made.
    case connectionFailed(endpoint: String, reason: String)
    /// The server at `endpoint` closed the connection or it broke (the reason, if known).
    case connectionClosed(endpoint: String, reason: String)
    /// The server at `endpoint` did not complete the handshake or answer a PING in time.
    case timeout(endpoint: String, operation: String)
    /// The server answered `-ERR` (for example `Authorization Violation`).
    case serverError(endpoint: String, message: String)
    /// The server's byte stream broke the NATS protocol (see ``NATSProtocolError``).
    case protocolViolation(endpoint: String, NATSProtocolError)
    /// A message larger than the server's `max_payload` (from its INFO) was refused before sending.
    case payloadTooLarge(size: Int, max: Int)
    /// A subject, queue group or header that NATS cannot carry (empty, whitespace, CR/LF).
    case invalidArgument(String)
    /// A request found no subscriber on `subject` (the server's 503 status).
    case noResponders(subject: String)
    /// A request on `subject` got no reply within the timeout.
    case requestTimeout(subject: String, milliseconds: Int64)
    /// A subscription's buffer of `limit` unread messages was full: it ended instead of dropping messages.
    case slowConsumer(subject: String, limit: Int)
    /// The client was closed (by ``NATSClient/close()``) before the operation finished.
    case closed
    /// The JetStream API answered an error (`code` is HTTP-like, `errorCode` JetStream's own).
    case jetStream(code: Int, errorCode: Int, description: String)
    /// A JetStream API reply that could not be decoded (the reason and the API subject).
    case jetStreamResponse(subject: String, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidURL(let reason): return "invalid NATS URL: \(reason)"
        case .connectionFailed(let endpoint, let reason): return "cannot connect to NATS server \(endpoint): \(reason)"
        case .connectionClosed(let endpoint, let reason): return "connection to NATS server \(endpoint) closed: \(reason)"
        case .timeout(let endpoint, let operation): return "NATS server \(endpoint) did not answer \(operation) in time"
        case .serverError(let endpoint, let message): return "NATS server \(endpoint) answered -ERR '\(message)'"
        case .protocolViolation(let endpoint, let error): return "NATS server \(endpoint) broke the protocol: \(error)"
        case .payloadTooLarge(let size, let max): return "message of \(size) bytes is larger than the server's max_payload \(max)"
        case .invalidArgument(let reason): return "invalid NATS argument: \(reason)"
        case .noResponders(let subject): return "no responders on subject \(subject)"
        case .requestTimeout(let subject, let ms): return "request on \(subject) got no reply within \(ms) ms"
        case .slowConsumer(let subject, let limit):
            return "subscription on \(subject) ended: \(limit) unread messages buffered (slow consumer)"
        case .closed: return "NATS client closed"
        case .jetStream(let code, let errorCode, let description):
            return "JetStream error \(code) (err_code \(errorCode)): \(description)"
        case .jetStreamResponse(let subject, let reason): return "JetStream reply on \(subject) not understood: \(reason)"
        }
    }
}
