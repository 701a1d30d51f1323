import NEVRCore

/// What a `.butter` frame's Δ fields and cleared bits refer to: the previous frame in the chunk.
struct ButterFrameState {
    struct PlayerState {
        var stats = [Int](repeating: 0, count: 11)  // assists, blocks, catches, goals, interceptions, passes, points, saves, steals, shots_taken, stuns
        var possessionTime: Float = 0
        var ping: Int = 0
        var loss: Float = 0
        var holding: (UInt8, UInt8) = (255, 255)
        var velocity = SIMD3<Float>(0, 0, 0)
        var positions = [SIMD3<Float>](repeating: .zero, count: 4)
        var rotations = [SIMD4<Float>](repeating: SIMD4(0, 0, 0, 1), count: 4)
    }

    var timeMs: Int64 = 0
    var clock: Float = 0
    var status: UInt8 = 0
    var points: (Float, Float) = (0, 0)
    var inputs: UInt8 = 0
    var pause: [UInt8] = [0, 0]
    var pauseTimers: (Float, Float) = (0, 0)
    var lastScore: [UInt8]?
    var lastScoreFloats: (Float, Float) = (0, 0)
    var lastThrow: [Float]?
    var vrPosition = SIMD3<Float>(0, 0, 0)
    var vrRotation = SIMD4<Float>(0, 0, 0, 1)
    var vrSeen = false
    var discPosition = SIMD3<Float>(0, 0, 0)
    var discRotation = SIMD4<Float>(0, 0, 0, 1)
    var discVelocity = SIMD3<Float>(0, 0, 0)
    var discSeen = false
    var payload: (UInt8, UInt8, UInt8, Float, Float)?
    var rules: (UInt64, String)?
    var teamStats: [[Int]?] = [nil, nil, nil]
    var teamPossessionTime: [Float] = [0, 0, 0]
    var players: [Int: PlayerState] = [:]
    var bonePositions: [[SIMD3<Float>]] = []
    var boneRotations: [[SIMD4<Float>]] = []

    /// Chunks are independent: no Δ crosses a chunk boundary.
    mutating func newChunk() { self = ButterFrameState() }
}

/// Decodes one `.butter` frame (`butter.md` §3, §4) into a typed NEVR frame.
enum ButterFrameDecoder {
    struct Failure: Error {
        var text: String
    }

    static func decode(_ c: inout ButterCursor, _ st: inout ButterFrameState, _ file: ButterReader) throws(Failure) -> Frame {
        do {
            return try frame(&c, &st, file)
        } catch let e as ButterCursor.End {
            throw Failure(text: "cut short: \(e.needed) more byte(s) needed at byte \(e.at) of the chunk")
        } catch let e as Failure {
            throw e
        } catch {
            throw Failure(text: ErrorReason.plain(error))
        }
    }

    static let statuses = ["", "", "pre_match", "round_start", "playing", "score", "round_over", "post_match", "pre_sudden_death", "sudden_death", "post_sudden_death"]
    static let pauseStates = ["unpaused", "paused", "unpausing", "pausing", "none", "other"]
    static let pauseTeams = ["blue", "orange", "spectator", "none"]
    static let goalTypes = ["[NO GOAL]", "BOUNCE SHOT", "INSIDE SHOT", "LONG BOUNCE SHOT", "LONG SHOT", "SELF GOAL", "SLAM DUNK", "BUMPER SHOT", "HEADBUTT"]

