import NEVRCapture
import NEVRCore
import NEVRGameAPI
import HummingbirdWSClient

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a refused WebSocket upgrade into plain words for the user (shared by `nevr watch`,
/// `nevr stream` and `nevr record --hub`, so they all say the same thing).
///
/// The WebSocket client only reports "upgrade failed", not the status the hub answered, so the
/// same request is sent once more as plain HTTP (the hub applies the same checks to it: 401 for a
/// missing or wrong token, 400 for a bad query) and the status becomes advice. Only `ws://` URLs
/// are probed (loopback and LAN hubs); for `wss://` the client's error stays as it is.
///
/// ```swift
/// if let why = HubRefusal.explain(url: "ws://127.0.0.1:8080/subscribe", token: nil) { print(why) }
/// // the hub refused the connection: it needs a token (401 Unauthorized); pass it with --token TOKEN
/// ```
public enum HubRefusal {
    /// A plain-words reason why the hub at `url` refused an upgrade sent with `token`, or nil
    /// when it did not refuse (not reachable, not a hub, or a status that needs no advice).
    public static func explain(url: String, token: String?) -> String? {
        guard let u = try? ServiceURL(parsing: url, schemes: ServiceURL.webSocketSchemes), u.scheme == "ws",
            let status = status(host: u.host, port: u.port, path: u.pathAndQuery.isEmpty ? "/" : u.pathAndQuery, token: token)
        else { return nil }
        return advice(status: status, tokenGiven: token != nil || u.pathAndQuery.contains("token="))
    }

    /// The advice for an HTTP status the hub answered an upgrade with (nil for statuses that need none).
    public static func advice(status: Int, tokenGiven: Bool) -> String? {
        switch status {
        case 401:
            return tokenGiven
                ? "the hub refused the token (401 Unauthorized): check the value given with --token TOKEN (the one the hub was started with)"
                : "the hub refused the connection: it needs a token (401 Unauthorized); pass it with --token TOKEN"
        case 400: return "the hub refused the request (400 Bad Request): check the URL's query (match, format, parts, since)"
        case 404: return "no such hub endpoint (404 Not Found): publish to /publish, subscribe to /subscribe"
        default: return nil
        }
    }

    /// The hint after a refused connection to a hub.
    public static let hubHint = "is nevr hub running there?"

    /// The error text for a failed connection to `url`: the refusal advice when the upgrade was
    /// refused and the hub says why, plain words for a refused or timed-out connection
    /// (``ConnectionFailure``), the client's own error only when it is none of these.
    ///
    /// ```swift
    /// HubRefusal.describe(error, url: "ws://127.0.0.1:1/subscribe", token: nil)
    /// // connection refused (is nevr hub running there?)
    /// ```
    public static func describe(_ error: any Error, url: String, token: String?) -> String {
        classify(error, url: url, token: token).reason
    }

    /// ``describe(_:url:token:)`` and whether the hub answered with a refusal the same request
    /// will always get again (400, 401, 404): a publisher stops waiting for such a hub when it closes.
    static func classify(_ error: any Error, url: String, token: String?) -> (reason: String, final: Bool) {
        if let e = error as? WebSocketClientError, e == .webSocketUpgradeFailed {
            if let advice = explain(url: url, token: token) { return (advice, true) }
            return ("the server did not accept the WebSocket connection (is it a nevr hub, and the path /publish or /subscribe?)", false)
        }
        return (ConnectionFailure.recognise(error, hint: hubHint) ?? ErrorReason.plain(error), false)
    }

    /// The status code of a plain `GET path` (blocking, 2 s timeouts), or nil.
    static func status(host: String, port: Int, path: String, token: String?) -> Int? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else { return nil }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let sent = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        guard sent > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n >= 12 else { return nil }
        let line = String(decoding: buffer[0..<n], as: UTF8.self)
        guard line.hasPrefix("HTTP/1.") else { return nil }
        return Int(line.dropFirst(9).prefix(3))
    }
}
