import NEVRCore

/// Which parts of each frame a reader decodes (column projection). Members of `/session`
/// whose stream is not decoded are left out of the rebuilt JSON.
public struct NVRProjection: OptionSet, Hashable, Sendable {
    /// The parts as bits (see the static members).
    public let rawValue: UInt8
    /// Parts from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Top-level scalars and small objects: clock, scores, status, pause, last throw/score.
    public static let misc = NVRProjection(rawValue: 1)
    /// The `disc` object.
    public static let disc = NVRProjection(rawValue: 2)
    /// The `teams` array (players).
    public static let teams = NVRProjection(rawValue: 4)
    /// `/player_bones`.
    public static let bones = NVRProjection(rawValue: 8)
    /// Events.
    public static let events = NVRProjection(rawValue: 16)
    /// Everything (the default).
    public static let all: NVRProjection = [.misc, .disc, .teams, .bones, .events]

    var groups: [NVRColumnGroup] {
        var g: [NVRColumnGroup] = []
        if contains(.misc) { g.append(.misc) }
        if contains(.disc) { g.append(.disc) }
        if contains(.teams) { g.append(.teams) }
        return g
    }
}

/// One frame as stored: the rebuilt JSON texts, byte for byte what was written.
public struct NVRFrameRecord: Hashable, Sendable {
    /// Position in the file, from 0.
    public var frameIndex: Int
    /// When the frame was polled.
    public var timestamp: Timestamp
    /// The `/session` JSON (only the projected members when a projection is set).
    public var session: [UInt8]
    /// The `/player_bones` JSON, `nil` when none was recorded for this frame (or not projected).
    public var bones: [UInt8]?
    /// The events stored with the frame.
    public var events: [Event]
}

/// A block decoded into rows; frames are spelled on demand.
final class NVRDecodedBlock {
    let header: NVRBlockHeader
    var timestamps: [Int64]
    var flags: [UInt8]
    var events: [[Event]]
    var strings: [ArraySlice<UInt8>] = []
    var sessionTemplate: NVRTemplate?
    var sessionRow: [Int]  // -1: raw or not decoded
    var sessionKinds: [UInt8] = []
    var sessionValues: [Int64] = []
    var sessionGroups: Set<NVRColumnGroup> = []
    var bonesTemplate: NVRTemplate?
    var bonesRow: [Int]
    var bonesKinds: [UInt8] = []
    var bonesValues: [Int64] = []
    var rawSession: [Int: ArraySlice<UInt8>] = [:]
    var rawBones: [Int: ArraySlice<UInt8>] = [:]
    var bonesDecoded = false

    var frameCount: Int { header.frameCount }

