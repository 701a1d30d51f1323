/// Checks of raw JSON text that say what a typed read cannot bring back, for `nevr verify`
/// and for validating messages before they are forwarded (the hub).
///
/// The typed reader is lenient where the game is sloppy (invalid UTF-8 and lone surrogates
/// become U+FFFD; keys the model has no field for are dropped below the levels that keep
/// `extras`). A round trip through the model therefore cannot notice those losses by itself:
/// these functions look at the original bytes.
public enum JSONTextAudit {
    /// True when `bytes` are one complete JSON value (any type) with nothing but whitespace
    /// (and trailing NULs, which old game builds append) after it: strings, numbers, escapes
    /// and nesting (up to 64 levels) are validated.
    public static func isValidJSON(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var s = JSONScanner(bytes)
        do {
            _ = try s.skipValue()
        } catch {
            return false
        }
        s.skipWhitespace()
        return s.atEnd
    }

    /// Like ``isValidJSON(_:)`` and the value must be an object.
    public static func isValidJSONObject(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var s = JSONScanner(bytes)
        s.skipWhitespace()
        guard s.peek == ASCII.openBrace else { return false }
        return isValidJSON(bytes)
    }

    /// True when a string's bytes would not come back unchanged from a typed read: invalid
    /// UTF-8 anywhere, or a `\uD800`-`\uDFFF` escape that is not half of a valid pair.
    public static func hasLossyText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if !isValidUTF8(bytes) { return true }
        let n = bytes.count
        var i = 0
        var inString = false
        while i < n {
            let c = bytes[i]
            if !inString {
                if c == ASCII.quote { inString = true }
                i += 1
                continue
            }
            if c == ASCII.quote {
                inString = false
                i += 1
                continue
            }
            guard c == ASCII.backslash, i + 1 < n else {
                i += 1
                continue
            }
            if bytes[i + 1] != 0x75 {  // not \u: a two-byte escape
                i += 2
                continue
            }
            guard let unit = hex4(bytes, i + 2) else { return true }
            i += 6
            if unit >= 0xDC00 && unit < 0xE000 { return true }  // low surrogate first
            if unit >= 0xD800 && unit < 0xDC00 {
                guard i + 6 <= n, bytes[i] == ASCII.backslash, bytes[i + 1] == 0x75,
                    let low = hex4(bytes, i + 2), low >= 0xDC00 && low < 0xE000
                else { return true }
                i += 6
            }
        }
        return false
    }

    /// Every key path of a JSON document, array elements collapsed to `[]`
    /// (`teams[].players[].stats.goals`), or `nil` when the text is not valid JSON.
    /// Nesting deeper than 64 levels is not descended.
    public static func keyPaths(_ bytes: UnsafeRawBufferPointer) -> Set<String>? {
        var s = JSONScanner(bytes)
        var out = Set<String>()
        do {
            try walk(&s, path: "", depth: 0, into: &out)
        } catch {
            return nil
        }
        return out
    }

    private static func walk(_ s: inout JSONScanner, path: String, depth: Int, into out: inout Set<String>) throws(GameJSONError) {
        s.skipWhitespace()
        switch s.peek {
        case ASCII.openBrace:
            guard depth < JSONScanner.maxSkipDepth else {
                _ = try s.skipValue()
                return
            }
            s.i &+= 1
            s.skipWhitespace()
            if s.peek == ASCII.closeBrace {
                s.i &+= 1
                return
            }
            repeat {
                s.skipWhitespace()
                let key = try s.readKey()
                let name = path.isEmpty ? s.keyString(key) : path + "." + s.keyString(key)
                out.insert(name)
                try walk(&s, path: name, depth: depth + 1, into: &out)
            } while try s.nextMember(close: ASCII.closeBrace)
        case ASCII.openBracket:
            guard depth < JSONScanner.maxSkipDepth else {
                _ = try s.skipValue()
                return
            }
            s.i &+= 1
            s.skipWhitespace()
            if s.peek == ASCII.closeBracket {
                s.i &+= 1
                return
            }
            repeat {
                try walk(&s, path: path + "[]", depth: depth + 1, into: &out)
            } while try s.nextMember(close: ASCII.closeBracket)
        default:
            _ = try s.skipValue()
        }
    }

    private static func hex4(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32? {
        guard at + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for j in 0..<4 {
            guard let h = JSONScanner.hexValue(b[at + j]) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    /// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
    public static func isValidUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard i + need < n else { return false }
            let second = b[i + 1]
            guard second >= lo && second <= hi else { return false }
            var k = 2
            while k <= need {
                guard b[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
