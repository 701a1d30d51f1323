import NEVRCore

/// What a decoder skipped or could not place in the model, counted rather than fatal.
public struct NevrcapDecodeNotes: Hashable, Sendable {
    /// Fields with numbers (or wire types) this schema does not know, skipped.
    public var unknownFields: Int = 0
    /// Known fields whose payload had an unexpected shape (a vector without exactly 3 values,
    /// a possession list without exactly 2 entries, a bones array whose byte length is not a
    /// multiple of 4), skipped.
    public var irregularValues: Int = 0
    /// Events whose oneof number this version does not know (kept as ``Event/unknown(fieldNumber:payload:)``).
    public var unknownEvents: Int = 0
    /// 2025-era bones (`{repeated double v = 1}` nested messages) that were read.
    public var legacyBones: Int = 0

    public init() {}

    public static func += (a: inout NevrcapDecodeNotes, b: NevrcapDecodeNotes) {
        a.unknownFields += b.unknownFields
        a.irregularValues += b.irregularValues
        a.unknownEvents += b.unknownEvents
        a.legacyBones += b.legacyBones
    }
}

// `engine.v1` messages into the typed model. A field seen on the wire is set in the
// model (even when zero); a field not seen stays `nil`.

extension ProtoReader {
    @inlinable
    mutating func vector(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Vector3? {
        let v = try vector()
        if v == nil { notes.irregularValues += 1 }
        return v
    }

    @inlinable
    mutating func unknown(_ wireType: UInt8, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) {
        notes.unknownFields += 1
        try skip(wireType)
    }

    @usableFromInline
    mutating func session(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Session {
        var s = Session()
        var possession: [Int32] = []
        var sawPossession = false
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 0): s.orangeTeamRestartRequest = try int32()
            case (2, 2): s.sessionID = try string()
            case (3, 2): s.gameClockDisplay = try string()
            case (4, 2): s.gameStatus = try string()
            case (5, 2): s.sessionIP = try string()
            case (6, 2): s.matchType = try string()
            case (7, 2): s.mapName = try string()
            case (8, 2):
                var sub = try subReader()
                s.disc = try sub.disc(&notes)
            case (11, 0): s.blueRoundScore = try int32()
            case (12, 0): s.orangePoints = Double(try int32())
            case (14, 0): s.privateMatch = try bool()
            case (15, 0): s.blueTeamRestartRequest = try int32()
            case (16, 0): s.tournamentMatch = try bool()
            case (17, 0): s.orangeRoundScore = try int32()
            case (18, 0): s.totalRoundCount = try int32()
            case (19, 0): s.bluePoints = Double(try int32())
            case (20, 2):
                var sub = try subReader()
                s.lastThrow = try sub.lastThrow(&notes)
            case (21, 2):
                var sub = try subReader()
                s.player = try sub.playspace(&notes)
            case (22, 2):
                var sub = try subReader()
                s.pause = try sub.pause(&notes)
            case (23, 2):
                var sub = try subReader()
                sawPossession = true
                while !sub.isAtEnd { possession.append(try sub.int32()) }
            case (23, 0):
                sawPossession = true
                possession.append(try int32())
            case (24, 1): s.leftShoulderPressed = try double()
            case (25, 1): s.rightShoulderPressed = try double()
            case (26, 1): s.leftShoulderPressed2 = try double()
            case (27, 1): s.rightShoulderPressed2 = try double()
            case (28, 2): s.rulesChangedBy = try string()
            case (29, 0): s.rulesChangedAt = try varint()
            case (30, 2): s.clientName = try string()
            case (31, 2):
                var sub = try subReader()
                s.lastScore = try sub.lastScore(&notes)
            case (32, 2):
                var sub = try subReader()
                let t = try sub.team(&notes)
                if s.teams == nil {
                    s.teams = [t]
                    s.teams!.reserveCapacity(3)
                } else {
                    s.teams!.append(t)
                }
            case (33, 0): s.contested = try bool()
            case (34, 1): s.payloadMultiplier = try double()
            case (35, 0): s.payloadCheckpoint = try int32()
            case (36, 1): s.payloadDistance = try double()
            case (37, 0): s.payloadDefenders = try int32()
            case (38, 1): s.payloadSpeed = try double()
            case (39, 1): s.gameClock = try double()
            case (40, 0): s.errCode = try int32()
            default: try unknown(w, &notes)
            }
        }
        if sawPossession {
            if possession.count == 2 {
                s.possession = DiscHolder(teamIndex: possession[0], playerIndex: possession[1])
            } else {
                notes.irregularValues += 1
            }
        }
        return s
    }

    @usableFromInline
    mutating func disc(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Disc {
        var d = Disc()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): d.position = try vector(&notes)
            case (2, 2): d.forward = try vector(&notes)
            case (3, 2): d.left = try vector(&notes)
            case (4, 2): d.up = try vector(&notes)
            case (5, 2): d.velocity = try vector(&notes)
            case (6, 0): d.bounceCount = try int32()
            default: try unknown(w, &notes)
            }
        }
        return d
    }

    @usableFromInline
    mutating func team(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Team {
        var t = Team()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2):
                var sub = try subReader()
                let p = try sub.player(&notes)
                if t.players == nil {
                    t.players = [p]
                    t.players!.reserveCapacity(5)
                } else {
                    t.players!.append(p)
                }
            case (2, 2): t.name = try string()
            case (3, 0): t.possession = try bool()
            case (4, 2):
                var sub = try subReader()
                t.stats = try sub.stats(&notes)
            default: try unknown(w, &notes)
            }
        }
        return t
    }

    @usableFromInline
    mutating func player(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Player {
        var p = Player()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): p.weapon = try string()
            case (2, 2): p.ordnance = try string()
            case (3, 2): p.tacMod = try string()
            case (4, 2): p.arm = try string()
            case (5, 2):
                var sub = try subReader()
                p.head = try sub.bodyPart(&notes)
            case (6, 2):
                var sub = try subReader()
                p.body = try sub.bodyPart(&notes)
            case (7, 0): p.userID = try varint()
            case (8, 2): p.name = try string()
            case (9, 0): p.slot = try int32()
            case (10, 0): p.number = try int32()
            case (11, 0): p.level = try int32()
            case (12, 0): p.ping = try int32()
            case (13, 1): p.packetLossRatio = try double()
            case (14, 0): p.stunned = try bool()
            case (15, 0): p.invulnerable = try bool()
            case (16, 2): p.holdingLeft = try string()
            case (17, 2): p.holdingRight = try string()
            case (18, 0): p.blocking = try bool()
            case (19, 0): p.isEmotePlaying = try bool()
            case (20, 0): p.possession = try bool()
            case (21, 2):
                var sub = try subReader()
                p.leftHand = try sub.handPart(&notes)
            case (22, 2):
                var sub = try subReader()
                p.rightHand = try sub.handPart(&notes)
            case (23, 2): p.velocity = try vector(&notes)
            case (24, 2):
                var sub = try subReader()
                p.stats = try sub.stats(&notes)
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    /// `BodyPart` (position field 2) or `HandPart` (`pos`, field 1); orientation fields 3, 4, 5.
    @usableFromInline
    mutating func pose(positionField: Int, _ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Pose {
        var pose = Pose()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (positionField, 2): pose.position = try vector(&notes)
            case (3, 2): pose.forward = try vector(&notes)
            case (4, 2): pose.left = try vector(&notes)
            case (5, 2): pose.up = try vector(&notes)
            default: try unknown(w, &notes)
            }
        }
        return pose
    }

    @inlinable
    mutating func bodyPart(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Pose {
        try pose(positionField: 2, &notes)
    }

    @inlinable
    mutating func handPart(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Pose {
        try pose(positionField: 1, &notes)
    }

    /// One `map<string,string>` entry.
    @usableFromInline
    mutating func mapEntry(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Event.MapEntry {
        var key = ""
        var value = ""
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): key = try string()
            case (2, 2): value = try string()
            default: try unknown(w, &notes)
            }
        }
        return Event.MapEntry(key: key, value: value)
    }

    @usableFromInline
    mutating func stats(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Stats {
        var s = Stats()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 1): s.possessionTime = try double()
            case (2, 0): s.points = try int32()
            case (3, 0): s.saves = try int32()
            case (4, 0): s.goals = try int32()
            case (5, 0): s.stuns = try int32()
            case (6, 0): s.passes = try int32()
            case (7, 0): s.catches = try int32()
            case (8, 0): s.steals = try int32()
            case (9, 0): s.blocks = try int32()
            case (10, 0): s.interceptions = try int32()
            case (11, 0): s.assists = try int32()
            case (12, 0): s.shotsTaken = try int32()
            default: try unknown(w, &notes)
            }
        }
        return s
    }

    @usableFromInline
    mutating func lastScore(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> LastScore {
        var s = LastScore()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 1): s.discSpeed = try double()
            case (2, 2): s.team = try string()
            case (3, 2): s.goalType = try string()
            case (4, 0): s.pointAmount = try int32()
            case (5, 1): s.distanceThrown = try double()
            case (6, 2): s.personScored = try string()
            case (7, 2): s.assistScored = try string()
            default: try unknown(w, &notes)
            }
        }
        return s
    }

    @usableFromInline
    mutating func lastThrow(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> LastThrow {
        var t = LastThrow()
        while !isAtEnd {
            let (f, w) = try tag()
            guard w == 1 else {
                try unknown(w, &notes)
                continue
            }
            switch f {
            case 1: t.armSpeed = try double()
            case 2: t.totalSpeed = try double()
            case 3: t.offAxisSpinDeg = try double()
            case 4: t.wristThrowPenalty = try double()
            case 5: t.rotPerSec = try double()
            case 6: t.potSpeedFromRot = try double()
            case 7: t.speedFromArm = try double()
            case 8: t.speedFromMovement = try double()
            case 9: t.speedFromWrist = try double()
            case 10: t.wristAlignToThrowDeg = try double()
            case 11: t.throwAlignToMovementDeg = try double()
            case 12: t.offAxisPenalty = try double()
            case 13: t.throwMovePenalty = try double()
            default: try unknown(w, &notes)
            }
        }
        return t
    }

    @usableFromInline
    mutating func pause(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> PauseState {
        var p = PauseState()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): p.pausedState = try string()
            case (2, 2): p.unpausedTeam = try string()
            case (3, 2): p.pausedRequestedTeam = try string()
            case (4, 1): p.unpausedTimer = try double()
            case (5, 1): p.pausedTimer = try double()
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    @usableFromInline
    mutating func playspace(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> PlayspacePose {
        var p = PlayspacePose()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): p.vrLeft = try vector(&notes)
            case (2, 2): p.vrPosition = try vector(&notes)
            case (3, 2): p.vrForward = try vector(&notes)
            case (4, 2): p.vrUp = try vector(&notes)
            default: try unknown(w, &notes)
            }
        }
        return p
    }

    @usableFromInline
    mutating func bones(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> PlayerBones {
        var b = PlayerBones()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2):
                var sub = try subReader()
                let u = try sub.userBones(&notes)
                if b.userBones == nil {
                    b.userBones = [u]
                    b.userBones!.reserveCapacity(10)
                } else {
                    b.userBones!.append(u)
                }
            case (2, 0): b.errCode = try int32()
            default: try unknown(w, &notes)
            }
        }
        return b
    }

    @usableFromInline
    mutating func userBones(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> UserBones {
        var u = UserBones()
        while !isAtEnd {
            let (f, w) = try tag()
            switch (f, w) {
            case (1, 2): u.translations = try boneValues(&notes)
            case (2, 0): u.slot = try int32()
            case (3, 2): u.orientations = try boneValues(&notes)
            default: try unknown(w, &notes)
            }
        }
        return u
    }

    /// `bone_t` / `bone_o`: packed floats (current schema) or, in 2025-era files, a nested
    /// `{repeated double v = 1}` message. The payload is read as the nested form only when it
    /// parses exactly as field 1 holding whole doubles; otherwise as packed floats.
    @usableFromInline
    mutating func boneValues(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> [Float]? {
        let r = try lengthDelimited()
        if let doubles = ProtoReader.nestedDoubles(slice(r)) {
            notes.legacyBones += 1
            return doubles.map { Float($0) }
        }
        guard r.count % 4 == 0 else {
            notes.irregularValues += 1
            return nil
        }
        return floats(r)
    }

    /// The values of a `{repeated double v = 1}` message (packed or not), or `nil` when the
    /// bytes are not exactly that.
    @usableFromInline
    static func nestedDoubles(_ bytes: UnsafeRawBufferPointer) -> [Double]? {
        guard let first = bytes.first, first == 0x0A || first == 0x09 else { return nil }
        var r = ProtoReader(bytes)
        var out: [Double] = []
        do {
            while !r.isAtEnd {
                let (f, w) = try r.tag()
                guard f == 1 else { return nil }
                if w == 2 {
                    let range = try r.lengthDelimited()
                    guard range.count % 8 == 0 else { return nil }
                    var sub = r
                    sub.position = range.lowerBound
                    sub.end = range.upperBound
                    out.reserveCapacity(out.count + range.count / 8)
                    while !sub.isAtEnd { out.append(try sub.double()) }
                } else if w == 1 {
                    out.append(try r.double())
                } else {
                    return nil
                }
            }
        } catch {
            return nil
        }
        return out
    }

    @usableFromInline
    mutating func timestamp(_ notes: inout NevrcapDecodeNotes) throws(ProtoDecodeError) -> Timestamp {
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
        return Timestamp(seconds: seconds, nanos: nanos)
    }
}
