import NEVRCore

/// Why protobuf bytes could not be decoded. `offset` is relative to the start
/// of the record (the message handed to the decoder).
public struct ProtoDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the protobuf bytes.
    public enum Reason: Hashable, Sendable {
        case truncatedVarint
        case varintTooLong
        case truncatedField(needed: Int, available: Int)
        case invalidWireType(UInt8)
        case invalidFieldNumber
        case tooDeep
        case wrongWireType(field: Int, message: String)
        /// More entries of a repeated field than the reader accepts (a bomb: millions of empty events).
        case tooMany(what: String, limit: Int)
    }

    /// Byte offset from the start of the record.
    public var offset: Int
    /// What was wrong there.
    public var reason: Reason

    /// An error at `offset` in the record.
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// One line for people: the reason and the offset.
    public var description: String {
        switch reason {
        case .truncatedVarint: "varint cut off at byte \(offset)"
        case .varintTooLong: "varint longer than 10 bytes at byte \(offset)"
        case .truncatedField(let needed, let available):
            "field at byte \(offset) needs \(needed) bytes, only \(available) remain"
        case .invalidWireType(let t): "invalid wire type \(t) at byte \(offset)"
        case .invalidFieldNumber: "field number 0 at byte \(offset)"
        case .tooDeep: "groups nested too deeply at byte \(offset)"
        case .wrongWireType(let field, let message): "\(message) field \(field) has the wrong wire type at byte \(offset)"
        case .tooMany(let what, let limit): "more than \(limit) \(what) at byte \(offset)"
        }
    }
}

/// Protobuf wire-format cursor over raw bytes. Bounds are checked on every read;
/// sub-messages are read by narrowing ``end`` (no copies).
@usableFromInline
struct ProtoReader {
    @usableFromInline let base: UnsafeRawPointer
    /// Offset of `base` within the record, for error messages.
    @usableFromInline let origin: Int
    @usableFromInline var position: Int
    @usableFromInline var end: Int

    @inlinable
    init(_ buffer: UnsafeRawBufferPointer, origin: Int = 0) {
        // An empty buffer may have a nil base address; any non-nil pointer works as nothing is read.
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!
        self.origin = origin
        self.position = 0
        self.end = buffer.count
    }

    @inlinable
    var isAtEnd: Bool { position >= end }

    @inlinable
    var offset: Int { origin &+ position }

    @inlinable
    mutating func varint() throws(ProtoDecodeError) -> UInt64 {
        if position < end {
            let b = base.load(fromByteOffset: position, as: UInt8.self)
            if b < 0x80 {
                position &+= 1
                return UInt64(b)
            }
        }
        return try varintSlow()
    }

    @usableFromInline
    mutating func varintSlow() throws(ProtoDecodeError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ProtoDecodeError(offset: origin &+ start, reason: .truncatedVarint) }
            let b = base.load(fromByteOffset: position, as: UInt8.self)
            position &+= 1
            if shift == 63 && b > 1 { throw ProtoDecodeError(offset: origin &+ start, reason: .varintTooLong) }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift &+= 7
            if shift > 63 { throw ProtoDecodeError(offset: origin &+ start, reason: .varintTooLong) }
        }
    }

    /// The next tag as (field number, wire type).
    @inlinable
    mutating func tag() throws(ProtoDecodeError) -> (field: Int, wireType: UInt8) {
        let at = position
        let t = try varint()
        let field = Int(truncatingIfNeeded: t >> 3)
        guard field > 0, t >> 3 <= 0x1FFF_FFFF else {
            throw ProtoDecodeError(offset: origin &+ at, reason: .invalidFieldNumber)
        }
        return (field, UInt8(truncatingIfNeeded: t & 7))
    }

    @inlinable
    mutating func need(_ n: Int) throws(ProtoDecodeError) {
        if n > end &- position {
            throw ProtoDecodeError(offset: offset, reason: .truncatedField(needed: n, available: end &- position))
        }
    }

    @inlinable
    mutating func fixed64() throws(ProtoDecodeError) -> UInt64 {
        try need(8)
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(littleEndian: v)
    }

    @inlinable
    mutating func fixed32() throws(ProtoDecodeError) -> UInt32 {
        try need(4)
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: v)
    }

    @inlinable
    mutating func double() throws(ProtoDecodeError) -> Double { Double(bitPattern: try fixed64()) }

    @inlinable
    mutating func int32() throws(ProtoDecodeError) -> Int32 { Int32(truncatingIfNeeded: try varint()) }

    @inlinable
    mutating func bool() throws(ProtoDecodeError) -> Bool { try varint() != 0 }

    /// The length and start of a length-delimited payload; the cursor moves past it.
    @inlinable
    mutating func lengthDelimited() throws(ProtoDecodeError) -> Range<Int> {
        let n = try varint()
        guard n <= UInt64(end &- position) else {
            throw ProtoDecodeError(
                offset: offset, reason: .truncatedField(needed: Int(clamping: n), available: end &- position))
        }
        let start = position
        position &+= Int(n)
        return start..<position
    }

    /// A reader over a length-delimited payload (the cursor moves past it).
    @inlinable
    mutating func subReader() throws(ProtoDecodeError) -> ProtoReader {
        let r = try lengthDelimited()
        var sub = self
        sub.position = r.lowerBound
        sub.end = r.upperBound
        return sub
    }

    @inlinable
    mutating func string() throws(ProtoDecodeError) -> String {
        let r = try lengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(start: base + r.lowerBound, count: r.count), as: UTF8.self)
    }

    @inlinable
    func slice(_ r: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + r.lowerBound, count: r.count)
    }

    /// Skips one field of `wireType` (after its tag was read).
    @usableFromInline
    mutating func skip(_ wireType: UInt8, depth: Int = 0) throws(ProtoDecodeError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: try need(8); position &+= 8
        case 2: _ = try lengthDelimited()
        case 5: try need(4); position &+= 4
        case 3:
            guard depth < 32 else { throw ProtoDecodeError(offset: offset, reason: .tooDeep) }
            while true {
                let at = position
                let (_, w) = try tag()
                if w == 4 { return }
                guard w <= 5 else { throw ProtoDecodeError(offset: origin &+ at, reason: .invalidWireType(w)) }
                try skip(w, depth: depth + 1)
            }
        default:
            throw ProtoDecodeError(offset: offset, reason: .invalidWireType(wireType))
        }
    }

    /// A packed `repeated double` of three values; `nil` (after consuming it) for any other count.
    @inlinable
    mutating func vector() throws(ProtoDecodeError) -> Vector3? {
        let r = try lengthDelimited()
        guard r.count == 24 else { return nil }
        let p = base + r.lowerBound
        return Vector3(
            Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))),
            Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))),
            Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))))
    }

    /// A packed `repeated float` payload.
    @inlinable
    func floats(_ r: Range<Int>) -> [Float] {
        let n = r.count / 4
        return [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            #if _endian(little)
            if n > 0 { UnsafeMutableRawPointer(buf.baseAddress!).copyMemory(from: base + r.lowerBound, byteCount: n * 4) }
            #else
            for i in 0..<n {
                buf[i] = Float(bitPattern: UInt32(littleEndian: (base + r.lowerBound).loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
            #endif
            initialized = n
        }
    }
}
