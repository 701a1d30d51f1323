import NEVRCore

/// Turns typed NEVR frames into telemetry v2 frames the way tape's converter does (`tape.md` §5):
/// kinematics and scalars per frame, orientations as quaternions, the team index in flags
/// bits 5–6, and the **sparse event tier**: identity, loadout, grab, stat counters and the
/// scoreboard only as events, seeded at frame 0 (a `PlayerJoined` per player sorted by slot, a
/// `ScoreboardUpdated`, `LoadoutChanged`, `GrabChanged` and `PlayerStatsUpdated` per player) and
/// later only on change. Detected events of the other kinds (round, disc, counters) are carried
/// over from ``Frame/events``.
///
/// ```swift
/// var encoder = TapeFrameEncoder(createdAt: first.timestamp)
/// let header = TapeFrameEncoder.header(for: first, captureID: "match-1")
/// for f in frames { try writer.write(encoder.encode(f)) }
/// ```
public struct TapeFrameEncoder: Sendable {
    /// The capture's `created_at`, base of every frame's millisecond offset.
    public let createdAt: Timestamp
    private var frameIndex: UInt32 = 0
    private var roster: [Int32: TapePlayerInfo] = [:]
    private var loadouts: [Int32: [String]] = [:]
    private var grabs: [Int32: [String]] = [:]
    private var counters: [Int32: [Int32]] = [:]
    private var scoreboard: [Int32]?
    private var lastScore: LastScore?
    private var roundNumber: Int32 = 0

    /// An encoder for a capture created at `createdAt`.
    public init(createdAt: Timestamp) {
        self.createdAt = createdAt
    }

    /// The header for a capture whose first frame is `first`: format 2.1, sparse encoding,
    /// `game_type` = the engine's `match_type` verbatim, session constants from `first`.
    public static func header(for first: Frame, captureID: String, metadata: [TapeMapEntry] = []) -> TapeHeader {
        var h = TapeHeader()
        let s = first.session
        h.captureID = captureID
        h.createdAt = first.timestamp
        h.formatVersion = 2
        h.formatMinor = 1
        h.frameEncoding = 1
        h.metadata = metadata
        h.gameType = s.matchType ?? ""
        var a = TapeArenaHeader()
        a.sessionID = s.sessionID ?? ""
        a.mapName = s.mapName ?? ""
        a.clientName = s.clientName ?? ""
        a.totalRoundCount = s.totalRoundCount ?? 0
        a.sessionIP = s.sessionIP ?? ""
        a.rulesChangedBy = s.rulesChangedBy ?? ""
        a.rulesChangedAt = s.rulesChangedAt ?? 0
        a.teamNames = (s.teams ?? []).map { $0.name ?? "" }
        h.echoArena = a
        return h
    }

