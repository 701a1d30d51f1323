import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain words for why a connection got no answer (the recorder's
/// ``LiveRecorder/Statistics/lastConnectionError``, the CLI's error lines), never the HTTP
/// client's or NIO's raw text.
///
/// ```swift
/// ConnectionFailure.describe(error)                                        // "connection refused (is the game running with its API enabled?)"
/// ConnectionFailure.recognise(error, hint: "is nevr hub running there?")   // nil when it is no connection error
/// ```
public enum ConnectionFailure {
    /// The hint after a refused connection to the game API.
    public static let gameHint = "is the game running with its API enabled?"

    /// `connection refused (is the game running with its API enabled?)`, `no answer in time`, ...;
    /// `cannot connect` for a failure it does not recognise.
    public static func describe(_ error: any Error, hint: String = gameHint) -> String {
        recognise(error, hint: hint) ?? "cannot connect"
    }

    /// The plain words for a connection failure, or `nil` when `error` is not one.
    public static func recognise(_ error: any Error, hint: String = gameHint) -> String? {
        if let timeout = error as? GameAPIClient.Timeout { return timeout.description }
        if let code = errnoCode(in: error) {
            if code == ECONNREFUSED { return "connection refused (\(hint))" }
            if code == ETIMEDOUT { return "timed out connecting (is the address right and reachable?)" }
            return String(cString: strerror(code))
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout, .readTimeout, .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "the server closed the connection"
            case .bodyLengthMismatch: return "the server's answer was cut off"
            default: break
            }
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return "timed out connecting (is the address right and reachable?)"
        }
        // NIO reports a refused connection inside an error that lists each address tried; its text
        // names the errno even where the types are out of reach.
        let text = String(describing: error)
        if text.contains("ECONNREFUSED") || text.localizedCaseInsensitiveContains("connection refused") {
            return "connection refused (\(hint))"
        }
        return nil
    }

    /// The operating system's error number somewhere in `error` (a NIO `IOError`, possibly inside
    /// the per-address error list of a failed connection attempt), or nil.
    ///
    /// ```swift
    /// if ConnectionFailure.errnoCode(in: error) == EADDRINUSE { print("the port is taken") }
    /// ```
    public static func errnoCode(in error: Any, depth: Int = 0) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        guard depth < 4 else { return nil }
        for child in Mirror(reflecting: error).children {
            if let code = errnoCode(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }
}
