import Foundation
import NIOCore

/// An incremental parser of the server side of the NATS client protocol.
///
/// Bytes go in with ``append(_:)`` split anywhere (one byte at a time works); ``next()``
/// returns each complete operation, or nil when it needs more bytes. It is bounded: a control
/// line longer than ``maxLineLength`` or a message announcing more than ``maxPayload`` bytes is
/// refused with a ``NATSProtocolError`` before anything is buffered for it, so memory stays
/// within about one line plus one message. `maxPayload` follows the server's INFO (clamped to
/// ``payloadCeiling``). Garbage never crashes it: every number is range-checked before it is
/// converted, and after an error the parser is poisoned (it throws the same error again).
public struct NATSProtocolParser: Sendable {
    /// The longest control line accepted (INFO carries the server's JSON, so this is generous).
    public var maxLineLength: Int
    /// The largest message (headers plus payload) accepted; updated from each INFO.
    public var maxPayload: Int
    /// The most any INFO can raise ``maxPayload`` to.
    public let payloadCeiling: Int

    private var buffer = ByteBuffer()
    private var pending: PendingMessage?
    private var failure: NATSProtocolError?

    private struct PendingMessage: Sendable {
        var subject: String
        var sid: UInt64
        var replyTo: String?
        var headerBytes: Int?
        var totalBytes: Int
    }

    /// A parser with the given limits (defaults: 64 KiB lines, 1 MiB messages until INFO says
    /// otherwise, never above 64 MiB).
    public init(maxLineLength: Int = 64 * 1024, maxPayload: Int = 1 << 20, payloadCeiling: Int = 64 << 20) {
        self.maxLineLength = max(16, maxLineLength)
        self.payloadCeiling = max(1, payloadCeiling)
        self.maxPayload = min(max(0, maxPayload), self.payloadCeiling)
    }

    /// Bytes buffered but not yet returned as operations.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Adds bytes received from the server.
    public mutating func append(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffer.writeBuffer(&bytes)
    }

    /// Adds bytes received from the server.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// The next complete operation, nil if more bytes are needed.
    public mutating func next() throws(NATSProtocolError) -> NATSServerOperation? {
        if let failure { throw failure }
        do {
            let op = try parseNext()
            // Reclaim consumed space once it is more than half of what is held.
            if buffer.readerIndex > 4096 && buffer.readerIndex * 2 > buffer.writerIndex { buffer.discardReadBytes() }
            return op
        } catch {
            failure = error
            buffer.clear()
            throw error
        }
    }

    private mutating func parseNext() throws(NATSProtocolError) -> NATSServerOperation? {
        if let message = pending {
            // Payload plus its CRLF.
            guard buffer.readableBytes >= message.totalBytes + 2 else { return nil }
            let body = buffer.readBytes(length: message.totalBytes) ?? []
            let end = buffer.readBytes(length: 2) ?? []
            guard end == [13, 10] else { throw .malformed("message on \(message.subject) is not followed by CRLF") }
            pending = nil
            var headers: NATSHeaders?
            var payload = body
            if let headerBytes = message.headerBytes {
                guard let parsed = NATSHeaders.parse(body[..<headerBytes]) else {
                    throw .malformed("HMSG on \(message.subject) has a header block that is not NATS/1.0 headers")
                }
                headers = parsed
                payload = Array(body[headerBytes...])
            }
            return .message(NATSMessage(subject: message.subject, sid: message.sid, replyTo: message.replyTo, headers: headers, payload: payload))
        }
        guard let line = try readLine() else { return nil }
        return try parseLine(line)
    }

    /// One control line without its line end; nil if it is not complete yet.
    private mutating func readLine() throws(NATSProtocolError) -> ArraySlice<UInt8>? {
        let view = buffer.readableBytesView
        let window = view.prefix(maxLineLength + 2)
        guard let newline = window.firstIndex(of: 10) else {
            if view.count > maxLineLength + 1 { throw .lineTooLong(limit: maxLineLength) }
            return nil
        }
        let length = newline - view.startIndex
        var line = (buffer.readBytes(length: length + 1) ?? [])[...].dropLast()
        if line.last == 13 { line = line.dropLast() }
        guard line.count <= maxLineLength else { throw .lineTooLong(limit: maxLineLength) }
        return line
    }

