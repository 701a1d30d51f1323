import NEVRCore

/// Splits one `.echoreplay` line into its columns without parsing the JSON:
/// `<23-char timestamp> TAB <session JSON> [TAB [one space] <bones JSON>]`.
enum EchoReplayLine {
    enum Parsed {
        case empty
        case record(Timestamp, session: UnsafeRawBufferPointer, bones: UnsafeRawBufferPointer?)
        case rejected(String)
    }

    static let tab: UInt8 = 0x09
    static let space: UInt8 = 0x20
    static let cr: UInt8 = 0x0D

    static func parse(_ raw: UnsafeRawBufferPointer) -> Parsed {
        // Trailing CR (CRLF files), spaces and tabs carry nothing: an empty third column is no bones.
        var length = raw.count
        while length > 0, raw[length - 1] == cr || raw[length - 1] == space || raw[length - 1] == tab { length -= 1 }
        if length == 0 { return .empty }
        let line = UnsafeRawBufferPointer(rebasing: raw[0 ..< length])
        guard length > EchoReplayTimestamp.length + 1 else {
            return .rejected("line too short (\(length) bytes) for a timestamp and a session")
        }
        guard let timestamp = EchoReplayTimestamp.parse(UnsafeRawBufferPointer(rebasing: line[0 ..< EchoReplayTimestamp.length])) else {
            return .rejected("invalid timestamp \"\(printable(line[0 ..< EchoReplayTimestamp.length]))\"")
        }
        guard line[EchoReplayTimestamp.length] == tab else {
            return .rejected("expected TAB after the timestamp, found \"\(printable(line[EchoReplayTimestamp.length ..< EchoReplayTimestamp.length + 1]))\"")
        }
        let sessionStart = EchoReplayTimestamp.length + 1
        var sessionEnd = length
        var bones: UnsafeRawBufferPointer?
        if let t = firstTab(line, from: sessionStart) {
            sessionEnd = t
            var b = t + 1
            if b < length, line[b] == space { b += 1 }
            if b < length {
                if firstTab(line, from: b) != nil { return .rejected("more than three TAB-separated columns") }
                let column = UnsafeRawBufferPointer(rebasing: line[b ..< length])
                guard isObject(column) else {
                    return .rejected("bones column is not a JSON object (starts \"\(printable(column.prefix(16)))\")")
                }
                bones = column
            }
        }
        let session = UnsafeRawBufferPointer(rebasing: line[sessionStart ..< sessionEnd])
        guard !session.isEmpty else { return .rejected("empty session column") }
        guard isObject(session) else {
            if session[0] == UInt8(ascii: "{") {
                return .rejected("session JSON does not end with '}' (line cut off?)")
            }
            return .rejected("session column is not a JSON object (starts \"\(printable(session.prefix(16)))\")")
        }
        return .record(timestamp, session: session, bones: bones)
    }

    /// Starts with `{` and ends with `}` (ignoring trailing NULs, which some captures carry).
    @inline(__always)
    static func isObject(_ column: UnsafeRawBufferPointer) -> Bool {
        var last = column.count - 1
        while last > 0, column[last] == 0 { last -= 1 }
        return column.count >= 2 && column[0] == UInt8(ascii: "{") && column[last] == UInt8(ascii: "}")
    }

    @inline(__always)
    static func firstTab(_ line: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < line.count, let p = memchrTab(line.baseAddress! + from, line.count - from) else { return nil }
        return line.baseAddress!.distance(to: p)
    }

    /// Bytes shown in a reason: printable ASCII kept, the rest escaped.
    static func printable(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var s = ""
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                s += b == 0x09 ? "\\t" : "\\x" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return s
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
private func memchrTab(_ p: UnsafeRawPointer, _ n: Int) -> UnsafeRawPointer? {
    memchr(p, 0x09, n).map { UnsafeRawPointer($0) }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
