import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal WebSocket client over a blocking socket, for tests that must send what a
/// well-behaved client never would (invalid JSON, floods, oversized messages) and read the
/// server's answers (the hub's and the overlay's Spark event server's tests).
public final class RawWebSocket {
    /// The connected socket.
    public let fd: Int32
    private var pending: [UInt8] = []

    /// A blocking TCP socket connected to 127.0.0.1:`port` (receive timeout `timeout` seconds),
    /// or nil when the connection is refused. The caller closes it.
    public static func connectedSocket(port: Int, timeout: Int = 10) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); return nil }
        return fd
    }

    /// True when the peer closes `fd` within its receive timeout (whatever it sends first is read and ignored).
    public static func closedByPeer(_ fd: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// Connects to 127.0.0.1:`port` and upgrades `path`; nil when the server does not answer 101.
    public init?(port: Int, path: String, bearer: String? = nil) {
        guard let fd = Self.connectedSocket(port: port) else { return nil }
        self.fd = fd
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let bearer { request += "Authorization: Bearer \(bearer)\r\n" }
        request += "\r\n"
        writeAll(Array(request.utf8))
        // Read the response head.
        var head: [UInt8] = []
        while !head.ends(with: [13, 10, 13, 10]) {
            guard let b = readByte() else { close(fd); return nil }
            head.append(b)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else { close(fd); return nil }
    }

    deinit { close(fd) }

    /// Sends one masked text message.
    public func sendText(_ text: String) {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        for (i, b) in payload.enumerated() { frame.append(b ^ mask[i % 4]) }
        writeAll(frame)
    }

    /// The next text message from the hub, or nil when the connection ends or times out.
    public func receiveText() -> String? {
        while true {
            guard let b0 = readByte(), let b1 = readByte() else { return nil }
            var length = Int(b1 & 0x7F)
            if length == 126 {
                guard let a = readByte(), let b = readByte() else { return nil }
                length = Int(a) << 8 | Int(b)
            } else if length == 127 {
                length = 0
                for _ in 0..<8 {
                    guard let x = readByte() else { return nil }
                    length = length << 8 | Int(x)
                }
            }
            var payload: [UInt8] = []
            for _ in 0..<length {
                guard let x = readByte() else { return nil }
                payload.append(x)
            }
            switch b0 & 0x0F {
            case 0x1: return String(decoding: payload, as: UTF8.self)
            case 0x8: return nil  // close
            default: continue  // ping, pong, binary: not what these tests read
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            done += n
        }
    }

    private func readByte() -> UInt8? {
        if pending.isEmpty {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { return nil }
            pending = Array(buffer[0..<n].reversed())
        }
        return pending.popLast()
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
