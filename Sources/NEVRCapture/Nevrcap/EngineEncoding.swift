import NEVRCore

// Primitives of the `engine.v1` encoder; the per-message field sequences are generated from
// `schema/session.toml` (EngineEncoding.generated.swift).
//
// Every field present in the model is written, including zeros, `false` and empty
// strings: the fields are `optional` in engine.proto, so presence on the wire is presence
// of the JSON key. Absent (`nil`) fields are not written.

extension ProtoWriter {
    /// A nested message; `lengthBytes` is the expected size of its length varint (2 for
    /// bodies usually 128 bytes to 16 KiB, which saves moving the body after writing it).
    @inlinable
    mutating func message<T>(_ field: Int, _ value: T?, lengthBytes: Int = 1, _ body: (inout ProtoWriter, T) -> Void) {
        guard let value else { return }
        let m = beginMessage(field, lengthBytes: lengthBytes)
        body(&self, value)
        endMessage(m, lengthBytes: lengthBytes)
    }

    @inlinable mutating func int32(_ field: Int, _ value: Int32?) { if let value { int32(field, value) } }
    @inlinable mutating func uint64(_ field: Int, _ value: UInt64?) { if let value { uint64(field, value) } }
    @inlinable mutating func bool(_ field: Int, _ value: Bool?) { if let value { bool(field, value) } }
    @inlinable mutating func double(_ field: Int, _ value: Double?) { if let value { double(field, value) } }
    @inlinable mutating func string(_ field: Int, _ value: String?) { if let value { string(field, value) } }
    @inlinable mutating func vector(_ field: Int, _ value: Vector3?) { if let value { vector(field, value) } }

    /// The `JSONExtra` entries of an object (unknown keys and `null`s), one nested message each.
    @inlinable
    mutating func extras(_ field: Int, _ list: [ExtraField]) {
        for e in list {
            let m = beginMessage(field)
            string(1, e.key)
            e.json.withUnsafeBytes { bytesField(2, $0) }
            endMessage(m)
        }
    }

    /// `google.protobuf.Timestamp` body (canonical: zero fields omitted).
    @usableFromInline
    mutating func timestamp(_ t: Timestamp) {
        let s = t.seconds
        let n = t.nanos
        if s != 0 { int64(1, s) }
        if n != 0 { int32(2, n) }
    }
}
