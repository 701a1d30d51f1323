import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain words for why a poll of the game API got no answer (the recorder's
/// ``LiveRecorder/Statistics/lastConnectionError``), never the HTTP client's or NIO's raw text.
enum ConnectionFailure {
    /// `connection refused (is the game running with its API enabled?)`, `no answer within 2 seconds`, ...
    static func describe(_ error: any Error) -> String {
        if let timeout = error as? GameAPIClient.Timeout { return timeout.description }
        if let code = errnoCode(in: error) {
            if code == ECONNREFUSED { return "connection refused (is the game running with its API enabled?)" }
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
            return "connection refused (is the game running with its API enabled?)"
        }
        return "cannot connect"
    }

    /// The operating system's error number somewhere in `error` (a NIO `IOError`, possibly inside
    /// the per-address error list of a failed connection attempt).
    static func errnoCode(in error: Any, depth: Int = 0) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        guard depth < 4 else { return nil }
        for child in Mirror(reflecting: error).children {
            if let code = errnoCode(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }
}