    private static func frame(_ c: inout ButterCursor, _ st: inout ButterFrameState, _ file: ButterReader) throws -> Frame {
        let v3 = file.version >= 3
        let combat = file.isCombat
        let marker = try c.u16()
        let keyframe: Bool
        switch marker {
        case 0xFEFC: keyframe = true
        case 0xFEFE: keyframe = false
        default: throw Failure(text: String(format: "unknown frame marker 0x%04X", marker))
        }
        if keyframe {
            st.newChunk()
            st.timeMs = Int64(bitPattern: try c.u64())
            st.clock = try c.f32()
        } else {
            st.timeMs &+= Int64(try c.u16())
            st.clock += try c.f32()
        }
        func v3pos(_ prev: SIMD3<Float>) throws -> SIMD3<Float> {
            let d = SIMD3<Float>(try c.half(), try c.half(), try c.half())
            return keyframe ? d : prev + d
        }
        var s = Session()
        s.clientName = file.clientName
        s.sessionID = file.sessionID
        s.sessionIP = file.sessionIP
        s.matchType = file.matchType
        s.mapName = file.mapName
        s.privateMatch = file.privateMatch
        s.tournamentMatch = false
        s.totalRoundCount = Int32(file.totalRoundCount)
        s.blueRoundScore = Int32(file.roundScores.blue)
        s.orangeRoundScore = Int32(file.roundScores.orange)
        let mask = try c.u8()
        func bit(_ i: Int) -> Bool { mask & (1 << i) != 0 }
        if v3 {
            if bit(0) {
                st.status = try c.u8()
                st.points = combat ? (try c.half(), try c.half()) : (Float(try c.u8()), Float(try c.u8()))
                st.inputs = try c.u8()
            }
            if bit(1) {
                st.pause = [try c.u8(), try c.u8()]
                st.pauseTimers = (try c.half(), try c.half())
            }
            if bit(2) && !combat { try lastScore(&c, &st) }
            if bit(3) { st.lastThrow = try (0..<13).map { _ in try c.half() } }
            if bit(4) {
                st.vrPosition = try v3pos(st.vrPosition)
                st.vrRotation = ButterFrameDecoder.smallestThree(try c.u32())
                st.vrSeen = true
            }
            if bit(5) && !combat {
                st.discPosition = try v3pos(st.discPosition)
                st.discRotation = ButterFrameDecoder.smallestThree(try c.u32())
                st.discVelocity = try v3pos(st.discVelocity)
                st.discSeen = true
            }
            if bit(6) && combat {
                st.payload = (try c.u8(), try c.u8(), try c.u8(), try c.half(), try c.half())
            }
            if bit(7) && !combat && file.privateMatch {
                let at = try c.u64()
                st.rules = (at, try c.cString())
            }
        } else {
            // v1/v2: 0 status, 1 points, 2 pause (5 B), 3 inputs, 4 last score, 5 last throw, 6 VR player, 7 disc.
            if bit(0) { st.status = try c.u8() }
            if bit(1) { st.points = combat ? (try c.half(), try c.half()) : (Float(try c.u8()), Float(try c.u8())) }
            if bit(2) {
                // One byte of restart/team bits with paused_state in bits 6-7, then the two timers.
                let b = try c.u8()
                st.pause = [b & 0x3F, b >> 6]
                st.pauseTimers = (try c.half(), try c.half())
            }
            if bit(3) { st.inputs = try c.u8() }
            if bit(4) && !combat { try lastScore(&c, &st) }
            if bit(5) { st.lastThrow = try (0..<13).map { _ in try c.half() } }
            if bit(6) {
                st.vrPosition = try v3pos(st.vrPosition)
                st.vrRotation = ButterFrameDecoder.smallestThree(try c.u32())
                st.vrSeen = true
            }
            if bit(7) && !combat {
                st.discPosition = try v3pos(st.discPosition)
                st.discRotation = ButterFrameDecoder.smallestThree(try c.u32())
                st.discVelocity = try v3pos(st.discVelocity)
                st.discSeen = true
            }
        }
        let status = Int(st.status)
        s.gameStatus = status > 0 && status < statuses.count ? statuses[status] : (status == 0 ? nil : "")
        s.gameClock = Double(st.clock)
        s.gameClockDisplay = TapeVocabulary.clockDisplay(st.clock)
        s.bluePoints = Double(st.points.0)
        s.orangePoints = Double(st.points.1)
        for (i, key) in [\Session.leftShoulderPressed, \.rightShoulderPressed, \.leftShoulderPressed2, \.rightShoulderPressed2].enumerated() {
            s[keyPath: key] = st.inputs & (1 << i) != 0 ? 1 : 0
        }
        let pb = st.pause[0]
        s.blueTeamRestartRequest = Int32(pb & 1)
        s.orangeTeamRestartRequest = Int32((pb >> 1) & 1)
        let ps = Int(st.pause[1])
        s.pause = PauseState(
            pausedState: ps < pauseStates.count ? pauseStates[ps] : "other", unpausedTeam: pauseTeams[Int((pb >> 4) & 3)],
            pausedRequestedTeam: pauseTeams[Int((pb >> 2) & 3)],
            // Quirk 2: the writer stores timer deltas; every reader takes them as absolute.
            unpausedTimer: Double(st.pauseTimers.1), pausedTimer: Double(st.pauseTimers.0))
        if let ls = st.lastScore {
            let team = Int(ls[0] & 3)
            let type = Int(ls[0] >> 3)
            s.lastScore = LastScore(
                discSpeed: Double(st.lastScoreFloats.0), team: team < 2 ? pauseTeams[team] : "none",
                goalType: type < goalTypes.count ? goalTypes[type] : "[NO GOAL]", pointAmount: ls[0] & 4 != 0 ? 3 : 2,
                distanceThrown: Double(st.lastScoreFloats.1), personScored: file.headerPlayer(ls[1])?.name ?? "[INVALID]",
                assistScored: file.headerPlayer(ls[2])?.name ?? "[INVALID]")
        }
        if let t = st.lastThrow {
            let v = t.map(Double.init)
            s.lastThrow = LastThrow(
                armSpeed: v[0], totalSpeed: v[1], offAxisSpinDeg: v[2], wristThrowPenalty: v[3], rotPerSec: v[4], potSpeedFromRot: v[5],
                speedFromArm: v[6], speedFromMovement: v[7], speedFromWrist: v[8], wristAlignToThrowDeg: v[9], throwAlignToMovementDeg: v[10],
                offAxisPenalty: v[11], throwMovePenalty: v[12])
        }
        if st.vrSeen {
            let (f, l, u) = axes(st.vrRotation)
            s.player = PlayspacePose(vrLeft: l, vrPosition: vector(st.vrPosition), vrForward: f, vrUp: u)
        }
        if st.discSeen {
            let (f, l, u) = axes(st.discRotation)
            s.disc = Disc(position: vector(st.discPosition), forward: f, left: l, up: u, velocity: vector(st.discVelocity), bounceCount: 0)
        }
        if let p = st.payload {
            s.contested = p.0 != 0
            s.payloadCheckpoint = Int32(p.1)
            s.payloadDefenders = Int32(p.2)
            s.payloadDistance = Double(p.3)
            s.payloadSpeed = Double(p.4)
        }
        if let r = st.rules {
            s.rulesChangedAt = r.0
            s.rulesChangedBy = r.1
        }

        let teamMask = try c.u8()
        var teams: [Team] = []
        var holder = DiscHolder.nobody
        var order: [Int32] = []
        for t in 0..<3 {
            if teamMask & (1 << (2 + t)) != 0 {
                // Quirk 3: the writer stores deltas; readers take team stats as absolute.
                var values = [Int](repeating: 0, count: 11)
                for k in 0..<10 { values[k] = Int(try c.u8()) }
                st.teamPossessionTime[t] = try c.half()
                values[10] = Int(try c.u16())
                st.teamStats[t] = values
            }
            let k = Int(try c.u8())
            var team = Team(name: TapeReconstruction.defaultTeamName(t), possession: t < 2 ? teamMask & (1 << t) != 0 : false)
            var players: [Player] = []
            for _ in 0..<k {
                let p = try player(&c, &st, file, keyframe: keyframe)
                if p.possession == true, holder.isNobody { holder = DiscHolder(teamIndex: Int32(t), playerIndex: Int32(players.count)) }
                order.append(p.slot ?? 0)
                players.append(p)
            }
            if !players.isEmpty {
                team.players = players
                let v = st.teamStats[t] ?? Array(repeating: 0, count: 11)
                team.stats = Stats(
                    possessionTime: Double(st.teamPossessionTime[t]), points: Int32(v[6]), saves: Int32(v[7]), goals: Int32(v[3]),
                    stuns: Int32(v[10]), passes: Int32(v[5]), catches: Int32(v[2]), steals: Int32(v[8]), blocks: Int32(v[1]),
                    interceptions: Int32(v[4]), assists: Int32(v[0]), shotsTaken: Int32(v[9]))
            }
            teams.append(team)
        }
        s.teams = teams
        s.possession = holder
        let bones = try self.bones(&c, &st, file, keyframe: keyframe, order: order)
        let stamp = Timestamp(millisecondsSinceEpoch: st.timeMs)
        return Frame(index: UInt32(truncatingIfNeeded: file.framesRead), timestamp: stamp, session: s, bones: bones)
    }

