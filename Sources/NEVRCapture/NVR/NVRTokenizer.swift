/// Splits one JSON document into its *template* (every byte except the values, with the
/// marker byte 0x01 where each value stood) and its values, classified into
/// ``NVRValueKind``s. Rebuilding the document from the two gives the input back byte for
/// byte: whitespace, key order, unknown keys and escapes live in the template.
///
/// Returns `false` for input that is not a single well-formed JSON value (the writer then
/// stores that frame verbatim): raw control bytes in strings, bad numbers, nesting deeper
/// than ``maxDepth``, trailing bytes.
@usableFromInline
struct NVRTokenizer {
    static let slotMarker: UInt8 = 0x01
    static let maxDepth = 64

    var template: [UInt8] = []
    var kinds: [UInt8] = []
    var values: [Int64] = []
    /// For string and raw-number slots: byte range of the value in the input (then `values`
    /// holds the index into this array until the block interns it).
    var ranges: [Range<Int>] = []
    /// Whether strings that spell a game clock become ``NVRValueKind/clock`` values (format
    /// version 3 and later; older versions keep them in the string table).
    var clocks = false

    init() {
        template.reserveCapacity(16 * 1024)
        kinds.reserveCapacity(1024)
        values.reserveCapacity(1024)
    }

    mutating func reset() {
        template.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
    }

    /// Tokenizes `doc`; `hints[s]` is the kind slot `s` had last time (updated).
    mutating func tokenize(_ doc: UnsafeBufferPointer<UInt8>, hints: inout [UInt8]) -> Bool {
        reset()
        var p = 0
        let ok = value(doc, &p, depth: 0, hints: &hints)
        guard ok else { return false }
        whitespace(doc, &p)
        return p == doc.count
    }

    @inline(__always)
    mutating func whitespace(_ d: UnsafeBufferPointer<UInt8>, _ p: inout Int) {
        while p < d.count {
            let c = d[p]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            template.append(c)
            p &+= 1
        }
    }

    /// Scans a string starting at the opening quote; returns the end (after the closing quote).
    @inline(__always)
    static func stringEnd(_ d: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var p = start &+ 1
        while p < d.count {
            let c = d[p]
            if c == 0x22 { return p &+ 1 }
            if c == 0x5C {
                p &+= 2
                continue
            }
            if c < 0x20 { return nil }
            p &+= 1
        }
        return nil
    }

    mutating func value(_ d: UnsafeBufferPointer<UInt8>, _ p: inout Int, depth: Int, hints: inout [UInt8]) -> Bool {
        whitespace(d, &p)
        guard p < d.count else { return false }
        let c = d[p]
        switch c {
        case 0x7B, 0x5B:  // { [
            guard depth < NVRTokenizer.maxDepth else { return false }
            let isObject = c == 0x7B
            let close: UInt8 = isObject ? 0x7D : 0x5D
            template.append(c)
            p &+= 1
            whitespace(d, &p)
            if p < d.count && d[p] == close {
                template.append(close)
                p &+= 1
                return true
            }
            while true {
                if isObject {
                    guard p < d.count, d[p] == 0x22, let end = NVRTokenizer.stringEnd(d, p) else { return false }
                    template.append(contentsOf: UnsafeBufferPointer(rebasing: d[p..<end]))
                    p = end
                    whitespace(d, &p)
                    guard p < d.count, d[p] == 0x3A else { return false }
                    template.append(0x3A)
                    p &+= 1
                }
                guard value(d, &p, depth: depth &+ 1, hints: &hints) else { return false }
                whitespace(d, &p)
                guard p < d.count else { return false }
                if d[p] == 0x2C {
                    template.append(0x2C)
                    p &+= 1
                    if isObject { whitespace(d, &p) }
                    continue
                }
                guard d[p] == close else { return false }
                template.append(close)
                p &+= 1
                return true
            }
        case 0x22:
            guard let end = NVRTokenizer.stringEnd(d, p) else { return false }
            if clocks, let x = NVRNumbers.clock(UnsafeBufferPointer(rebasing: d[(p &+ 1)..<(end &- 1)])) {
                slot(.clock, x, &hints)
                p = end
                return true
            }
            slot(.string, Int64(ranges.count), &hints)
            ranges.append((p &+ 1)..<(end &- 1))
            p = end
            return true
        case 0x74:  // true
            guard literal(d, &p, "true") else { return false }
            slot(.literal, 1, &hints)
            return true
        case 0x66:
            guard literal(d, &p, "false") else { return false }
            slot(.literal, 0, &hints)
            return true
        case 0x6E:
            guard literal(d, &p, "null") else { return false }
            slot(.literal, 2, &hints)
            return true
        default:
            return number(d, &p, hints: &hints)
        }
    }

    @inline(__always)
    func literal(_ d: UnsafeBufferPointer<UInt8>, _ p: inout Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard p &+ n <= d.count else { return false }
        for i in 0..<n where d[p &+ i] != word.utf8Start[i] { return false }
        p &+= n
        return true
    }

    @inline(__always)
    mutating func slot(_ kind: NVRValueKind, _ value: Int64, _ hints: inout [UInt8]) {
        template.append(NVRTokenizer.slotMarker)
        let s = kinds.count
        if s < hints.count { hints[s] = kind.rawValue } else { hints.append(kind.rawValue) }
        kinds.append(kind.rawValue)
        values.append(value)
    }

    /// A JSON number (RFC 8259 grammar), classified.
    mutating func number(_ d: UnsafeBufferPointer<UInt8>, _ p: inout Int, hints: inout [UInt8]) -> Bool {
        let start = p
        var i = p
        @inline(__always) func digit(_ i: Int) -> Bool { i < d.count && d[i] >= 0x30 && d[i] <= 0x39 }
        if i < d.count && d[i] == 0x2D { i &+= 1 }
        guard digit(i) else { return false }
        if d[i] == 0x30 {
            i &+= 1
        } else {
            while digit(i) { i &+= 1 }
        }
        var isInteger = true
        if i < d.count && d[i] == 0x2E {
            isInteger = false
            i &+= 1
            guard digit(i) else { return false }
            while digit(i) { i &+= 1 }
        }
        if i < d.count && (d[i] == 0x65 || d[i] == 0x45) {
            isInteger = false
            i &+= 1
            if i < d.count && (d[i] == 0x2B || d[i] == 0x2D) { i &+= 1 }
            guard digit(i) else { return false }
            while digit(i) { i &+= 1 }
        }
        p = i
        let text = UnsafeBufferPointer(rebasing: d[start..<i])
        let s = kinds.count
        let hint = s < hints.count ? (NVRValueKind(rawValue: hints[s]) ?? .grid) : .grid
        if let (kind, v) = NVRNumbers.classify(text, isInteger: isInteger, hint: hint) {
            slot(kind, v, &hints)
        } else {
            slot(.rawNumber, Int64(ranges.count), &hints)
            ranges.append(start..<i)
        }
        return true
    }
}
