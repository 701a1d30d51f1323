import NEVRCore
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Protobuf wire-format encoder over a growable raw byte buffer.
///
/// This is the `.nevrcap` hot path: it appends straight into unsafe memory
/// (one capacity check per field, no per-byte array bookkeeping). Nested
/// messages are length-prefixed by reserve-then-backpatch: ``beginMessage(_:)``
/// reserves one length byte, ``endMessage(_:)`` writes the real length and,
/// only for bodies of 128 bytes or more, moves the body right to make room for a
/// longer varint. The output is canonical (minimal varints), byte for byte what
/// any protobuf library writes for the same fields in the same order.
///
/// The owner must call ``deallocate()`` exactly once (the writer types do it in
/// `deinit`); the struct itself is a plain cursor.
@usableFromInline
struct ProtoWriter {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    @usableFromInline
    init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    @usableFromInline
    func deallocate() { base.deallocate() }

    @inlinable
    mutating func removeAll() { count = 0 }

    /// The bytes written so far (valid until the next write).
    @inlinable
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inlinable
    mutating func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(count &+ extra) }
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        var newCapacity = capacity &* 2
        while newCapacity < needed { newCapacity &*= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: Unchecked primitives (caller reserved room)

    @inlinable
    mutating func putVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count &+= 1
            v >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: v)
        count &+= 1
    }

    @inlinable
    mutating func putTag(_ field: Int, _ wireType: WireType) {
        putVarint(UInt64(field << 3 | Int(wireType.rawValue)))
    }

    @inlinable
    mutating func putFixed64(_ value: UInt64) {
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count &+= 8
    }

    @inlinable
    mutating func putFixed32(_ value: UInt32) {
        (UnsafeMutableRawPointer(base) + count).storeBytes(of: value.littleEndian, as: UInt32.self)
        count &+= 4
    }

    @inlinable
    static func varintSize(_ value: UInt64) -> Int {
        // 1 + floor(bits / 7), bits = 64 - leading zeros (at least 1).
        let bits = 64 &- (value | 1).leadingZeroBitCount
        return (bits &+ 6) / 7
    }

    // MARK: Fields (always written: presence in the model is presence on the wire)

    @inlinable
    mutating func int32(_ field: Int, _ value: Int32) {
        reserve(16)
        putTag(field, .varint)
        putVarint(UInt64(bitPattern: Int64(value)))  // negative int32 is sign-extended to 10 bytes
    }

    @inlinable
    mutating func uint32(_ field: Int, _ value: UInt32) {
        reserve(16)
        putTag(field, .varint)
        putVarint(UInt64(value))
    }

    @inlinable
    mutating func int64(_ field: Int, _ value: Int64) {
        reserve(16)
        putTag(field, .varint)
        putVarint(UInt64(bitPattern: value))
    }

    @inlinable
    mutating func uint64(_ field: Int, _ value: UInt64) {
        reserve(16)
        putTag(field, .varint)
        putVarint(value)
    }

    @inlinable
    mutating func bool(_ field: Int, _ value: Bool) {
        reserve(8)
        putTag(field, .varint)
        base[count] = value ? 1 : 0
        count &+= 1
    }

    @inlinable
    mutating func double(_ field: Int, _ value: Double) {
        reserve(16)
        putTag(field, .fixed64)
        putFixed64(value.bitPattern)
    }

    @inlinable
    mutating func string(_ field: Int, _ value: String) {
        var s = value
        s.withUTF8 { utf8 in
            reserve(utf8.count &+ 16)
            putTag(field, .lengthDelimited)
            putVarint(UInt64(utf8.count))
            if let src = utf8.baseAddress {
                (base + count).update(from: src, count: utf8.count)
            }
            count &+= utf8.count
        }
    }

    @inlinable
    mutating func bytesField(_ field: Int, _ value: UnsafeRawBufferPointer) {
        reserve(value.count &+ 16)
        putTag(field, .lengthDelimited)
        putVarint(UInt64(value.count))
        if let src = value.baseAddress {
            UnsafeMutableRawPointer(base + count).copyMemory(from: src, byteCount: value.count)
        }
        count &+= value.count
    }

    /// Packed `repeated double` of exactly three values (every vector in the schema).
    @inlinable
    mutating func vector(_ field: Int, _ v: Vector3) {
        reserve(32)
        putTag(field, .lengthDelimited)
        base[count] = 24
        count &+= 1
        putFixed64(v.x.bitPattern)
        putFixed64(v.y.bitPattern)
        putFixed64(v.z.bitPattern)
    }

    /// Packed `repeated float`.
    @inlinable
    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        let n = values.count &* 4
        reserve(n &+ 16)
        putTag(field, .lengthDelimited)
        putVarint(UInt64(n))
        values.withUnsafeBytes { src in
            #if _endian(little)
            if let s = src.baseAddress { UnsafeMutableRawPointer(base + count).copyMemory(from: s, byteCount: n) }
            count &+= n
            #else
            for f in values { putFixed32(f.bitPattern) }
            #endif
        }
    }

    /// Packed `repeated int32`.
    @inlinable
    mutating func packedInt32(_ field: Int, _ values: [Int32]) {
        var n = 0
        for v in values { n &+= ProtoWriter.varintSize(UInt64(bitPattern: Int64(v))) }
        reserve(n &+ 16)
        putTag(field, .lengthDelimited)
        putVarint(UInt64(n))
        for v in values { putVarint(UInt64(bitPattern: Int64(v))) }
    }

    // MARK: Nested messages

    /// Writes the tag of a length-delimited field and reserves `lengthBytes` bytes for its
    /// length (the expected varint size: 1 below 128 bytes, 2 below 16 KiB). Returns the body's
    /// start, to pass to ``endMessage(_:lengthBytes:)`` with the same `lengthBytes`.
    @inlinable
    mutating func beginMessage(_ field: Int, lengthBytes: Int = 1) -> Int {
        reserve(16)
        putTag(field, .lengthDelimited)
        count &+= lengthBytes
        return count
    }

    /// Starts an unframed length prefix (a `.nevrcap` record): one reserved byte.
    @inlinable
    mutating func beginLengthPrefix() -> Int {
        reserve(16)
        count &+= 1
        return count
    }

    /// Backpatches the length of the body that started at `start`. When the guess of
    /// `lengthBytes` was wrong, the body moves to make the varint minimal (canonical output).
    @inlinable
    mutating func endMessage(_ start: Int, lengthBytes: Int = 1) {
        let length = count &- start
        if lengthBytes == 1 && length < 0x80 {
            base[start &- 1] = UInt8(truncatingIfNeeded: length)
            return
        }
        if lengthBytes == 2 && length >= 0x80 && length < 0x4000 {
            base[start &- 2] = UInt8(truncatingIfNeeded: length) | 0x80
            base[start &- 1] = UInt8(truncatingIfNeeded: length >> 7)
            return
        }
        let size = ProtoWriter.varintSize(UInt64(length))
        let shift = size &- lengthBytes
        if shift > 0 { reserve(shift) }
        memmove(base + start + shift, base + start, length)
        count = start &- lengthBytes
        putVarint(UInt64(length))
        count = start &+ shift &+ length
    }
}

/// The protobuf wire types this schema uses.
@usableFromInline
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}