    private static func lastScore(_ c: inout ButterCursor, _ st: inout ButterFrameState) throws {
        st.lastScore = [try c.u8(), try c.u8(), try c.u8()]
        st.lastScoreFloats = (try c.half(), try c.half())
    }

    private static func player(_ c: inout ButterCursor, _ st: inout ButterFrameState, _ file: ButterReader, keyframe: Bool) throws -> Player {
        let index = try c.u8()
        let slot = try c.u8()
        let m = try c.u8()
        let key = index > 0 ? Int(index) : 1000 + Int(slot)
        var ps = st.players[key] ?? .init()
        let v3 = file.version >= 3
        let combat = file.isCombat
        let statsBit = v3 ? 5 : 4
        if m & (1 << statsBit) != 0 {
            for k in 0..<10 { ps.stats[k] = keyframe ? Int(try c.u8()) : (ps.stats[k] + Int(try c.u8())) & 0xFF }
            let dt = try c.half()
            ps.possessionTime = keyframe ? dt : ps.possessionTime + dt
            let ds = Int(try c.u16())
            ps.stats[10] = keyframe ? ds : max(0, ps.stats[10] + ds)
        }
        let pingBit = v3 ? 6 : 5
        if m & (1 << pingBit) != 0 {
            let raw = try c.u16()
            // v1 stores the ping delta as u16, v2/v3 as i16.
            let d = file.version == 1 ? Int(raw) : Int(Int16(bitPattern: raw))
            ps.ping = keyframe ? d : ps.ping + d
            let dl = try c.half()
            ps.loss = keyframe ? dl : ps.loss + dl
            if v3 && !combat { ps.holding = (try c.u8(), try c.u8()) }
        }
        if !v3, m & (1 << 6) != 0, !(file.version == 2 && combat) { ps.holding = (try c.u8(), try c.u8()) }
        if m & (1 << 7) != 0 {
            let d = SIMD3<Float>(try c.half(), try c.half(), try c.half())
            ps.velocity = keyframe ? d : ps.velocity + d
        }
        let poseMask = try c.u8()
        for part in 0..<4 {
            if poseMask & (1 << (2 * part)) != 0 {
                let d = SIMD3<Float>(try c.half(), try c.half(), try c.half())
                ps.positions[part] = keyframe ? d : ps.positions[part] + d
            }
            if poseMask & (1 << (2 * part + 1)) != 0 { ps.rotations[part] = smallestThree(try c.u32()) }
        }
        var p = Player()
        if combat && file.version >= 2 {
            let l = try c.u8()
            p.weapon = ["rocket", "blaster", "scout", "assault"][Int(l & 3)]
            p.ordnance = ["stun", "det", "burst", "arc"][Int((l >> 2) & 3)]
            p.tacMod = ["sensor", "wraith", "heal", "shield"][Int((l >> 4) & 3)]
            p.arm = l & 0x40 != 0 ? "right" : "left"
        }
        st.players[key] = ps
        let info = file.headerPlayer(index)
        p.name = info?.name ?? "[INVALID]"
        p.slot = Int32(slot)
        p.userID = info.map { UInt64(bitPattern: $0.userID) } ?? 0
        p.number = Int32(info?.number ?? 0)
        p.level = Int32(info?.level ?? 0)
        p.ping = Int32(clamping: ps.ping)
        p.packetLossRatio = Double(ps.loss)
        p.possession = m & 1 != 0
        p.blocking = m & 2 != 0
        p.stunned = m & 4 != 0
        p.invulnerable = m & 8 != 0
        if v3 { p.isEmotePlaying = m & 16 != 0 }
        if !combat {
            p.holdingLeft = holding(ps.holding.0)
            p.holdingRight = holding(ps.holding.1)
        }
        p.velocity = vector(ps.velocity)
        func pose(_ k: Int) -> Pose {
            let (f, l, u) = axes(ps.rotations[k])
            return Pose(position: vector(ps.positions[k]), forward: f, left: l, up: u)
        }
        p.head = pose(0)
        p.body = pose(1)
        p.leftHand = pose(2)
        p.rightHand = pose(3)
        let v = ps.stats
        p.stats = Stats(
            possessionTime: Double(ps.possessionTime), points: Int32(v[6]), saves: Int32(v[7]), goals: Int32(v[3]), stuns: Int32(v[10]),
            passes: Int32(v[5]), catches: Int32(v[2]), steals: Int32(v[8]), blocks: Int32(v[1]), interceptions: Int32(v[4]),
            assists: Int32(v[0]), shotsTaken: Int32(v[9]))
        return p
    }