    /// The v2 frame for `frame` (frame indices count from 0 in call order).
    public mutating func encode(_ frame: Frame) -> TapeFrame {
        let s = frame.session
        var a = TapeArenaFrame()
        a.gameStatus = TapeVocabulary.gameStatus(s.gameStatus)
        a.gameClock = Float(s.gameClock ?? 0)
        a.pauseState = TapeVocabulary.pauseState(s.pause?.pausedState)
        if let d = s.disc {
            a.disc = TapeDisc(
                pose: TapeFrameEncoder.pose(d.position, d.forward, d.left, d.up), velocity: d.velocity.map(TapeFrameEncoder.vec3),
                bounceCount: UInt32(clamping: d.bounceCount ?? 0))
        }
        var present: [Int32: (TapePlayerInfo, Player)] = [:]
        var holderSlot: Int32?
        s.forEachPlayer { teamIndex, p in
            var st = TapePlayerState()
            st.slot = p.slot ?? 0
            st.head = TapeFrameEncoder.pose(p.head)
            st.body = TapeFrameEncoder.pose(p.body)
            st.leftHand = TapeFrameEncoder.pose(p.leftHand)
            st.rightHand = TapeFrameEncoder.pose(p.rightHand)
            st.velocity = p.velocity.map(TapeFrameEncoder.vec3)
            var flags = UInt32(min(max(teamIndex, 0), 3)) << TapePlayerState.Flag.teamShift
            if p.stunned == true { flags |= TapePlayerState.Flag.stunned }
            if p.invulnerable == true { flags |= TapePlayerState.Flag.invulnerable }
            if p.blocking == true { flags |= TapePlayerState.Flag.blocking }
            if p.possession == true { flags |= TapePlayerState.Flag.possession }
            if p.isEmotePlaying == true { flags |= TapePlayerState.Flag.emotePlaying }
            st.flags = flags
            st.ping = UInt32(clamping: p.ping ?? 0)
            st.packetLossRatio = Float(p.packetLossRatio ?? 0)
            st.possessionTime = Float(p.stats?.possessionTime ?? 0)
            a.players.append(st)
            let info = TapePlayerInfo(
                slot: st.slot, accountNumber: p.userID ?? 0, displayName: p.name ?? "", role: Role(teamIndex: teamIndex).rawValue,
                jerseyNumber: p.number ?? 0, level: p.level ?? 0)
            present[st.slot] = (info, p)
        }
        if let holder = s.possession, !holder.isNobody, let teams = s.teams, Int(holder.teamIndex) < teams.count,
            let players = teams[Int(holder.teamIndex)].players, Int(holder.playerIndex) < players.count
        {
            holderSlot = players[Int(holder.playerIndex)].slot ?? 0
        }
        a.discHolderSlot = holderSlot
        if let v = s.player {
            a.vrRoot = TapeFrameEncoder.pose(v.vrPosition, v.vrForward, v.vrLeft, v.vrUp)
        }
        a.bluePoints = Int32(clamping: Int64((s.bluePoints ?? 0).rounded(.towardZero).clampedToInt64))
        a.orangePoints = Int32(clamping: Int64((s.orangePoints ?? 0).rounded(.towardZero).clampedToInt64))
        a.leftShoulderPressed = Float(s.leftShoulderPressed ?? 0)
        a.rightShoulderPressed = Float(s.rightShoulderPressed ?? 0)
        a.leftShoulderPressed2 = Float(s.leftShoulderPressed2 ?? 0)
        a.rightShoulderPressed2 = Float(s.rightShoulderPressed2 ?? 0)
        a.errCode = s.errCode ?? 0
        a.blueTeamRestartRequest = s.blueTeamRestartRequest ?? 0
        a.orangeTeamRestartRequest = s.orangeTeamRestartRequest ?? 0
        if let p = s.pause, (p.unpausedTeam ?? "none") != "none" || (p.pausedRequestedTeam ?? "none") != "none" || (p.unpausedTimer ?? 0) != 0 || (p.pausedTimer ?? 0) != 0 {
            var d = TapePauseDetail()
            d.unpausedTeam = TapeVocabulary.role(team: p.unpausedTeam)
            d.pausedRequestedTeam = TapeVocabulary.role(team: p.pausedRequestedTeam)
            d.unpausedTimer = Float(p.unpausedTimer ?? 0)
            d.pausedTimer = Float(p.pausedTimer ?? 0)
            a.pauseDetail = d
        }
        if s.payloadMultiplier != nil || s.payloadCheckpoint != nil || s.payloadDistance != nil || s.payloadDefenders != nil || s.payloadSpeed != nil {
            var p = TapePayload()
            p.multiplier = Float(s.payloadMultiplier ?? 0)
            p.checkpoint = s.payloadCheckpoint ?? 0
            p.distance = Float(s.payloadDistance ?? 0)
            p.defenders = s.payloadDefenders ?? 0
            p.speed = Float(s.payloadSpeed ?? 0)
            a.payload = p
        }
        for ub in frame.bones?.userBones ?? [] {
            a.playerBones.append(TapePlayerBones(slot: ub.slot ?? 0, transforms: ub.translations ?? [], orientations: ub.orientations ?? []))
        }

        a.events = sparseEvents(s, present)
        for e in frame.events {
            if case .roundStarted(let round) = e { roundNumber = round }
            if let t = TapeFrameEncoder.carried(e) { a.events.append(t) }
        }
        a.roundNumber = roundNumber

        let offset = (frame.timestamp.nanosecondsSinceEpoch &- createdAt.nanosecondsSinceEpoch) / 1_000_000
        let out = TapeFrame(frameIndex: frameIndex, timestampOffsetMs: UInt32(clamping: max(offset, 0)), echoArena: a)
        frameIndex &+= 1
        return out
    }

