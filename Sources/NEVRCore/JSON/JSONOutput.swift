/// A growable byte buffer the writer fills through a raw pointer (appending to an
/// `Array` byte by byte costs a uniqueness and capacity check per byte).
///
/// Owns its memory: call ``release()`` when done (the writer does so with `defer`).
@usableFromInline
struct JSONOutput {
    @usableFromInline var p: UnsafeMutablePointer<UInt8>
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    @usableFromInline
    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        p = .allocate(capacity: self.capacity)
        count = 0
    }

    @usableFromInline
    func release() { p.deallocate() }

    @usableFromInline
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: p, count: count) }

    /// Makes room for `n` more bytes.
    @inline(__always) @usableFromInline
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count &+ n) }
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        q.update(from: p, count: count)
        p.deallocate()
        p = q
        capacity = newCapacity
    }

    @inline(__always) @usableFromInline
    mutating func byte(_ b: UInt8) {
        reserve(1)
        p[count] = b
        count &+= 1
    }

    /// Appends the UTF-8 of a literal.
    @inline(__always) @usableFromInline
    mutating func raw(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        reserve(n)
        (p + count).update(from: s.utf8Start, count: n)
        count &+= n
    }

    @inline(__always) @usableFromInline
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        reserve(bytes.count)
        (p + count).update(from: base, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always) @usableFromInline
    mutating func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { raw($0) }
    }

    /// `"name":`, preceded by a comma unless this is the object's first member.
    @inline(__always) @usableFromInline
    mutating func key(_ name: StaticString, _ first: inout Bool) {
        let n = name.utf8CodeUnitCount
        reserve(n &+ 4)
        if first { first = false } else { p[count] = ASCII.comma; count &+= 1 }
        p[count] = ASCII.quote
        (p + (count &+ 1)).update(from: name.utf8Start, count: n)
        p[count &+ 1 &+ n] = ASCII.quote
        p[count &+ 2 &+ n] = ASCII.colon
        count &+= n &+ 3
    }

    /// A decimal integer.
    @inline(__always) @usableFromInline
    mutating func integer(_ v: Int64) {
        reserve(20)
        if v < 0 {
            p[count] = ASCII.minus
            count &+= 1
            unsigned(UInt64(bitPattern: 0 &- v))
        } else {
            unsigned(UInt64(v))
        }
    }

    @inline(__always) @usableFromInline
    mutating func integer(_ v: Int32) { integer(Int64(v)) }

    @inline(__always) @usableFromInline
    mutating func unsigned(_ v: UInt64) {
        reserve(20)
        if v < 10 {
            p[count] = ASCII.zero &+ UInt8(truncatingIfNeeded: v)
            count &+= 1
            return
        }
        // Count digits, then fill from the right.
        var n = 1
        var t = v
        while t >= 10 { t /= 10; n &+= 1 }
        var x = v
        var k = count &+ n &- 1
        while true {
            let (q, r) = x.quotientAndRemainder(dividingBy: 10)
            p[k] = ASCII.zero &+ UInt8(truncatingIfNeeded: r)
            x = q
            if x == 0 { break }
            k &-= 1
        }
        count &+= n
    }

    @inline(__always) @usableFromInline
    mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    /// A JSON string: `"`, `\` and control characters escaped, everything else as UTF-8.
    @usableFromInline
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            reserve(utf8.count &+ 2)
            p[count] = ASCII.quote
            count &+= 1
            var plain = true
            for c in utf8 where c < 0x20 || c == ASCII.quote || c == ASCII.backslash {
                plain = false
                break
            }
            if plain {
                raw(utf8)
            } else {
                for c in utf8 { escaped(c) }
            }
            byte(ASCII.quote)
        }
    }

    @inline(__always) @usableFromInline
    mutating func escaped(_ c: UInt8) {
        switch c {
        case ASCII.quote: raw("\\\"")
        case ASCII.backslash: raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            byte(hex.utf8Start[Int(c >> 4)])
            byte(hex.utf8Start[Int(c & 0xF)])
        default: byte(c)
        }
    }

    /// A float spelled as the game spells it (see ``GameFloatFormatter``).
    @inline(__always) @usableFromInline
    mutating func float(_ v: Double) {
        reserve(GameFloatFormatter.maxLength)
        count &+= GameFloatFormatter.format(v, into: p + count)
    }
}
