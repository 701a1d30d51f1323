import CNEVRZlib
import NEVRCore

/// Constants and records of the `.nvr` file layout (docs/nvr-format.md "File").
enum NVRFileLayout {
    /// `\x89NVR\r\n\x1A\n`: a non-ASCII first byte and the line-ending bytes catch text-mode damage.
    static let magic: [UInt8] = [0x89, 0x4E, 0x56, 0x52, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The version this writer writes (3: clock kind, keyframe models, header contexts; 2 added
    /// the velocity and orientation predictors).
    static let version: UInt16 = 3
    /// Versions this reader reads (1 has neither predictor 4 nor 5 and 2-bit predictor trees).
    static let readableVersions: ClosedRange<Int> = 1...3
    /// Magic (8) + version (2) + reserved flags (2).
    static let fileHeaderLength = 12
    /// `NVRINDEX` after the index offset at the very end of a finished file.
    static let trailerMagic: [UInt8] = Array("NVRINDEX".utf8)
    static let trailerLength = 16
    /// Record type (1) + payload length (4) + CRC-32 of the payload (4).
    static let recordHeaderLength = 9

    enum RecordType: UInt8 {
        case header = 0x48  // H
        case template = 0x54  // T
        case block = 0x42  // B
        case index = 0x49  // I
    }

    static func fileHeader(version: UInt16 = NVRFileLayout.version) -> [UInt8] {
        var w = NVRByteWriter(capacity: 12)
        w.bytes.append(contentsOf: magic)
        w.bytes.append(UInt8(version & 0xFF))
        w.bytes.append(UInt8(version >> 8))
        w.bytes.append(0)
        w.bytes.append(0)
        return w.bytes
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            UInt32(crc32(0, b.baseAddress, uInt(b.count)))
        }
    }

    static func record(_ type: RecordType, _ payload: [UInt8]) -> [UInt8] {
        var w = NVRByteWriter(capacity: payload.count + recordHeaderLength)
        w.u8(type.rawValue)
        w.u32(UInt32(payload.count))
        w.u32(crc(payload))
        w.bytes.append(contentsOf: payload)
        return w.bytes
    }
}

/// A block's entry in the index: where it is and which frames and instants it covers.
public struct NVRBlockInfo: Hashable, Sendable {
    /// Sequence number of the block, from 0.
    public var number: Int
    /// Byte offset of the block record.
    public var offset: Int
    /// Bytes of the whole record (header included).
    public var length: Int
    /// Index of the block's first frame in the file, from 0.
    public var firstFrame: Int
    /// Frames in the block.
    public var frameCount: Int
    /// Instant of the block's first frame.
    public var firstTimestamp: Timestamp
    /// Instant of the block's last frame (equal to ``firstTimestamp`` when unknown: an
    /// index rebuilt from a cut file reads only block headers).
    public var lastTimestamp: Timestamp
    /// Events stored in the block.
    public var eventCount: Int
}

/// The index record: blocks, templates and events by kind.
struct NVRIndex {
    var blocks: [NVRBlockInfo] = []
    /// Template id -> record offset.
    var templates: [Int: Int] = [:]
    /// Event kind (field number) -> frame numbers, ascending.
    var events: [Int: [Int]] = [:]

    func encode() -> [UInt8] {
        var w = NVRByteWriter(capacity: blocks.count * 24 + 64)
        w.varint(blocks.count)
        var previousOffset = 0
        var previousFrame = 0
        var previousTime: Int64 = 0
        for b in blocks {
            w.varint(b.offset - previousOffset)
            w.varint(b.length)
            w.varint(b.firstFrame - previousFrame)
            w.varint(b.frameCount)
            w.signed(b.firstTimestamp.nanosecondsSinceEpoch &- previousTime)
            w.signed(b.lastTimestamp.nanosecondsSinceEpoch &- b.firstTimestamp.nanosecondsSinceEpoch)
            w.varint(b.eventCount)
            previousOffset = b.offset
            previousFrame = b.firstFrame
            previousTime = b.firstTimestamp.nanosecondsSinceEpoch
        }
        w.varint(templates.count)
        for (id, offset) in templates.sorted(by: { $0.key < $1.key }) {
            w.varint(id)
            w.varint(offset)
        }
        w.varint(events.count)
        for (kind, frames) in events.sorted(by: { $0.key < $1.key }) {
            w.varint(kind)
            w.varint(frames.count)
            var previous = 0
            for f in frames {
                w.varint(f - previous)
                previous = f
            }
        }
        return w.bytes
    }

