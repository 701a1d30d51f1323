import NEVRCore

// The telemetry v2 wire codec: every field number and wire type of proto/telemetry/v2/ is in
// this one file (decode and encode side by side), hand-written over ``ProtoReader`` and
// ``ProtoWriter``. Chosen over swift-protobuf generated code by measurement (BENCHMARKS.md).
//
// Encoding follows proto3: scalars equal to zero (floats: bit pattern zero) and empty strings
// are omitted; `optional` fields and sub-messages are written when present; repeated scalars are
// packed. That is what every protobuf library writes, so our bytes equal theirs field for field.
// Decoding accepts packed and unpacked repeated scalars, skips and counts unknown fields, and
// keeps unknown header fields as raw bytes so a rewrite preserves them.

/// One decoded `Envelope`.
public enum TapeEnvelope: Hashable, Sendable {
    case header(TapeHeader)
    case frame(TapeFrame)
    case footer(TapeFooter)
    /// An envelope with no known oneof case (counted as an unknown field).
    case empty
}

enum TapeWire {
    // MARK: Decoding

    static func decodeEnvelope(_ bytes: UnsafeRawBufferPointer, origin: Int = 0, notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeEnvelope {
        var r = ProtoReader(bytes, origin: origin)
        var result = TapeEnvelope.empty
        while !r.isAtEnd {
            let (f, w) = try r.tag()
            switch (f, w) {
            case (1, 2):
                var sub = try r.subReader()
                result = .header(try sub.tapeHeader(&notes))
            case (2, 2):
                var sub = try r.subReader()
                result = .frame(try sub.tapeFrame(&notes))
            case (3, 2):
                var sub = try r.subReader()
                result = .footer(try sub.tapeFooter(&notes))
            default: try r.unknown(w, &notes)
            }
        }
        if case .empty = result { notes.unknownFields += 1 }
        return result
    }

    // MARK: Encoding

    static func encode(_ header: TapeHeader, into w: inout ProtoWriter) {
        let m = w.beginMessage(1, lengthBytes: 2)
        w.tapeHeader(header)
        w.endMessage(m, lengthBytes: 2)
    }

    static func encode(_ frame: TapeFrame, into w: inout ProtoWriter) {
        let m = w.beginMessage(2, lengthBytes: 2)
        w.tapeFrameBody(frame)
        w.endMessage(m, lengthBytes: 2)
    }

    static func encode(_ footer: TapeFooter, into w: inout ProtoWriter) {
        let m = w.beginMessage(3, lengthBytes: 2)
        w.tapeFooter(footer)
        w.endMessage(m, lengthBytes: 2)
    }
}

// MARK: - Decoder

extension ProtoReader {
    @inlinable
    mutating func float() throws(ProtoDecodeError) -> Float { Float(bitPattern: try fixed32()) }

    @inlinable
    mutating func uint32() throws(ProtoDecodeError) -> UInt32 { UInt32(truncatingIfNeeded: try varint()) }

    /// A repeated uint32, packed (wire type 2) or not (0), appended to `values`.
    mutating func repeatedUInt32(_ w: UInt8, into values: inout [UInt32], _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) {
        if w == 0 {
            values.append(try uint32())
        } else if w == 2 {
            var sub = try subReader()
            while !sub.isAtEnd { values.append(try sub.uint32()) }
        } else {
            try unknown(w, &notes)
        }
    }

    /// Skips an unknown field and returns its raw bytes (tag included) for a faithful rewrite.
    mutating func keepUnknown(from tagStart: Int, _ w: UInt8, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> UnsafeRawBufferPointer {
        try unknown(w, &notes)
        return slice(tagStart..<position)
    }

    mutating func tapeHeader(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeHeader {
        var h = TapeHeader()
        while !isAtEnd {
            let at = position
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): h.captureID = try string()
            case (2, 2):
                var sub = try subReader()
                h.createdAt = try sub.tapeTimestamp(&notes)
            case (3, 0): h.formatVersion = try uint32()
            case (4, 2):
                var sub = try subReader()
                h.metadata.append(try sub.tapeMapEntry(&notes))
            case (5, 0): h.formatMinor = try uint32()
            case (6, 0): h.formatPatch = try uint32()
            case (7, 0): h.frameEncoding = try int32()
            case (8, 2): h.gameType = try string()
            case (9, 2): h.producer = try string()
            case (10, 2):
                var sub = try subReader()
                h.echoArena = try sub.tapeArenaHeader(&notes)
            default: h.unknownFields.append(contentsOf: try keepUnknown(from: at, w, &notes))
            }
        }
        return h
    }