    static func holding(_ b: UInt8) -> String? {
        switch b {
        case 255: return "none"
        case 254: return "geo"
        case 253: return "disc"
        case 252: return nil
        default: return String(b)
        }
    }

    private static func bones(_ c: inout ButterCursor, _ st: inout ButterFrameState, _ file: ButterReader, keyframe: Bool, order: [Int32]) throws -> PlayerBones? {
        guard !c.isAtEnd else { return nil }
        let b = try c.u8()
        // v1's reader tests `(b | 1) == 1` (only 0 or 1 pass); a v1 file with bone players desyncs
        // there, and the next frame's marker check reports it.
        let present = file.version == 1 ? (b | 1) == 1 : b & 1 != 0
        guard present, b & 1 != 0 else { return nil }
        let count = Int(b >> 1)
        // Quirk 4: readers restart bones from zero/identity at every keyframe.
        if keyframe { st.bonePositions = []; st.boneRotations = [] }
        while st.bonePositions.count < count {
            st.bonePositions.append(Array(repeating: .zero, count: 23))
            st.boneRotations.append(Array(repeating: SIMD4(0, 0, 0, 1), count: 23))
        }
        var users: [UserBones] = []
        for i in 0..<count {
            let posMask = Int(try c.u8()) | Int(try c.u8()) << 8 | Int(try c.u8()) << 16
            let rotMask = Int(try c.u8()) | Int(try c.u8()) << 8 | Int(try c.u8()) << 16
            for k in 0..<23 where posMask & (1 << k) != 0 {
                let d = SIMD3<Float>(Float(try c.zigzag()) / 4096, Float(try c.zigzag()) / 4096, Float(try c.zigzag()) / 4096)
                st.bonePositions[i][k] += d
            }
            for k in 0..<23 where rotMask & (1 << k) != 0 {
                st.boneRotations[i][k] = multiply(smallestThree(try c.u32()), st.boneRotations[i][k])
            }
            var t: [Float] = []
            var o: [Float] = []
            t.reserveCapacity(69)
            o.reserveCapacity(92)
            for k in 0..<23 {
                let p = st.bonePositions[i][k]
                t += [p.x, p.y, p.z]
                let q = st.boneRotations[i][k]
                o += [q.x, q.y, q.z, q.w]
            }
            users.append(UserBones(slot: i < order.count ? order[i] : Int32(i), translations: t, orientations: o))
        }
        return PlayerBones(userBones: users, errCode: 0)
    }