    /// Seeds at frame 0, then changes: joins, leaves, team switches, jersey/level, scoreboard,
    /// loadout, grab, stat counters, and a `GoalScored` whenever `last_score` changes.
    private mutating func sparseEvents(_ s: Session, _ present: [Int32: (TapePlayerInfo, Player)]) -> [TapeEvent] {
        var events: [TapeEvent] = []
        var perPlayer: [TapeEvent] = []
        for slot in roster.keys.sorted() where present[slot] == nil || present[slot]!.0.accountNumber != roster[slot]!.accountNumber {
            events.append(.playerLeft(slot: slot, displayName: roster[slot]!.displayName))
            roster[slot] = nil
        }
        for slot in present.keys.sorted() {
            let (info, p) = present[slot]!
            if let old = roster[slot] {
                if old.role != info.role { events.append(.playerSwitchedTeam(slot: slot, newRole: info.role, previousRole: old.role)) }
                if old.jerseyNumber != info.jerseyNumber || old.level != info.level {
                    events.append(.playerInfoUpdated(slot: slot, jerseyNumber: info.jerseyNumber, level: info.level))
                }
                if old.displayName != info.displayName { events.append(.playerJoined(info)) }
            } else {
                events.append(.playerJoined(info))
            }
            roster[slot] = info
            let loadout = [p.weapon ?? "", p.ordnance ?? "", p.tacMod ?? ""]
            if loadouts[slot] != loadout {
                perPlayer.append(.loadoutChanged(slot: slot, weapon: loadout[0], ordnance: loadout[1], tacMod: loadout[2]))
                loadouts[slot] = loadout
            }
            let grab = [p.holdingLeft ?? "", p.holdingRight ?? ""]
            if grabs[slot] != grab {
                perPlayer.append(.grabChanged(slot: slot, leftHolding: grab[0], rightHolding: grab[1]))
                grabs[slot] = grab
            }
            let st = p.stats ?? Stats()
            let c: [Int32] = [st.points, st.saves, st.goals, st.stuns, st.passes, st.catches, st.steals, st.blocks, st.interceptions, st.assists, st.shotsTaken].map { $0 ?? 0 }
            if counters[slot] != c {
                perPlayer.append(.playerStatsUpdated(slot: slot, counters: c))
                counters[slot] = c
            }
        }
        let board: [Int32] = [
            Int32(clamping: Int64((s.bluePoints ?? 0).rounded(.towardZero).clampedToInt64)),
            Int32(clamping: Int64((s.orangePoints ?? 0).rounded(.towardZero).clampedToInt64)),
            s.blueRoundScore ?? 0, s.orangeRoundScore ?? 0,
        ]
        if scoreboard != board {
            events.append(.scoreboardUpdated(
                bluePoints: board[0], orangePoints: board[1], blueRoundScore: board[2], orangeRoundScore: board[3],
                gameClockDisplay: s.gameClockDisplay ?? TapeVocabulary.clockDisplay(Float(s.gameClock ?? 0))))
            scoreboard = board
        }
        events += perPlayer
        if let ls = s.lastScore {
            // Not seeded: a pre-capture last_score is a documented hole, not a goal in this capture.
            if let previous = lastScore, previous != ls {
                var g = TapeGoal()
                g.discSpeed = Float(ls.discSpeed ?? 0)
                g.team = TapeVocabulary.role(team: ls.team)
                g.goalType = TapeVocabulary.goalType(ls.goalType)
                g.pointAmount = ls.pointAmount ?? 0
                g.distanceThrown = Float(ls.distanceThrown ?? 0)
                g.personScored = ls.personScored ?? ""
                g.assistScored = ls.assistScored ?? ""
                g.scorerSlot = present.values.first { $0.0.displayName == g.personScored }?.0.slot ?? -1
                g.assistSlot = present.values.first { $0.0.displayName == g.assistScored }?.0.slot
                events.append(.goalScored(g))
            }
            lastScore = ls
        }
        return events
    }

