import NEVRCore

/// What a polled `/session` body is, decided from a few bytes (the recorder
/// does not parse whole frames on its polling path).
public enum GameAPIBody: Sendable, Equatable {
    /// A game frame of the match `sessionID`.
    case frame(sessionID: String)
    /// A small error object such as `{"err_description":"...","err_code":-6}` (not in a match).
    case errorObject
    /// Shorter than any arena frame and not an error object (the game answers these
    /// between states; Spark drops bodies under ~800 bytes).
    case tooShort(byteCount: Int)
    /// Long enough, but not one valid JSON object, without a readable `"sessionid"`, or not
    /// compact (a raw newline, carriage return or tab would break the one-frame-per-line formats).
    case unreadable

    /// The smallest body taken for a frame.
    public static let defaultMinimumFrameBytes = 800

    /// Classifies `body` (already trimmed with ``trimmedLength(_:)``).
    public static func classify(_ body: [UInt8], minimumFrameBytes: Int = defaultMinimumFrameBytes) -> GameAPIBody {
        if body.count < minimumFrameBytes {
            return contains(body, errCodeKey) ? .errorObject : .tooShort(byteCount: body.count)
        }
        guard let id = sessionID(in: body), !containsLineBreakOrTab(body) else { return .unreadable }
        // A proxy's HTML page or a cut-off body can contain `"sessionid"` too: only a complete,
        // valid JSON object is a frame (validated by the core scanner; microseconds per frame).
        guard body.withUnsafeBytes(JSONTextAudit.isValidJSONObject) else { return .unreadable }
        return .frame(sessionID: id)
    }

    /// Length of `body` without trailing NUL and whitespace (builds before mid-2020
    /// appended a NUL after the JSON).
    public static func trimmedLength(_ body: [UInt8]) -> Int {
        var end = body.count
        while end > 0 {
            let b = body[end - 1]
            guard b == 0 || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { break }
            end -= 1
        }
        return end
    }

    private static let sessionIDKey = Array(#""sessionid""#.utf8)
    private static let errCodeKey = Array(#""err_code""#.utf8)

    /// The value of the first `"sessionid"` key. A key can only appear with
    /// unescaped quotes outside string values, so a plain byte search is exact
    /// for the game's flat top level (`sessionid` is never nested).
    static func sessionID(in body: [UInt8]) -> String? {
        body.withUnsafeBufferPointer { buf -> String? in
            guard var i = firstIndex(of: sessionIDKey, in: buf) else { return nil }
            i += sessionIDKey.count
            while i < buf.count, buf[i] == 0x20 || buf[i] == 0x3A { i += 1 }  // spaces and ':'
            guard i < buf.count, buf[i] == 0x22 else { return nil }
            let start = i + 1
            var end = start
            while end < buf.count, buf[end] != 0x22, buf[end] != 0x5C, end - start < 256 { end += 1 }
            guard end < buf.count, buf[end] == 0x22, end > start else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self)
        }
    }

    private static func containsLineBreakOrTab(_ body: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { buf in
            for b in buf where b < 0x20 && (b == 0x0A || b == 0x0D || b == 0x09) { return true }
            return false
        }
    }

    private static func contains(_ body: [UInt8], _ needle: [UInt8]) -> Bool {
        body.withUnsafeBufferPointer { firstIndex(of: needle, in: $0) != nil }
    }

    private static func firstIndex(of needle: [UInt8], in buf: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = needle.count
        guard n > 0, buf.count >= n else { return nil }
        let first = needle[0]
        var i = 0
        let last = buf.count - n
        while i <= last {
            if buf[i] == first {
                var j = 1
                while j < n, buf[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }
}