    /// Decodes the block `payload` (CRC already checked). `templates` resolves template ids.
    init(
        payload: [UInt8], projection: NVRProjection, zstd: NVRZstd, version: Int = Int(NVRFileLayout.version),
        templates: (Int) throws(NVRCorrupt) -> NVRTemplate
    ) throws(NVRCorrupt) {
        var r = NVRByteReader(payload)
        let h = try NVRBlockHeader.read(&r)
        header = h
        let n = h.frameCount
        func stream(_ id: NVRStreamID) throws(NVRCorrupt) -> [UInt8]? {
            guard let s = h.streams.first(where: { $0.id == id }) else { return nil }
            if s.method != 1 { return Array(payload[s.range]) }
            return try zstd.decompress(payload[s.range], rawLength: s.rawLength)
        }
        // Frames.
        guard let framesBytes = try stream(.frames) else { throw NVRCorrupt("no frames stream") }
        var fr = NVRByteReader(framesBytes)
        flags = []
        flags.reserveCapacity(n)
        for i in 0..<n {
            let f = try fr.u8()
            guard f & ~NVRFrameFlags.known == 0 else { throw NVRCorrupt("frame \(i): unknown flags \(f)") }
            if f & NVRFrameFlags.bonesRaw != 0 && f & NVRFrameFlags.bonesPresent == 0 {
                throw NVRCorrupt("frame \(i): raw bones without bones")
            }
            flags.append(f)
        }
        timestamps = [h.firstTimestamp]
        timestamps.reserveCapacity(n)
        for i in 1..<max(n, 1) {
            let p = i == 1 ? timestamps[0] : (timestamps[i - 1] &* 2) &- timestamps[i - 2]
            timestamps.append(p &+ (try fr.signed()))
        }
        guard fr.isAtEnd else { throw NVRCorrupt("frames stream has \(fr.remaining) extra bytes") }

        // Strings.
        if let s = try stream(.strings) {
            var sr = NVRByteReader(s)
            let count = try sr.count("string count", limit: NVRLimits.maxStrings, bytesEach: 1)
            var list: [ArraySlice<UInt8>] = []
            list.reserveCapacity(count)
            for _ in 0..<count { list.append(try sr.blob("string")) }
            guard sr.isAtEnd else { throw NVRCorrupt("strings stream has \(sr.remaining) extra bytes") }
            strings = list
        }

        // Rows: which frames are templated.
        var sRows = [Int](repeating: -1, count: n)
        var bRows = [Int](repeating: -1, count: n)
        var sCount = 0
        var bCount = 0
        for i in 0..<n {
            if flags[i] & NVRFrameFlags.sessionRaw == 0 {
                sRows[i] = sCount
                sCount += 1
            }
            if flags[i] & NVRFrameFlags.bonesPresent != 0 && flags[i] & NVRFrameFlags.bonesRaw == 0 {
                bRows[i] = bCount
                bCount += 1
            }
        }
        sessionRow = sRows
        bonesRow = bRows

        // Raw frames (always decoded: they are whole frames).
        if let raw = try stream(.raw) {
            var rr = NVRByteReader(raw)
            for i in 0..<n {
                if flags[i] & NVRFrameFlags.sessionRaw != 0 { rawSession[i] = try rr.blob("raw session") }
                if flags[i] & NVRFrameFlags.bonesRaw != 0 { rawBones[i] = try rr.blob("raw bones") }
            }
            guard rr.isAtEnd else { throw NVRCorrupt("raw stream has \(rr.remaining) extra bytes") }
        }
        for i in 0..<n {
            if flags[i] & NVRFrameFlags.sessionRaw != 0 && rawSession[i] == nil { throw NVRCorrupt("frame \(i): raw session missing") }
            if flags[i] & NVRFrameFlags.bonesRaw != 0 && rawBones[i] == nil { throw NVRCorrupt("frame \(i): raw bones missing") }
        }

        // Session columns.
        if sCount > 0 {
            guard h.sessionTemplate >= 0 else { throw NVRCorrupt("templated frames without a session template") }
            let t = try templates(h.sessionTemplate)
            guard !t.isBones else { throw NVRCorrupt("session template \(h.sessionTemplate) is a bones template") }
            guard t.slotCount == 0 || sCount <= NVRLimits.maxStreamBytes / t.slotCount else { throw NVRCorrupt("block too large") }
            sessionTemplate = t
            sessionKinds = [UInt8](repeating: 0, count: sCount * t.slotCount)
            sessionValues = [Int64](repeating: 0, count: sCount * t.slotCount)
            for group in projection.groups {
                let slots = (0..<t.slotCount).filter { t.groups[$0] == group }
                guard !slots.isEmpty else { continue }
                guard let bytes = try stream(group.stream) else { throw NVRCorrupt("stream \(group.stream.name) missing") }
                if h.streams.first(where: { $0.id == group.stream })?.method == 2 {
                    try NVRColumnCoding.decodeArithmetic(
                        slots: slots, template: t, version: version, slotCount: t.slotCount, rows: sCount, stringCount: strings.count,
                        from: bytes, kinds: &sessionKinds, values: &sessionValues)
                } else {
                    var cr = NVRByteReader(bytes)
                    try NVRColumnCoding.decode(
                        slots: slots, template: t, version: version, slotCount: t.slotCount, rows: sCount, stringCount: strings.count,
                        from: &cr, kinds: &sessionKinds, values: &sessionValues)
                    guard cr.isAtEnd else { throw NVRCorrupt("stream \(group.stream.name) has \(cr.remaining) extra bytes") }
                }
                sessionGroups.insert(group)
            }
        }
        // Bones columns.
        if bCount > 0 && projection.contains(.bones) {
            guard h.bonesTemplate >= 0 else { throw NVRCorrupt("templated bones without a bones template") }
            let t = try templates(h.bonesTemplate)
            guard t.isBones else { throw NVRCorrupt("bones template \(h.bonesTemplate) is a session template") }
            guard t.slotCount == 0 || bCount <= NVRLimits.maxStreamBytes / t.slotCount else { throw NVRCorrupt("block too large") }
            bonesTemplate = t
            bonesKinds = [UInt8](repeating: 0, count: bCount * t.slotCount)
            bonesValues = [Int64](repeating: 0, count: bCount * t.slotCount)
            if t.slotCount > 0 {
                guard let bytes = try stream(.bones) else { throw NVRCorrupt("stream bones missing") }
                if h.streams.first(where: { $0.id == .bones })?.method == 2 {
                    try NVRColumnCoding.decodeArithmetic(
                        slots: Array(0..<t.slotCount), template: t, version: version, slotCount: t.slotCount, rows: bCount,
                        stringCount: strings.count, from: bytes, kinds: &bonesKinds, values: &bonesValues)
                } else {
                    var cr = NVRByteReader(bytes)
                    try NVRColumnCoding.decode(
                        slots: Array(0..<t.slotCount), template: t, version: version, slotCount: t.slotCount, rows: bCount,
                        stringCount: strings.count, from: &cr, kinds: &bonesKinds, values: &bonesValues)
                    guard cr.isAtEnd else { throw NVRCorrupt("stream bones has \(cr.remaining) extra bytes") }
                }
            }
        }
        bonesDecoded = projection.contains(.bones)

        // Events.
        var ev = [[Event]](repeating: [], count: n)
        if projection.contains(.events), let bytes = try stream(.events) {
            var er = NVRByteReader(bytes)
            for i in 0..<n where flags[i] & NVRFrameFlags.events != 0 {
                let count = try er.count("event count", limit: NVRLimits.maxEventsPerFrame, bytesEach: 1)
                var list: [Event] = []
                for _ in 0..<count {
                    let b = try er.blob("event")
                    list.append(try NVRDecodedBlock.event(b))
                }
                ev[i] = list
            }
            guard er.isAtEnd else { throw NVRCorrupt("events stream has \(er.remaining) extra bytes") }
        }
        events = ev
    }