    /// Detected events of kinds outside the sparse tier, as v2 events (`nil`: kept by the tier).
    static func carried(_ e: Event) -> TapeEvent? {
        switch e {
        case .roundStarted(let round): return .roundStarted(roundNumber: round)
        case .roundPaused(let p):
            return .roundPaused(pauseState: TapeVocabulary.pauseState(p.pausedState), requestingTeam: TapeVocabulary.role(team: p.pausedRequestedTeam), pauseTimer: Float(p.pausedTimer ?? 0))
        case .roundUnpaused(let p): return .roundUnpaused(pauseState: TapeVocabulary.pauseState(p.pausedState))
        case .roundEnded(let round, let team): return .roundEnded(roundNumber: round, winningTeam: team.rawValue)
        case .matchEnded(let team): return .matchEnded(winningTeam: team.rawValue)
        case .emotePlayed(let slot, let emote): return .emotePlayed(slot: slot, emote: emote.rawValue)
        case .discPossessionChanged(let slot, let previous):
            return .discPossessionChanged(slot: slot >= 0 ? slot : nil, previousSlot: previous >= 0 ? previous : nil)
        case .discThrown(let slot, let t):
            let details: [Float]? = t.map { t in
                [t.armSpeed, t.totalSpeed, t.offAxisSpinDeg, t.wristThrowPenalty, t.rotPerSec, t.potSpeedFromRot, t.speedFromArm,
                 t.speedFromMovement, t.speedFromWrist, t.wristAlignToThrowDeg, t.throwAlignToMovementDeg, t.offAxisPenalty,
                 t.throwMovePenalty].map { Float($0 ?? 0) }
            }
            return .discThrown(slot: slot, details: details)
        case .discCaught(let slot): return .discCaught(slot: slot)
        case .playerGoal(let slot, let total, let points): return .playerGoal(slot: slot, totalGoals: total, points: points)
        case .playerSave(let slot, let total): return .playerCounter(field: 50, slot: slot, total: total, victimSlot: nil)
        case .playerStun(let slot, let total): return .playerCounter(field: 51, slot: slot, total: total, victimSlot: nil)
        case .playerPass(let slot, let total): return .playerCounter(field: 52, slot: slot, total: total, victimSlot: nil)
        case .playerSteal(let slot, let total, let victim):
            return .playerCounter(field: 53, slot: slot, total: total, victimSlot: victim >= 0 ? victim : nil)
        case .playerBlock(let slot, let total): return .playerCounter(field: 54, slot: slot, total: total, victimSlot: nil)
        case .playerInterception(let slot, let total): return .playerCounter(field: 55, slot: slot, total: total, victimSlot: nil)
        case .playerAssist(let slot, let total): return .playerCounter(field: 56, slot: slot, total: total, victimSlot: nil)
        case .playerShotTaken(let slot, let total): return .playerCounter(field: 57, slot: slot, total: total, victimSlot: nil)
        case .generic(let type, let data, let payload):
            return .generic(eventType: type, data: data.map { TapeMapEntry(key: $0.key, value: $0.value) }, payload: payload)
        case .scoreboardUpdated, .playerJoined, .playerLeft, .playerSwitchedTeam, .goalScored, .unknown:
            return nil
        }
    }

    static func vec3(_ v: Vector3) -> TapeVec3 { TapeVec3(Float(v.x), Float(v.y), Float(v.z)) }

    static func pose(_ p: Pose?) -> TapePose? {
        guard let p else { return nil }
        return pose(p.position, p.forward, p.left, p.up)
    }

    static func pose(_ position: Vector3?, _ forward: Vector3?, _ left: Vector3?, _ up: Vector3?) -> TapePose? {
        var out = TapePose()
        out.position = position.map(vec3)
        if let forward, let left, let up { out.orientation = TapeOrientation.quaternion(forward: forward, left: left, up: up) }
        return out.position == nil && out.orientation == nil ? nil : out
    }
}

extension Double {
    /// The value as an `Int64`, NaN as 0 and out-of-range values clamped (never a trap).
    var clampedToInt64: Int64 {
        guard isFinite else { return isNaN ? 0 : (self > 0 ? .max : .min) }
        if self >= 9.2e18 { return .max }
        if self <= -9.2e18 { return .min }
        return Int64(self)
    }
}