    private mutating func parseLine(_ line: ArraySlice<UInt8>) throws(NATSProtocolError) -> NATSServerOperation? {
        let opEnd = line.firstIndex(where: { $0 == 32 || $0 == 9 }) ?? line.endIndex
        let op = String(decoding: line[..<opEnd], as: UTF8.self).uppercased()
        let rest = line[opEnd...].drop(while: { $0 == 32 || $0 == 9 })
        switch op {
        case "MSG", "HMSG":
            let args = rest.split(whereSeparator: { $0 == 32 || $0 == 9 })
            let withHeaders = op == "HMSG"
            let fixed = withHeaders ? 4 : 3
            guard args.count == fixed || args.count == fixed + 1 else {
                throw .malformed("\(op) with \(args.count) arguments: \(Self.shown(line))")
            }
            let subject = try Self.token(args[0], what: "subject", line: line)
            guard let sid = Self.number(args[1], maxDigits: 19).flatMap(UInt64.init(exactly:)) else {
                throw .malformed("\(op) subscription id is not a number: \(Self.shown(line))")
            }
            let replyTo = args.count == fixed + 1 ? try Self.token(args[2], what: "reply subject", line: line) : nil
            guard let total = Self.number(args[args.count - 1], maxDigits: 10) else {
                throw .malformed("\(op) size is not a number: \(Self.shown(line))")
            }
            var headerBytes: Int?
            if withHeaders {
                guard let h = Self.number(args[args.count - 2], maxDigits: 10), h <= total, h >= 10 else {
                    throw .malformed("HMSG header size is not a number from 10 to the total size: \(Self.shown(line))")
                }
                headerBytes = h
            }
            guard total <= maxPayload else { throw .payloadTooLarge(size: total, limit: maxPayload) }
            pending = PendingMessage(subject: subject, sid: sid, replyTo: replyTo, headerBytes: headerBytes, totalBytes: total)
            return try parseNext()
        case "PING":
            guard rest.isEmpty else { throw .malformed("PING with arguments") }
            return .ping
        case "PONG":
            guard rest.isEmpty else { throw .malformed("PONG with arguments") }
            return .pong
        case "+OK":
            return .ok
        case "-ERR":
            var text = String(decoding: rest, as: UTF8.self)
            if text.hasPrefix("'") && text.hasSuffix("'") && text.count >= 2 { text = String(text.dropFirst().dropLast()) }
            return .error(text)
        case "INFO":
            let info: NATSServerInfo
            do { info = try JSONDecoder().decode(NATSServerInfo.self, from: Data(rest)) } catch {
                throw .malformed("INFO is not the expected JSON: \(Self.shown(line))")
            }
            guard info.maxPayload > 0 else { throw .malformed("INFO max_payload \(info.maxPayload) is not positive") }
            maxPayload = min(info.maxPayload, payloadCeiling)
            return .info(info)
        default:
            throw .malformed("unknown operation: \(Self.shown(line))")
        }
    }

    /// A decimal number of at most `maxDigits` digits (checked before converting, so no overflow).
    private static func number(_ digits: ArraySlice<UInt8>, maxDigits: Int) -> Int? {
        guard !digits.isEmpty, digits.count <= maxDigits, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var value = 0
        for d in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(d - 48))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    private static func token(_ bytes: ArraySlice<UInt8>, what: String, line: ArraySlice<UInt8>) throws(NATSProtocolError) -> String {
        guard bytes.allSatisfy({ $0 > 32 && $0 != 127 }), let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("\(what) is not printable UTF-8: \(shown(line))")
        }
        return text
    }

    /// The line for an error message: at most 80 bytes, control bytes escaped.
    static func shown(_ line: ArraySlice<UInt8>) -> String {
        var out = ""
        for byte in line.prefix(80) {
            if byte >= 32 && byte < 127 { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += "\\x" + String(byte, radix: 16) }
        }
        return line.count > 80 ? out + "..." : out
    }
}