    static func event(_ bytes: ArraySlice<UInt8>) throws(NVRCorrupt) -> Event {
        var notes = NevrcapDecodeNotes()
        var result: Event?
        var failure: String?
        bytes.withUnsafeBytes { buf in
            var r = ProtoReader(buf)
            do { result = try r.event(&notes) } catch { failure = "\(error)" }
        }
        if let failure { throw NVRCorrupt("event: \(failure)") }
        guard let result else { throw NVRCorrupt("an event record holds no event") }
        return result
    }

    /// Appends the text of `template` filled from row `row`.
    func spell(_ t: NVRTemplate, kinds: [UInt8], values: [Int64], row: Int, into out: inout [UInt8]) {
        spell(t, kinds: kinds, values: values, row: row, slots: 0..<t.slotCount, bytes: 0..<t.bytes.count, into: &out)
    }

    /// Appends template bytes `bytes` (holding exactly the slots `slots`), values filled in.
    /// Writes through a pointer into room reserved for the worst case (32 bytes per number).
    func spell(
        _ t: NVRTemplate, kinds: [UInt8], values: [Int64], row: Int, slots: Range<Int>, bytes: Range<Int>,
        into out: inout [UInt8]
    ) {
        let base = row * t.slotCount
        var bound = bytes.count
        for s in slots {
            let k = kinds[base + s]
            if k == NVRValueKind.string.rawValue || k == NVRValueKind.rawNumber.rawValue {
                bound += strings[Int(values[base + s])].count + 2
            } else {
                bound += GameFloatFormatter.maxLength
            }
        }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int in
            let origin = buffer.baseAddress! + start
            var p = origin
            t.bytes.withUnsafeBufferPointer { tb in
                let tp = tb.baseAddress!
                var from = bytes.lowerBound
                for s in slots {
                    let end = t.literalEnds[s]
                    p.update(from: tp + from, count: end - from)
                    p += end - from
                    from = end + 1
                    let x = values[base + s]
                    switch NVRValueKind(rawValue: kinds[base + s])! {
                    case .grid:
                        p += NVRNumbers.spellGrid(x, into: p)
                    case .gridDivide:
                        p += GameFloatFormatter.format(Double(NVRNumbers.gridDivideFloat(x)), into: p)
                    case .float32:
                        p += GameFloatFormatter.format(Double(NVRNumbers.float(ordered: x)!), into: p)
                    case .integer:
                        p += NVRDecodedBlock.spellInteger(x, into: p)
                    case .string:
                        p.pointee = 0x22
                        p += 1
                        p += NVRDecodedBlock.copy(strings[Int(x)], to: p)
                        p.pointee = 0x22
                        p += 1
                    case .rawNumber:
                        p += NVRDecodedBlock.copy(strings[Int(x)], to: p)
                    case .clock:
                        p.pointee = 0x22
                        p += 1
                        p += NVRNumbers.spellClock(x, into: p)
                        p.pointee = 0x22
                        p += 1
                    case .literal:
                        let word: StaticString = x == 0 ? "false" : (x == 1 ? "true" : "null")
                        p.update(from: word.utf8Start, count: word.utf8CodeUnitCount)
                        p += word.utf8CodeUnitCount
                    }
                }
                p.update(from: tp + from, count: bytes.upperBound - from)
                p += bytes.upperBound - from
            }
            return p - origin
        }
        out.removeLast(bound - written)
    }

    @inline(__always)
    static func copy(_ s: ArraySlice<UInt8>, to p: UnsafeMutablePointer<UInt8>) -> Int {
        s.withUnsafeBufferPointer { sb in
            if let a = sb.baseAddress { p.update(from: a, count: sb.count) }
        }
        return s.count
    }

    /// Decimal digits of `x` at `p` (at most 20 bytes); returns the length.
    @inline(__always)
    static func spellInteger(_ x: Int64, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var v = x.magnitude
        if x < 0 {
            p[0] = 0x2D
            n = 1
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            let d = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var i = 0
            repeat {
                d[i] = 0x30 &+ UInt8(v % 10)
                v /= 10
                i += 1
            } while v > 0
            for j in 0..<i { p[n + j] = d[i - 1 - j] }
            return i
        }
        return n + count
    }

    /// The `/session` JSON of frame `i` (projected members only, when not all were decoded).
    func session(_ i: Int) -> [UInt8] {
        if let raw = rawSession[i] { return Array(raw) }
        guard let t = sessionTemplate, sessionRow[i] >= 0 else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(t.bytes.count + t.slotCount * 8)
        let row = sessionRow[i]
        let complete = t.members.isEmpty
            ? sessionGroups.contains(.misc)
            : t.members.allSatisfy { sessionGroups.contains($0.group) }
        if complete {
            spell(t, kinds: sessionKinds, values: sessionValues, row: row, into: &out)
            return out
        }
        // Projection: `{` + the decoded members joined by `,` + `}`.
        out.append(0x7B)
        var first = true
        for m in t.members where sessionGroups.contains(m.group) {
            if !first { out.append(0x2C) }
            first = false
            spell(t, kinds: sessionKinds, values: sessionValues, row: row, slots: m.slots, bytes: m.bytes, into: &out)
        }
        out.append(0x7D)
        return out
    }

    /// The `/player_bones` JSON of frame `i`, or `nil`.
    func bones(_ i: Int) -> [UInt8]? {
        guard flags[i] & NVRFrameFlags.bonesPresent != 0, bonesDecoded else { return nil }
        if let raw = rawBones[i] { return Array(raw) }
        guard let t = bonesTemplate, bonesRow[i] >= 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(t.bytes.count + t.slotCount * 11)
        spell(t, kinds: bonesKinds, values: bonesValues, row: bonesRow[i], into: &out)
        return out
    }

    func record(_ i: Int) -> NVRFrameRecord {
        NVRFrameRecord(
            frameIndex: header.firstFrame + i, timestamp: Timestamp(nanosecondsSinceEpoch: timestamps[i]),
            session: session(i), bones: bones(i), events: events[i])
    }
}