    mutating func tapeTimestamp(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Timestamp {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): seconds = Int64(bitPattern: try varint())
            case (2, 0): nanos = try int32()
            default: try unknown(w, &notes)
            }
        }
        // Range-check before multiplying: a hostile value must not overflow (±292 years of ns).
        let limit: Int64 = 9_000_000_000
        if seconds > limit || seconds < -limit || nanos < 0 || nanos >= 1_000_000_000 {
            notes.irregularValues += 1
            return Timestamp(nanosecondsSinceEpoch: seconds > 0 ? Int64.max : (seconds < 0 ? Int64.min : 0))
        }
        return Timestamp(seconds: seconds, nanos: nanos)
    }

    mutating func tapeMapEntry(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeMapEntry {
        var e = TapeMapEntry(key: "", value: "")
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): e.key = try string()
            case (2, 2): e.value = try string()
            default: try unknown(w, &notes)
            }
        }
        return e
    }

    mutating func tapeArenaHeader(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeArenaHeader {
        var h = TapeArenaHeader()
        while !isAtEnd {
            let at = position
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): h.sessionID = try string()
            case (2, 2): h.mapName = try string()
            case (3, 0): h.matchType = try int32()
            case (4, 2): h.clientName = try string()
            case (5, 0): h.privateMatch = try bool()
            case (6, 0): h.tournamentMatch = try bool()
            case (7, 0): h.totalRoundCount = try int32()
            case (8, 2):
                var sub = try subReader()
                h.initialRoster.append(try sub.tapePlayerInfo(&notes))
            case (9, 2):
                var sub = try subReader()
                h.skeleton = try sub.tapeSkeleton(&notes)
            case (10, 2): h.sessionIP = try string()
            case (11, 2): h.rulesChangedBy = try string()
            case (12, 0): h.rulesChangedAt = try varint()
            case (13, 2): h.teamNames.append(try string())
            default: h.unknownFields.append(contentsOf: try keepUnknown(from: at, w, &notes))
            }
        }
        return h
    }

    mutating func tapeSkeleton(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeSkeleton {
        var s = TapeSkeleton()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): s.boneCount = try uint32()
            case (2, 0): s.transformStride = try uint32()
            case (3, 0): s.orientationStride = try uint32()
            default: try unknown(w, &notes)
            }
        }
        return s
    }

    /// `PlayerInfo` and `PlayerJoined` share their field table.
    mutating func tapePlayerInfo(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePlayerInfo {
        var p = TapePlayerInfo()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): p.slot = try int32()
            case (2, 0): p.accountNumber = try varint()
            case (3, 2): p.displayName = try string()
            case (4, 0): p.role = try int32()
            case (5, 0): p.jerseyNumber = try int32()
            case (6, 0): p.level = try int32()
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    mutating func tapeFrame(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeFrame {
        var fr = TapeFrame()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): fr.frameIndex = try uint32()
            case (2, 0): fr.timestampOffsetMs = try uint32()
            case (10, 2):
                var sub = try subReader()
                fr.echoArena = try sub.tapeArenaFrame(&notes)
            default: try unknown(w, &notes)
            }
        }
        return fr
    }

    mutating func tapeArenaFrame(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeArenaFrame {
        var a = TapeArenaFrame()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): a.gameStatus = try int32()
            case (2, 5): a.gameClock = try float()
            case (3, 0): a.pauseState = try int32()
            case (4, 2):
                var sub = try subReader()
                a.disc = try sub.tapeDisc(&notes)
            case (5, 2):
                var sub = try subReader()
                a.players.append(try sub.tapePlayerState(&notes))
            case (6, 2):
                var sub = try subReader()
                a.playerBones.append(try sub.tapePlayerBones(&notes))
            case (7, 0): a.discHolderSlot = try int32()
            case (8, 2):
                var sub = try subReader()
                a.vrRoot = try sub.tapePose(&notes)
            case (9, 0): a.bluePoints = try int32()
            case (10, 0): a.orangePoints = try int32()
            case (11, 0): a.roundNumber = try int32()
            case (12, 2):
                var sub = try subReader()
                if let e = try sub.tapeEvent(&notes) { a.events.append(e) }
            case (13, 2):
                var sub = try subReader()
                a.payload = try sub.tapePayload(&notes)
            case (14, 5): a.leftShoulderPressed = try float()
            case (15, 5): a.rightShoulderPressed = try float()
            case (16, 5): a.leftShoulderPressed2 = try float()
            case (17, 5): a.rightShoulderPressed2 = try float()
            case (18, 0): a.errCode = try int32()
            case (19, 0): a.blueTeamRestartRequest = try int32()
            case (20, 0): a.orangeTeamRestartRequest = try int32()
            case (21, 2):
                var sub = try subReader()
                a.pauseDetail = try sub.tapePauseDetail(&notes)
            default: try unknown(w, &notes)
            }
        }
        return a
    }

    mutating func tapeVec3(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeVec3 {
        var v = TapeVec3(0, 0, 0)
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 5): v.x = try float()
            case (2, 5): v.y = try float()
            case (3, 5): v.z = try float()
            default: try unknown(w, &notes)
            }
        }
        return v
    }

    mutating func tapeQuat(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeQuat {
        var q = TapeQuat(0, 0, 0, 0)
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 5): q.x = try float()
            case (2, 5): q.y = try float()
            case (3, 5): q.z = try float()
            case (4, 5): q.w = try float()
            default: try unknown(w, &notes)
            }
        }
        return q
    }

    mutating func tapePose(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePose {
        var p = TapePose()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2):
                var sub = try subReader()
                p.position = try sub.tapeVec3(&notes)
            case (2, 2):
                var sub = try subReader()
                p.orientation = try sub.tapeQuat(&notes)
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    mutating func tapeDisc(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeDisc {
        var d = TapeDisc()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2):
                var sub = try subReader()
                d.pose = try sub.tapePose(&notes)
            case (2, 2):
                var sub = try subReader()
                d.velocity = try sub.tapeVec3(&notes)
            case (3, 0): d.bounceCount = try uint32()
            default: try unknown(w, &notes)
            }
        }
        return d
    }

    mutating func tapePayload(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePayload {
        var p = TapePayload()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 5): p.multiplier = try float()
            case (2, 0): p.checkpoint = try int32()
            case (3, 5): p.distance = try float()
            case (4, 0): p.defenders = try int32()
            case (5, 5): p.speed = try float()
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    mutating func tapePauseDetail(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePauseDetail {
        var p = TapePauseDetail()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): p.unpausedTeam = try int32()
            case (2, 0): p.pausedRequestedTeam = try int32()
            case (3, 5): p.unpausedTimer = try float()
            case (4, 5): p.pausedTimer = try float()
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    mutating func tapePlayerState(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePlayerState {
        var p = TapePlayerState()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): p.slot = try int32()
            case (2, 2):
                var sub = try subReader()
                p.head = try sub.tapePose(&notes)
            case (3, 2):
                var sub = try subReader()
                p.body = try sub.tapePose(&notes)
            case (4, 2):
                var sub = try subReader()
                p.leftHand = try sub.tapePose(&notes)
            case (5, 2):
                var sub = try subReader()
                p.rightHand = try sub.tapePose(&notes)
            case (6, 2):
                var sub = try subReader()
                p.velocity = try sub.tapeVec3(&notes)
            case (7, 0): p.flags = try uint32()
            case (8, 0): p.ping = try uint32()
            case (9, 5): p.packetLossRatio = try float()
            case (10, 5): p.possessionTime = try float()
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    mutating func tapePlayerBones(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapePlayerBones {
        var b = TapePlayerBones()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): b.slot = try int32()
            case (2, 2), (3, 2):
                let r = try lengthDelimited()
                // A length that is not a whole number of float32 values is irregular: keep none.
                guard r.count % 4 == 0 else {
                    notes.irregularValues += 1
                    continue
                }
                if f == 2 { b.transforms = floats(r) } else { b.orientations = floats(r) }
            case (4, 2):
                var sub = try subReader()
                b.skeletonOverride = try sub.tapeSkeleton(&notes)
            default: try unknown(w, &notes)
            }
        }
        return b
    }

    mutating func tapeFooter(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeFooter {
        var ft = TapeFooter()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): ft.frameCount = try uint32()
            case (2, 0): ft.durationMs = try uint32()
            case (3, 0): ft.footerOffset = try varint()
            case (4, 2):
                var sub = try subReader()
                var k = TapeKeyframe(frameIndex: 0, byteOffset: 0)
                while !sub.isAtEnd {
                    let (kf, kw) = try sub.tag()
                    switch (kf, kw) {
                    case (1, 0): k.frameIndex = try sub.uint32()
                    case (2, 0): k.byteOffset = try sub.varint()
                    default: try sub.unknown(kw, &notes)
                    }
                }
                ft.keyframeIndex.append(k)
            case (5, 2):
                var sub = try subReader()
                var e = TapeEventIndexEntry(eventType: 0, frameIndices: [])
                while !sub.isAtEnd {
                    let (ef, ew) = try sub.tag()
                    switch (ef, ew) {
                    case (1, 0): e.eventType = try sub.int32()
                    case (2, _): try sub.repeatedUInt32(ew, into: &e.frameIndices, &notes)
                    default: try sub.unknown(ew, &notes)
                    }
                }
                ft.eventIndex.append(e)
            default: try unknown(w, &notes)
            }
        }
        return ft
    }

    /// One `EchoEvent`; `nil` (counted) when it holds no oneof case.
    mutating func tapeEvent(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeEvent? {
        var result: TapeEvent?
        while !isAtEnd {
            let (f, w) = try tag()
            guard w == 2 else {
                try unknown(w, &notes)
                continue
            }
            let range = try lengthDelimited()
            var sub = self
            sub.position = range.lowerBound
            sub.end = range.upperBound
            if let e = try sub.tapeEventPayload(f, &notes) {
                result = e
            } else {
                notes.unknownEvents += 1
                result = .unknown(field: f, payload: Array(slice(range)))
            }
        }
        if result == nil { notes.unknownFields += 1 }
        return result
    }

    /// The payload of oneof case `field`, or `nil` for a case this version does not know.
    mutating func tapeEventPayload(_ field: Int, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> TapeEvent? {
        switch field {
        case 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25, 26, 30, 31, 32, 40, 41, 50...58, 60: break
        default: return nil
        }
        if field == 20 { return .playerJoined(try tapePlayerInfo(&notes)) }
        // Generic payload message: up to 13 varints/floats/strings by field number; each case
        // reads the ones its table defines (absent = zero, as proto3).
        var ints = [Int64](repeating: 0, count: 13)
        var present = [Bool](repeating: false, count: 13)
        var floats = [Float](repeating: 0, count: 14)
        var strings = [String](repeating: "", count: 10)
        var details: [Float]?
        var entries: [TapeMapEntry] = []
        while !isAtEnd {
            let (f, w) = try tag()
            switch w {
            case 0 where f < 13:
                ints[f] = Int64(bitPattern: try varint())
                present[f] = true
            case 5 where f < 14: floats[f] = try float()
            case 2 where field == 31 && f == 2:
                var sub = try subReader()
                var d = [Float](repeating: 0, count: 13)
                while !sub.isAtEnd {
                    let (df, dw) = try sub.tag()
                    if dw == 5, df >= 1, df <= 13 { d[df - 1] = try sub.float() } else { try sub.unknown(dw, &notes) }
                }
                details = d
            case 2 where field == 60 && f == 2:
                var sub = try subReader()
                entries.append(try sub.tapeMapEntry(&notes))
            case 2 where f < 10: strings[f] = try string()
            default: try unknown(w, &notes)
            }
        }
        func i(_ n: Int) -> Int32 { Int32(truncatingIfNeeded: ints[n]) }
        func opt(_ n: Int) -> Int32? { present[n] ? i(n) : nil }
        switch field {
        case 10: return .roundStarted(roundNumber: i(1))
        case 11: return .roundPaused(pauseState: i(1), requestingTeam: i(2), pauseTimer: floats[3])
        case 12: return .roundUnpaused(pauseState: i(1))
        case 13: return .roundEnded(roundNumber: i(1), winningTeam: i(2))
        case 14: return .matchEnded(winningTeam: i(1))
        case 15: return .scoreboardUpdated(bluePoints: i(1), orangePoints: i(2), blueRoundScore: i(3), orangeRoundScore: i(4), gameClockDisplay: strings[5])
        case 21: return .playerLeft(slot: i(1), displayName: strings[2])
        case 22: return .playerSwitchedTeam(slot: i(1), newRole: i(2), previousRole: i(3))
        case 23: return .emotePlayed(slot: i(1), emote: i(2))
        case 24: return .loadoutChanged(slot: i(1), weapon: strings[2], ordnance: strings[3], tacMod: strings[4])
        case 25: return .grabChanged(slot: i(1), leftHolding: strings[2], rightHolding: strings[3])
        case 26: return .playerInfoUpdated(slot: i(1), jerseyNumber: i(2), level: i(3))
        case 30: return .discPossessionChanged(slot: opt(1), previousSlot: opt(2))
        case 31: return .discThrown(slot: i(1), details: details)
        case 32: return .discCaught(slot: i(1))
        case 40:
            var g = TapeGoal()
            g.discSpeed = floats[1]
            g.team = i(2)
            g.goalType = i(3)
            g.pointAmount = i(4)
            g.distanceThrown = floats[5]
            g.scorerSlot = i(6)
            g.assistSlot = opt(7)
            g.personScored = strings[8]
            g.assistScored = strings[9]
            return .goalScored(g)
        case 41: return .playerGoal(slot: i(1), totalGoals: i(2), points: i(3))
        case 50...57: return .playerCounter(field: field, slot: i(1), total: i(2), victimSlot: field == 53 ? opt(3) : nil)
        case 58: return .playerStatsUpdated(slot: i(1), counters: (2...12).map { i($0) })
        case 60: return .generic(eventType: strings[1], data: entries, payload: strings[3])
        default: return nil
        }
    }
}

// MARK: - Encoder (proto3: zero scalars and empty strings omitted)

extension ProtoWriter {
    @inlinable
    mutating func p3Int32(_ field: Int, _ v: Int32) { if v != 0 { int32(field, v) } }
    @inlinable
    mutating func p3UInt32(_ field: Int, _ v: UInt32) { if v != 0 { uint32(field, v) } }
    @inlinable
    mutating func p3UInt64(_ field: Int, _ v: UInt64) { if v != 0 { uint64(field, v) } }
    @inlinable
    mutating func p3Bool(_ field: Int, _ v: Bool) { if v { bool(field, true) } }
    @inlinable
    mutating func p3String(_ field: Int, _ v: String) { if !v.isEmpty { string(field, v) } }
    @inlinable
    mutating func p3Float(_ field: Int, _ v: Float) { if v.bitPattern != 0 { float32(field, v) } }

    @inlinable
    mutating func float32(_ field: Int, _ v: Float) {
        reserve(16)
        putTag(field, .fixed32)
        putFixed32(v.bitPattern)
    }

    @inlinable
    mutating func sub<T>(_ field: Int, _ value: T?, _ body: (inout ProtoWriter, T) -> Void) {
        guard let value else { return }
        let m = beginMessage(field)
        body(&self, value)
        endMessage(m)
    }

    mutating func tapeHeader(_ h: TapeHeader) {
        p3String(1, h.captureID)
        sub(2, h.createdAt) { w, t in
            w.int64(1, t.seconds)
            w.p3Int32(2, t.nanos)
        }
        p3UInt32(3, h.formatVersion)
        for e in h.metadata { mapEntry(4, e.key, e.value) }
        p3UInt32(5, h.formatMinor)
        p3UInt32(6, h.formatPatch)
        p3Int32(7, h.frameEncoding)
        p3String(8, h.gameType)
        p3String(9, h.producer)
        if let a = h.echoArena {
            let m = beginMessage(10, lengthBytes: 2)
            tapeArenaHeader(a)
            endMessage(m, lengthBytes: 2)
        }
        tapeRaw(h.unknownFields)
    }

    mutating func tapeRaw(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: bytes.count) }
        count &+= bytes.count
    }

    mutating func tapeArenaHeader(_ a: TapeArenaHeader) {
        p3String(1, a.sessionID)
        p3String(2, a.mapName)
        p3Int32(3, a.matchType)
        p3String(4, a.clientName)
        p3Bool(5, a.privateMatch)
        p3Bool(6, a.tournamentMatch)
        p3Int32(7, a.totalRoundCount)
        for p in a.initialRoster { sub(8, p) { $0.tapePlayerInfo($1) } }
        sub(9, a.skeleton) { $0.tapeSkeleton($1) }
        p3String(10, a.sessionIP)
        p3String(11, a.rulesChangedBy)
        p3UInt64(12, a.rulesChangedAt)
        for name in a.teamNames { string(13, name) }
        tapeRaw(a.unknownFields)
    }

    mutating func tapeSkeleton(_ s: TapeSkeleton) {
        p3UInt32(1, s.boneCount)
        p3UInt32(2, s.transformStride)
        p3UInt32(3, s.orientationStride)
    }

    mutating func tapePlayerInfo(_ p: TapePlayerInfo) {
        p3Int32(1, p.slot)
        p3UInt64(2, p.accountNumber)
        p3String(3, p.displayName)
        p3Int32(4, p.role)
        p3Int32(5, p.jerseyNumber)
        p3Int32(6, p.level)
    }

    mutating func tapeFrameBody(_ f: TapeFrame) {
        p3UInt32(1, f.frameIndex)
        p3UInt32(2, f.timestampOffsetMs)
        if let a = f.echoArena {
            let m = beginMessage(10, lengthBytes: 2)
            tapeArenaFrame(a)
            endMessage(m, lengthBytes: 2)
        }
    }

    mutating func tapeVec3(_ v: TapeVec3) {
        p3Float(1, v.x)
        p3Float(2, v.y)
        p3Float(3, v.z)
    }

    mutating func tapePose(_ p: TapePose) {
        sub(1, p.position) { $0.tapeVec3($1) }
        sub(2, p.orientation) { w, q in
            w.p3Float(1, q.x)
            w.p3Float(2, q.y)
            w.p3Float(3, q.z)
            w.p3Float(4, q.w)
        }
    }

    mutating func tapeArenaFrame(_ a: TapeArenaFrame) {
        p3Int32(1, a.gameStatus)
        p3Float(2, a.gameClock)
        p3Int32(3, a.pauseState)
        sub(4, a.disc) { w, d in
            w.sub(1, d.pose) { $0.tapePose($1) }
            w.sub(2, d.velocity) { $0.tapeVec3($1) }
            w.p3UInt32(3, d.bounceCount)
        }
        for p in a.players {
            let m = beginMessage(5)
            tapePlayerState(p)
            endMessage(m)
        }
        for b in a.playerBones {
            let m = beginMessage(6, lengthBytes: 2)
            p3Int32(1, b.slot)
            if !b.transforms.isEmpty { packedFloats(2, b.transforms) }
            if !b.orientations.isEmpty { packedFloats(3, b.orientations) }
            sub(4, b.skeletonOverride) { $0.tapeSkeleton($1) }
            endMessage(m, lengthBytes: 2)
        }
        if let slot = a.discHolderSlot { int32(7, slot) }
        sub(8, a.vrRoot) { $0.tapePose($1) }
        p3Int32(9, a.bluePoints)
        p3Int32(10, a.orangePoints)
        p3Int32(11, a.roundNumber)
        for e in a.events { tapeEvent(e) }
        sub(13, a.payload) { w, p in
            w.p3Float(1, p.multiplier)
            w.p3Int32(2, p.checkpoint)
            w.p3Float(3, p.distance)
            w.p3Int32(4, p.defenders)
            w.p3Float(5, p.speed)
        }
        p3Float(14, a.leftShoulderPressed)
        p3Float(15, a.rightShoulderPressed)
        p3Float(16, a.leftShoulderPressed2)
        p3Float(17, a.rightShoulderPressed2)
        p3Int32(18, a.errCode)
        p3Int32(19, a.blueTeamRestartRequest)
        p3Int32(20, a.orangeTeamRestartRequest)
        sub(21, a.pauseDetail) { w, p in
            w.p3Int32(1, p.unpausedTeam)
            w.p3Int32(2, p.pausedRequestedTeam)
            w.p3Float(3, p.unpausedTimer)
            w.p3Float(4, p.pausedTimer)
        }
    }

    mutating func tapePlayerState(_ p: TapePlayerState) {
        p3Int32(1, p.slot)
        sub(2, p.head) { $0.tapePose($1) }
        sub(3, p.body) { $0.tapePose($1) }
        sub(4, p.leftHand) { $0.tapePose($1) }
        sub(5, p.rightHand) { $0.tapePose($1) }
        sub(6, p.velocity) { $0.tapeVec3($1) }
        p3UInt32(7, p.flags)
        p3UInt32(8, p.ping)
        p3Float(9, p.packetLossRatio)
        p3Float(10, p.possessionTime)
    }

    /// One `EchoEvent` as field 12 of `EchoArenaFrame`.
    mutating func tapeEvent(_ e: TapeEvent) {
        let outer = beginMessage(12)
        if case .unknown(let number, let payload) = e {
            payload.withUnsafeBytes { bytesField(number, $0) }
            endMessage(outer)
            return
        }
        let m = beginMessage(e.fieldNumber)
        switch e {
        case .roundStarted(let round): p3Int32(1, round)
        case .roundPaused(let state, let team, let timer):
            p3Int32(1, state)
            p3Int32(2, team)
            p3Float(3, timer)
        case .roundUnpaused(let state): p3Int32(1, state)
        case .roundEnded(let round, let team):
            p3Int32(1, round)
            p3Int32(2, team)
        case .matchEnded(let team): p3Int32(1, team)
        case .scoreboardUpdated(let b, let o, let br, let or, let display):
            p3Int32(1, b)
            p3Int32(2, o)
            p3Int32(3, br)
            p3Int32(4, or)
            p3String(5, display)
        case .playerJoined(let info): tapePlayerInfo(info)
        case .playerLeft(let slot, let name):
            p3Int32(1, slot)
            p3String(2, name)
        case .playerSwitchedTeam(let slot, let new, let previous):
            p3Int32(1, slot)
            p3Int32(2, new)
            p3Int32(3, previous)
        case .emotePlayed(let slot, let emote):
            p3Int32(1, slot)
            p3Int32(2, emote)
        case .loadoutChanged(let slot, let weapon, let ordnance, let tacMod):
            p3Int32(1, slot)
            p3String(2, weapon)
            p3String(3, ordnance)
            p3String(4, tacMod)
        case .grabChanged(let slot, let left, let right):
            p3Int32(1, slot)
            p3String(2, left)
            p3String(3, right)
        case .playerInfoUpdated(let slot, let jersey, let level):
            p3Int32(1, slot)
            p3Int32(2, jersey)
            p3Int32(3, level)
        case .discPossessionChanged(let slot, let previous):
            if let slot { int32(1, slot) }
            if let previous { int32(2, previous) }
        case .discThrown(let slot, let details):
            p3Int32(1, slot)
            sub(2, details) { w, d in
                for (i, v) in d.prefix(13).enumerated() { w.p3Float(i + 1, v) }
            }
        case .discCaught(let slot): p3Int32(1, slot)
        case .goalScored(let g):
            p3Float(1, g.discSpeed)
            p3Int32(2, g.team)
            p3Int32(3, g.goalType)
            p3Int32(4, g.pointAmount)
            p3Float(5, g.distanceThrown)
            p3Int32(6, g.scorerSlot)
            if let a = g.assistSlot { int32(7, a) }
            p3String(8, g.personScored)
            p3String(9, g.assistScored)
        case .playerGoal(let slot, let total, let points):
            p3Int32(1, slot)
            p3Int32(2, total)
            p3Int32(3, points)
        case .playerCounter(_, let slot, let total, let victim):
            p3Int32(1, slot)
            p3Int32(2, total)
            if let victim { int32(3, victim) }
        case .playerStatsUpdated(let slot, let counters):
            p3Int32(1, slot)
            for (i, v) in counters.prefix(11).enumerated() { p3Int32(i + 2, v) }
        case .generic(let type, let data, let payload):
            p3String(1, type)
            for entry in data { mapEntry(2, entry.key, entry.value) }
            p3String(3, payload)
        case .unknown: break
        }
        endMessage(m)
        endMessage(outer)
    }

    mutating func tapeFooter(_ f: TapeFooter) {
        p3UInt32(1, f.frameCount)
        p3UInt32(2, f.durationMs)
        p3UInt64(3, f.footerOffset)
        for k in f.keyframeIndex {
            let m = beginMessage(4)
            p3UInt32(1, k.frameIndex)
            p3UInt64(2, k.byteOffset)
            endMessage(m)
        }
        for e in f.eventIndex {
            let m = beginMessage(5, lengthBytes: 2)
            p3Int32(1, e.eventType)
            if !e.frameIndices.isEmpty {
                var n = 0
                for v in e.frameIndices { n &+= ProtoWriter.varintSize(UInt64(v)) }
                reserve(n &+ 16)
                putTag(2, .lengthDelimited)
                putVarint(UInt64(n))
                for v in e.frameIndices { putVarint(UInt64(v)) }
            }
            endMessage(m, lengthBytes: 2)
        }
    }
}