    static func decode(_ payload: [UInt8], fileSize: Int) throws(NVRCorrupt) -> NVRIndex {
        var r = NVRByteReader(payload)
        var index = NVRIndex()
        let n = try r.count("block count", limit: Int(Int32.max), bytesEach: 7)
        var offset = 0
        var frame = 0
        var time: Int64 = 0
        index.blocks.reserveCapacity(n)
        for i in 0..<n {
            let dOffset = try r.count("block offset", limit: fileSize)
            let length = try r.count("block length", limit: fileSize)
            let dFrame = try r.count("block first frame", limit: Int(Int32.max))
            let count = try r.count("block frame count", limit: NVRLimits.maxFramesPerBlock)
            let dTime = try r.signed()
            let span = try r.signed()
            let events = try r.count("block event count", limit: Int(Int32.max))
            offset += dOffset
            frame += dFrame
            time = time &+ dTime
            guard offset + length <= fileSize, length >= NVRFileLayout.recordHeaderLength else {
                throw NVRCorrupt("index entry \(i): block at \(offset) (\(length) bytes) is outside the file")
            }
            if let last = index.blocks.last, offset < last.offset + last.length || frame != last.firstFrame + last.frameCount {
                throw NVRCorrupt("index entry \(i): blocks out of order")
            }
            index.blocks.append(
                NVRBlockInfo(
                    number: i, offset: offset, length: length, firstFrame: frame, frameCount: count,
                    firstTimestamp: Timestamp(nanosecondsSinceEpoch: time),
                    lastTimestamp: Timestamp(nanosecondsSinceEpoch: time &+ span), eventCount: events))
        }
        let t = try r.count("template count", limit: NVRLimits.maxTemplates, bytesEach: 2)
        for _ in 0..<t {
            let id = try r.count("template id", limit: NVRLimits.maxTemplates)
            let at = try r.count("template offset", limit: fileSize)
            index.templates[id] = at
        }
        let kinds = try r.count("event kind count", limit: 1 << 16, bytesEach: 2)
        for _ in 0..<kinds {
            let kind = try r.count("event kind", limit: 1 << 29)
            let count = try r.count("event count", limit: Int(Int32.max), bytesEach: 1)
            var frames: [Int] = []
            frames.reserveCapacity(count)
            var f = 0
            for _ in 0..<count {
                f += try r.count("event frame", limit: Int(Int32.max))
                frames.append(f)
            }
            index.events[kind] = frames
        }
        guard r.isAtEnd else { throw NVRCorrupt("index has \(r.remaining) extra bytes") }
        return index
    }
}

/// Template record payload: id, kind (0 session, 1 bones), compression, length, bytes.
enum NVRTemplateRecord {
    static func encode(id: Int, bones: Bool, bytes: [UInt8], zstd: NVRZstd, level: Int32) -> [UInt8] {
        var w = NVRByteWriter(capacity: bytes.count / 4 + 16)
        w.varint(id)
        w.u8(bones ? 1 : 0)
        let z = level > 0 ? zstd.compress(bytes, level: max(level, 9)) : bytes
        let compressed = level > 0 && z.count < bytes.count
        w.u8(compressed ? 1 : 0)
        w.varint(bytes.count)
        w.bytes.append(contentsOf: compressed ? z : bytes)
        return w.bytes
    }

    static func decode(_ payload: [UInt8], zstd: NVRZstd) throws(NVRCorrupt) -> (id: Int, template: NVRTemplate) {
        var r = NVRByteReader(payload)
        let id = try r.count("template id", limit: NVRLimits.maxTemplates)
        let kind = try r.u8()
        guard kind <= 1 else { throw NVRCorrupt("template \(id): unknown kind \(kind)") }
        let method = try r.u8()
        guard method <= 1 else { throw NVRCorrupt("template \(id): unknown compression \(method)") }
        let length = try r.count("template length", limit: NVRLimits.maxTemplateBytes)
        let rest = try r.take(r.remaining)
        let bytes = method == 1 ? try zstd.decompress(rest, rawLength: length) : Array(rest)
        guard bytes.count == length else { throw NVRCorrupt("template \(id): \(bytes.count) bytes, header says \(length)") }
        let t: NVRTemplate
        do {
            t = try NVRTemplate(bytes: bytes, bones: kind == 1)
        } catch {
            throw NVRCorrupt("template \(id) is malformed at byte \(error.offset)")
        }
        guard t.slotCount <= NVRLimits.maxSlots else { throw NVRCorrupt("template \(id): too many values") }
        return (id, t)
    }
}

/// The header record: metadata pairs (capture id, source, ...).
enum NVRHeaderRecord {
    static func encode(_ metadata: [NVRMetadataEntry]) -> [UInt8] {
        var w = NVRByteWriter()
        w.varint(metadata.count)
        for m in metadata {
            w.string(m.key)
            w.string(m.value)
        }
        return w.bytes
    }

    static func decode(_ payload: [UInt8]) throws(NVRCorrupt) -> [NVRMetadataEntry] {
        var r = NVRByteReader(payload)
        let n = try r.count("metadata count", limit: 1 << 16, bytesEach: 2)
        var list: [NVRMetadataEntry] = []
        for _ in 0..<n {
            let k = try r.string("metadata key")
            let v = try r.string("metadata value")
            list.append(NVRMetadataEntry(key: k, value: v))
        }
        return list
    }
}

/// One metadata pair of an `.nvr` header (for example `source` = `nevr convert`).
public struct NVRMetadataEntry: Hashable, Sendable {
    /// The key (`capture_id`, `created_at_ns`, `source`, ...).
    public var key: String
    /// The value, as text.
    public var value: String
    /// A pair.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
