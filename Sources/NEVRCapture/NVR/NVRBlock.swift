import NEVRCore

/// The streams of a block (docs/nvr-format.md "Blocks"). Each is compressed on its own, so a
/// reader can decode only the ones it needs (column projection, events without frames).
public enum NVRStreamID: UInt8, Sendable, CaseIterable, Comparable {
    /// Per-frame flags and timestamps.
    case frames = 0
    /// Top-level scalars and small objects (clock, scores, status, pause, last throw/score).
    case misc = 1
    /// The disc.
    case disc = 2
    /// The `teams` array (players).
    case teams = 3
    /// The block's string table (strings and verbatim number texts of every stream).
    case strings = 4
    /// Frames stored verbatim (exceptions).
    case raw = 5
    /// `/player_bones` columns.
    case bones = 6
    /// Events (protobuf `LobbySessionEvent`, as in `.nevrcap`).
    case events = 7

    /// The stream's name in messages and `nevr inspect` output (`frames`, `misc`, ..., `events`).
    public var name: String {
        switch self {
        case .frames: "frames"
        case .misc: "misc"
        case .disc: "disc"
        case .teams: "teams"
        case .strings: "strings"
        case .raw: "raw"
        case .bones: "bones"
        case .events: "events"
        }
    }

    /// Orders streams by their number in the block.
    public static func < (a: NVRStreamID, b: NVRStreamID) -> Bool { a.rawValue < b.rawValue }
}

/// Per-frame flag bits of the frames stream.
enum NVRFrameFlags {
    static let sessionRaw: UInt8 = 1
    static let bonesPresent: UInt8 = 2
    static let bonesRaw: UInt8 = 4
    static let events: UInt8 = 8
    static let known: UInt8 = 15
}

/// Limits every reader enforces (a writer never exceeds them).
enum NVRLimits {
    static let maxFramesPerBlock = 65_536
    static let maxStreamBytes = 256 << 20
    static let maxStrings = 1 << 22
    static let maxEventsPerFrame = 4_096
    static let maxTemplates = 1 << 16
    static let maxTemplateBytes = 16 << 20
    static let maxSlots = 1 << 20
    static let maxRecordBytes = 1 << 30
}

/// One document's values collected into a block: row-major kinds and values.
struct NVRRows {
    var template: NVRTemplate?
    var templateID = -1
    var kinds: [UInt8] = []
    var values: [Int64] = []
    var rows = 0
    /// String id each slot had in the previous row (-1: none), so unchanged strings skip hashing.
    var lastString: [Int64] = []

    mutating func removeAll() {
        template = nil
        templateID = -1
        kinds.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        lastString.removeAll(keepingCapacity: true)
        rows = 0
    }
}

/// A block being filled by the writer.
struct NVRBlockBuilder {
    var firstFrame = 0
    var timestamps: [Int64] = []
    var flags: [UInt8] = []
    var events: [[UInt8]] = []  // encoded events of frames that have some, in order
    var eventCounts: [Int] = []
    var session = NVRRows()
    var bones = NVRRows()
    var strings: [[UInt8]] = []
    var stringIDs: [[UInt8]: Int64] = [:]
    var raw: [[UInt8]] = []
    var rawBytes = 0
    var valueBytes = 0

    var frameCount: Int { flags.count }