    /// 32-bit smallest-three quaternion (x, y, z, w).
    static func smallestThree(_ v: UInt32) -> SIMD4<Float> {
        let largest = Int(v & 3)
        var q = [Float](repeating: 0, count: 4)
        var sum: Float = 0
        var j = 0
        for i in 0..<4 where i != largest {
            let raw = Float((v >> (2 + 10 * UInt32(j))) & 0x3FF)
            let c = raw / 1023 * 1.41421356 - 0.70710678
            q[i] = c
            sum += c * c
            j += 1
        }
        q[largest] = max(0, 1 - sum).squareRoot()
        return SIMD4(q[0], q[1], q[2], q[3])
    }

    /// Hamilton product a·b.
    static func multiply(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(
            a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
            a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z)
    }

    /// forward = R·(0,0,1), up = R·(0,1,0), left = up × forward.
    static func axes(_ q: SIMD4<Float>) -> (Vector3, Vector3, Vector3) {
        let x = Double(q.x), y = Double(q.y), z = Double(q.z), w = Double(q.w)
        let f = Vector3(2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y))
        let u = Vector3(2 * (x * y - w * z), 1 - 2 * (x * x + z * z), 2 * (y * z + w * x))
        let l = Vector3(u.y * f.z - u.z * f.y, u.z * f.x - u.x * f.z, u.x * f.y - u.y * f.x)
        func narrow(_ v: Vector3) -> Vector3 { Vector3(Double(Float(v.x)), Double(Float(v.y)), Double(Float(v.z))) }
        return (narrow(f), narrow(l), narrow(u))
    }

    static func vector(_ v: SIMD3<Float>) -> Vector3 { Vector3(Double(v.x), Double(v.y), Double(v.z)) }
}