    mutating func reset(firstFrame: Int) {
        self.firstFrame = firstFrame
        timestamps.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        eventCounts.removeAll(keepingCapacity: true)
        session.removeAll()
        bones.removeAll()
        strings.removeAll(keepingCapacity: true)
        stringIDs.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        rawBytes = 0
        valueBytes = 0
    }

    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        let key = Array(bytes)
        if let id = stringIDs[key] { return id }
        let id = Int64(strings.count)
        strings.append(key)
        stringIDs[key] = id
        return id
    }

    /// Appends a tokenized document's row, interning its strings.
    mutating func append(_ t: NVRTokenizer, doc: UnsafeBufferPointer<UInt8>, to rows: WritableKeyPath<NVRBlockBuilder, NVRRows>) {
        let start = self[keyPath: rows].values.count
        self[keyPath: rows].kinds.append(contentsOf: t.kinds)
        self[keyPath: rows].values.append(contentsOf: t.values)
        self[keyPath: rows].rows += 1
        if self[keyPath: rows].lastString.count < t.kinds.count {
            self[keyPath: rows].lastString.append(contentsOf: repeatElement(-1, count: t.kinds.count - self[keyPath: rows].lastString.count))
        }
        if t.ranges.isEmpty { return }
        for i in 0..<t.kinds.count {
            let kind = t.kinds[i]
            guard kind == NVRValueKind.string.rawValue || kind == NVRValueKind.rawNumber.rawValue else { continue }
            let text = UnsafeBufferPointer(rebasing: doc[t.ranges[Int(t.values[i])]])
            let last = self[keyPath: rows].lastString[i]
            let id: Int64
            if last >= 0, strings[Int(last)].elementsEqual(text) {
                id = last
            } else {
                id = intern(text)
                self[keyPath: rows].lastString[i] = id
            }
            self[keyPath: rows].values[start + i] = id
        }
        valueBytes += doc.count
    }

    /// The block record payload (docs/nvr-format.md "Block record").
    func encode(
        number: Int, zstd: NVRZstd, level: Int32, arithmetic: Bool, version: Int = Int(NVRFileLayout.version),
        observer: ((NVRStreamID, [UInt8]) -> Void)? = nil
    ) -> (payload: [UInt8], streams: [(NVRStreamID, Int, Int)]) {
        var streams: [(NVRStreamID, [UInt8])] = []
        // Arithmetic-coded column streams (method 2), stored as they are.
        var coded: [NVRStreamID: [UInt8]] = [:]
        // Frames.
        var f = NVRByteWriter(capacity: frameCount * 3)
        for fl in flags { f.u8(fl) }
        for i in 1..<max(frameCount, 1) {
            let p = i == 1 ? timestamps[0] : (timestamps[i - 1] &* 2) &- timestamps[i - 2]
            f.signed(timestamps[i] &- p)
        }
        streams.append((.frames, f.bytes))
        // Session columns by group, then bones.
        if let template = session.template {
            for group in [NVRColumnGroup.misc, .disc, .teams] {
                let slots = (0..<template.slotCount).filter { template.groups[$0] == group }
                guard !slots.isEmpty, session.rows > 0 else { continue }
                if arithmetic && observer == nil {
                    coded[group.stream] = NVRColumnCoding.encodeArithmetic(
                        slots: slots, template: template, version: version, kinds: session.kinds, values: session.values,
                        slotCount: template.slotCount, rows: session.rows)
                    streams.append((group.stream, []))
                    continue
                }
                var w = NVRByteWriter(capacity: slots.count * session.rows * 2)
                NVRColumnCoding.encode(
                    slots: slots, template: template, version: version, kinds: session.kinds, values: session.values,
                    slotCount: template.slotCount, rows: session.rows, into: &w)
                streams.append((group.stream, w.bytes))
            }
        }
        if let template = bones.template, bones.rows > 0, template.slotCount > 0, arithmetic && observer == nil {
            coded[.bones] = NVRColumnCoding.encodeArithmetic(
                slots: Array(0..<template.slotCount), template: template, version: version, kinds: bones.kinds, values: bones.values,
                slotCount: template.slotCount, rows: bones.rows)
            streams.append((.bones, []))
        } else if let template = bones.template {
            var w = NVRByteWriter(capacity: template.slotCount * bones.rows * 2)
            NVRColumnCoding.encode(
                slots: Array(0..<template.slotCount), template: template, version: version, kinds: bones.kinds, values: bones.values,
                slotCount: template.slotCount, rows: bones.rows, into: &w)
            streams.append((.bones, w.bytes))
        }
        if !strings.isEmpty {
            var w = NVRByteWriter(capacity: strings.count * 12)
            w.varint(strings.count)
            for s in strings { w.blob(s) }
            streams.append((.strings, w.bytes))
        }
        if !raw.isEmpty {
            var w = NVRByteWriter(capacity: rawBytes + raw.count * 3)
            for r in raw { w.blob(r) }
            streams.append((.raw, w.bytes))
        }
        if !eventCounts.isEmpty {
            var w = NVRByteWriter(capacity: 256)
            var next = 0
            for n in eventCounts {
                w.varint(n)
                for e in events[next..<(next + n)] { w.blob(e) }
                next += n
            }
            streams.append((.events, w.bytes))
        }
        streams.sort { $0.0 < $1.0 }
        if let observer { for (id, bytes) in streams { observer(id, bytes) } }

        var out = NVRByteWriter(capacity: 4096)
        out.varint(number)
        out.varint(firstFrame)
        out.varint(frameCount)
        out.signed(timestamps.first ?? 0)
        out.varint(session.templateID + 1)
        out.varint(bones.templateID + 1)
        out.varint(streams.count)
        var stored: [(NVRStreamID, [UInt8], UInt8)] = []
        var sizes: [(NVRStreamID, Int, Int)] = []
        for (id, bytes) in streams {
            var method: UInt8 = 0
            var data = bytes
            if let c = coded[id] {
                method = 2
                data = c
            } else if bytes.count >= 64, level > 0 {
                let z = zstd.compress(bytes, level: level)
                if z.count < bytes.count {
                    method = 1
                    data = z
                }
            }
            stored.append((id, data, method))
            let rawLength = method == 2 ? data.count : bytes.count
            sizes.append((id, rawLength, data.count))
            out.u8(id.rawValue)
            out.u8(method)
            out.varint(rawLength)
            out.varint(data.count)
        }
        for (_, data, _) in stored { out.bytes.append(contentsOf: data) }
        return (out.bytes, sizes)
    }
}

/// The fixed fields at the start of a block record.
struct NVRBlockHeader {
    var number: Int
    var firstFrame: Int
    var frameCount: Int
    var firstTimestamp: Int64
    var sessionTemplate: Int  // -1 none
    var bonesTemplate: Int
    var streams: [(id: NVRStreamID, method: UInt8, rawLength: Int, range: Range<Int>)]

    static func read(_ r: inout NVRByteReader) throws(NVRCorrupt) -> NVRBlockHeader {
        let number = try r.count("block number", limit: Int(Int32.max))
        let first = try r.count("first frame", limit: Int(Int64.max / 2))
        let count = try r.count("frame count", limit: NVRLimits.maxFramesPerBlock)
        guard count > 0 else { throw NVRCorrupt("block with no frames") }
        let ts = try r.signed()
        let st = try r.count("session template", limit: NVRLimits.maxTemplates) - 1
        let bt = try r.count("bones template", limit: NVRLimits.maxTemplates) - 1
        let n = try r.count("stream count", limit: 32)
        var streams: [(NVRStreamID, UInt8, Int, Int)] = []
        for _ in 0..<n {
            let idByte = try r.u8()
            guard let id = NVRStreamID(rawValue: idByte) else { throw NVRCorrupt("unknown stream \(idByte)") }
            let method = try r.u8()
            let columns: Set<NVRStreamID> = [.misc, .disc, .teams, .bones]
            guard method <= 1 || (method == 2 && columns.contains(id)) else {
                throw NVRCorrupt("stream \(id.name): unknown compression \(method)")
            }
            let raw = try r.count("stream \(id.name) length", limit: NVRLimits.maxStreamBytes)
            let stored = try r.count("stream \(id.name) stored length", limit: NVRLimits.maxStreamBytes)
            if method != 1 && stored != raw { throw NVRCorrupt("stream \(id.name): stored \(stored) != length \(raw)") }
            streams.append((id, method, raw, stored))
        }
        var ranges: [(id: NVRStreamID, method: UInt8, rawLength: Int, range: Range<Int>)] = []
        var at = r.position
        for (id, method, raw, stored) in streams {
            guard stored <= r.end - at else { throw NVRCorrupt("stream \(id.name) runs past the block's end") }
            if ranges.contains(where: { $0.id == id }) { throw NVRCorrupt("stream \(id.name) twice") }
            ranges.append((id, method, raw, at..<(at + stored)))
            at += stored
        }
        guard at == r.end else { throw NVRCorrupt("\(r.end - at) bytes after the last stream") }
        return NVRBlockHeader(
            number: number, firstFrame: first, frameCount: count, firstTimestamp: ts, sessionTemplate: st,
            bonesTemplate: bt, streams: ranges)
    }
}
