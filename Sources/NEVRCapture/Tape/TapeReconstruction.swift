import NEVRCore

/// Rebuilds the engine's `/session` (and `/player_bones`) from telemetry v2 frames the way
/// tape's reconstruction does (`tape.md` §6): events are replayed once (roster from
/// `initial_roster` + joins/leaves/switches/info updates, loadout, grab, stat counters,
/// scoreboard, last goal), session constants come from the header, per-frame scalars from the
/// frame, and the rest is derived (`game_clock_display`, teams grouped by flags bits 5–6,
/// `possession`, player and team `stats`, `pause`, orientation vectors from quaternions).
///
/// Not rebuilt (`tape.md` §7): `last_throw` (the engine reports only the local player's),
/// exact orientation vectors (an orthonormal basis comes back), Combat `contested`,
/// `last_score` before the first goal in the capture (the engine default is used).
public struct TapeReconstruction: Sendable {
    /// The capture header the session constants come from.
    public let header: TapeHeader
    private var roster: [Int32: TapePlayerInfo] = [:]
    private var loadouts: [Int32: (String, String, String)] = [:]
    private var grabs: [Int32: (String, String)] = [:]
    private var counters: [Int32: [Int32]] = [:]
    private var roundScores: (Int32, Int32) = (0, 0)
    private var lastGoal: TapeGoal?
    private let base: Session

    /// Starts from the header's initial roster.
    public init(header: TapeHeader) {
        self.header = header
        for p in header.echoArena?.initialRoster ?? [] { roster[p.slot] = p }
        base = TapeReconstruction.constants(header)
    }

    /// Session constants from the header.
    static func constants(_ h: TapeHeader) -> Session {
        var s = Session()
        let a = h.echoArena ?? TapeArenaHeader()
        s.sessionID = a.sessionID
        s.sessionIP = a.sessionIP
        s.clientName = a.clientName
        s.mapName = a.mapName
        if !h.gameType.isEmpty {
            s.matchType = h.gameType
            (s.privateMatch, s.tournamentMatch) = TapeVocabulary.flags(gameType: h.gameType)
        } else {
            s.matchType = TapeVocabulary.matchType(a.matchType) ?? ""
            s.privateMatch = a.privateMatch
            s.tournamentMatch = a.tournamentMatch
        }
        s.totalRoundCount = a.totalRoundCount
        if !a.rulesChangedBy.isEmpty {
            s.rulesChangedBy = a.rulesChangedBy
            s.rulesChangedAt = a.rulesChangedAt
        }
        return s
    }

    /// Replays `events` into the state (what ``frame(_:)`` does before building).
    public mutating func apply(_ events: [TapeEvent]) {
        for e in events {
            switch e {
            case .playerJoined(let info): roster[info.slot] = info
            case .playerLeft(let slot, _): roster[slot] = nil
            case .playerSwitchedTeam(let slot, let role, _): roster[slot]?.role = role
            case .playerInfoUpdated(let slot, let jersey, let level):
                roster[slot]?.jerseyNumber = jersey
                roster[slot]?.level = level
            case .loadoutChanged(let slot, let w, let o, let t): loadouts[slot] = (w, o, t)
            case .grabChanged(let slot, let l, let r): grabs[slot] = (l, r)
            case .playerStatsUpdated(let slot, let c): counters[slot] = c
            case .scoreboardUpdated(_, _, let b, let o, _): roundScores = (b, o)
            case .goalScored(let g): lastGoal = g
            default: break
            }
        }
    }

    /// The typed frame for `f` (events replayed first).
    public mutating func frame(_ f: TapeFrame) -> Frame {
        let a = f.echoArena ?? TapeArenaFrame()
        apply(a.events)
        var s = base
        s.gameStatus = TapeVocabulary.gameStatus(a.gameStatus)
        s.gameClock = Double(a.gameClock)
        s.gameClockDisplay = TapeVocabulary.clockDisplay(a.gameClock)
        s.bluePoints = Double(a.bluePoints)
        s.orangePoints = Double(a.orangePoints)
        s.blueRoundScore = roundScores.0
        s.orangeRoundScore = roundScores.1
        s.blueTeamRestartRequest = a.blueTeamRestartRequest
        s.orangeTeamRestartRequest = a.orangeTeamRestartRequest
        s.leftShoulderPressed = Double(a.leftShoulderPressed)
        s.rightShoulderPressed = Double(a.rightShoulderPressed)
        s.leftShoulderPressed2 = Double(a.leftShoulderPressed2)
        s.rightShoulderPressed2 = Double(a.rightShoulderPressed2)
        s.errCode = a.errCode
        if let v = a.vrRoot {
            let (position, forward, left, up) = TapeReconstruction.vectors(v)
            s.player = PlayspacePose(vrLeft: left, vrPosition: position, vrForward: forward, vrUp: up)
        }
        if let d = a.disc {
            var disc = Disc()
            if let p = d.pose { (disc.position, disc.forward, disc.left, disc.up) = TapeReconstruction.vectors(p) }
            disc.velocity = d.velocity.map(TapeReconstruction.vector)
            disc.bounceCount = Int32(clamping: d.bounceCount)
            s.disc = disc
        }
        if let state = TapeVocabulary.pauseState(a.pauseState) {
            let d = a.pauseDetail ?? TapePauseDetail()
            s.pause = PauseState(
                pausedState: state, unpausedTeam: TapeVocabulary.team(role: d.unpausedTeam),
                pausedRequestedTeam: TapeVocabulary.team(role: d.pausedRequestedTeam),
                unpausedTimer: Double(d.unpausedTimer), pausedTimer: Double(d.pausedTimer))
        }
        let g = lastGoal
        s.lastScore = LastScore(
            discSpeed: Double(g?.discSpeed ?? 0), team: TapeVocabulary.team(role: g?.team ?? 0),
            goalType: g.map { TapeVocabulary.goalType($0.goalType) } ?? "[NO GOAL]", pointAmount: g?.pointAmount ?? 0,
            distanceThrown: Double(g?.distanceThrown ?? 0), personScored: g.map { $0.personScored } ?? "[INVALID]",
            assistScored: g.map { $0.assistScored } ?? "[INVALID]")
        if let p = a.payload {
            s.payloadMultiplier = Double(p.multiplier)
            s.payloadCheckpoint = p.checkpoint
            s.payloadDistance = Double(p.distance)
            s.payloadDefenders = p.defenders
            s.payloadSpeed = Double(p.speed)
        }
        buildTeams(a, &s)

        var bones: PlayerBones?
        if !a.playerBones.isEmpty {
            bones = PlayerBones(
                userBones: a.playerBones.map { UserBones(slot: $0.slot, translations: $0.transforms, orientations: $0.orientations) },
                errCode: 0)
        }
        let created = header.createdAt ?? Timestamp(nanosecondsSinceEpoch: 0)
        let stamp = Timestamp(nanosecondsSinceEpoch: created.nanosecondsSinceEpoch &+ Int64(f.timestampOffsetMs) &* 1_000_000)
        return Frame(index: f.frameIndex, timestamp: stamp, session: s, bones: bones, events: a.events.compactMap(TapeReconstruction.event))
    }

    private func buildTeams(_ a: TapeArenaFrame, _ s: inout Session) {
        let names = header.echoArena?.teamNames ?? []
        var maxTeam = names.count - 1
        for p in a.players { maxTeam = max(maxTeam, p.teamIndex) }
        guard maxTeam >= 0 else { return }
        var teams = (0...maxTeam).map { i in Team(name: i < names.count ? names[i] : TapeReconstruction.defaultTeamName(i), possession: false) }
        var holder = DiscHolder.nobody
        for st in a.players {
            let t = st.teamIndex
            let info = roster[st.slot]
            var p = Player()
            p.name = info?.displayName ?? ""
            p.slot = st.slot
            p.userID = info?.accountNumber ?? 0
            p.number = info?.jerseyNumber ?? 0
            p.level = info?.level ?? 0
            p.ping = Int32(clamping: st.ping)
            p.packetLossRatio = Double(st.packetLossRatio)
            p.stunned = st.flags & TapePlayerState.Flag.stunned != 0
            p.invulnerable = st.flags & TapePlayerState.Flag.invulnerable != 0
            p.blocking = st.flags & TapePlayerState.Flag.blocking != 0
            p.possession = st.flags & TapePlayerState.Flag.possession != 0
            p.isEmotePlaying = st.flags & TapePlayerState.Flag.emotePlaying != 0
            let grab = grabs[st.slot] ?? ("none", "none")
            p.holdingLeft = grab.0
            p.holdingRight = grab.1
            p.head = TapeReconstruction.pose(st.head)
            p.body = TapeReconstruction.pose(st.body)
            p.leftHand = TapeReconstruction.pose(st.leftHand)
            p.rightHand = TapeReconstruction.pose(st.rightHand)
            p.velocity = st.velocity.map(TapeReconstruction.vector)
            let c = counters[st.slot] ?? Array(repeating: 0, count: 11)
            p.stats = Stats(
                possessionTime: Double(st.possessionTime), points: c[0], saves: c[1], goals: c[2], stuns: c[3], passes: c[4],
                catches: c[5], steals: c[6], blocks: c[7], interceptions: c[8], assists: c[9], shotsTaken: c[10])
            if let l = loadouts[st.slot] {
                if !l.0.isEmpty { p.weapon = l.0 }
                if !l.1.isEmpty { p.ordnance = l.1 }
                if !l.2.isEmpty { p.tacMod = l.2 }
            }
            let index = teams[t].players?.count ?? 0
            teams[t].players = (teams[t].players ?? []) + [p]
            let holds = a.discHolderSlot.map { $0 == st.slot } ?? p.possession!
            if holds {
                teams[t].possession = true
                if holder.isNobody { holder = DiscHolder(teamIndex: Int32(t), playerIndex: Int32(index)) }
            }
        }
        for i in teams.indices {
            guard let players = teams[i].players else { continue }
            teams[i].stats = TapeReconstruction.sum(players.compactMap(\.stats))
        }
        s.teams = teams
        s.possession = holder
    }

    static func defaultTeamName(_ i: Int) -> String {
        switch i {
        case 0: "BLUE TEAM"
        case 1: "ORANGE TEAM"
        default: "SPECTATORS"
        }
    }

    /// Team stats = the sum of its players' (engine behaviour, exact on real frames).
    static func sum(_ all: [Stats]) -> Stats {
        var t = Stats(possessionTime: 0, points: 0, saves: 0, goals: 0, stuns: 0, passes: 0, catches: 0, steals: 0, blocks: 0, interceptions: 0, assists: 0, shotsTaken: 0)
        var time: Float = 0
        for s in all {
            time += Float(s.possessionTime ?? 0)
            t.points! &+= s.points ?? 0
            t.saves! &+= s.saves ?? 0
            t.goals! &+= s.goals ?? 0
            t.stuns! &+= s.stuns ?? 0
            t.passes! &+= s.passes ?? 0
            t.catches! &+= s.catches ?? 0
            t.steals! &+= s.steals ?? 0
            t.blocks! &+= s.blocks ?? 0
            t.interceptions! &+= s.interceptions ?? 0
            t.assists! &+= s.assists ?? 0
            t.shotsTaken! &+= s.shotsTaken ?? 0
        }
        t.possessionTime = Double(time)
        return t
    }

    static func vector(_ v: TapeVec3) -> Vector3 { Vector3(Double(v.x), Double(v.y), Double(v.z)) }

    /// Position and the three axes, narrowed to float32 as the engine prints them.
    static func vectors(_ p: TapePose) -> (Vector3?, Vector3?, Vector3?, Vector3?) {
        let position = p.position.map(vector)
        guard let q = p.orientation else { return (position, nil, nil, nil) }
        let (f, l, u) = TapeOrientation.axes(q)
        func narrow(_ v: Vector3) -> Vector3 { Vector3(Double(Float(v.x)), Double(Float(v.y)), Double(Float(v.z))) }
        return (position, narrow(f), narrow(l), narrow(u))
    }

    static func pose(_ p: TapePose?) -> Pose? {
        guard let p else { return nil }
        let (position, f, l, u) = vectors(p)
        return Pose(position: position, forward: f, left: l, up: u)
    }

    /// The NEVR event for a v2 event (`nil` for the sparse-tier kinds NEVR has no case for:
    /// loadout, grab, info and stats updates, which only feed the reconstruction).
    static func event(_ e: TapeEvent) -> Event? {
        func role(_ v: Int32) -> Role { Role(rawValue: v) ?? .unspecified }
        switch e {
        case .roundStarted(let r): return .roundStarted(roundNumber: r)
        case .roundPaused(let state, let team, let timer):
            return .roundPaused(PauseState(pausedState: TapeVocabulary.pauseState(state), pausedRequestedTeam: TapeVocabulary.team(role: team), pausedTimer: Double(timer)))
        case .roundUnpaused(let state): return .roundUnpaused(PauseState(pausedState: TapeVocabulary.pauseState(state)))
        case .roundEnded(let r, let team): return .roundEnded(roundNumber: r, winningTeam: role(team))
        case .matchEnded(let team): return .matchEnded(winningTeam: role(team))
        case .scoreboardUpdated(let b, let o, let br, let or, let display):
            return .scoreboardUpdated(.init(bluePoints: b, orangePoints: o, blueRoundScore: br, orangeRoundScore: or, gameClockDisplay: display))
        case .playerJoined(let i):
            return .playerJoined(player: Player(name: i.displayName, slot: i.slot, userID: i.accountNumber, number: i.jerseyNumber, level: i.level), role: role(i.role))
        case .playerLeft(let slot, let name): return .playerLeft(slot: slot, displayName: name)
        case .playerSwitchedTeam(let slot, let new, let old): return .playerSwitchedTeam(slot: slot, newRole: role(new), previousRole: role(old))
        case .emotePlayed(let slot, let emote): return .emotePlayed(slot: slot, emote: Event.EmoteType(rawValue: emote) ?? .unspecified)
        case .discPossessionChanged(let slot, let previous): return .discPossessionChanged(slot: slot ?? -1, previousSlot: previous ?? -1)
        case .discThrown(let slot, let d):
            let t = d.map { d -> LastThrow in
                let v = d.map { Double($0) } + Array(repeating: 0, count: max(0, 13 - d.count))
                return LastThrow(
                    armSpeed: v[0], totalSpeed: v[1], offAxisSpinDeg: v[2], wristThrowPenalty: v[3], rotPerSec: v[4], potSpeedFromRot: v[5],
                    speedFromArm: v[6], speedFromMovement: v[7], speedFromWrist: v[8], wristAlignToThrowDeg: v[9],
                    throwAlignToMovementDeg: v[10], offAxisPenalty: v[11], throwMovePenalty: v[12])
            }
            return .discThrown(slot: slot, details: t)
        case .discCaught(let slot): return .discCaught(slot: slot)
        case .goalScored(let g):
            return .goalScored(LastScore(
                discSpeed: Double(g.discSpeed), team: TapeVocabulary.team(role: g.team), goalType: TapeVocabulary.goalType(g.goalType),
                pointAmount: g.pointAmount, distanceThrown: Double(g.distanceThrown), personScored: g.personScored, assistScored: g.assistScored))
        case .playerGoal(let slot, let total, let points): return .playerGoal(slot: slot, totalGoals: total, points: points)
        case .playerCounter(let field, let slot, let total, let victim):
            switch field {
            case 50: return .playerSave(slot: slot, total: total)
            case 51: return .playerStun(slot: slot, total: total)
            case 52: return .playerPass(slot: slot, total: total)
            case 53: return .playerSteal(slot: slot, total: total, victimSlot: victim ?? -1)
            case 54: return .playerBlock(slot: slot, total: total)
            case 55: return .playerInterception(slot: slot, total: total)
            case 56: return .playerAssist(slot: slot, total: total)
            default: return .playerShotTaken(slot: slot, total: total)
            }
        case .generic(let type, let data, let payload):
            return .generic(eventType: type, data: data.map { Event.MapEntry(key: $0.key, value: $0.value) }, payload: payload)
        case .unknown(let field, let payload): return .unknown(fieldNumber: field, payload: payload)
        case .loadoutChanged, .grabChanged, .playerInfoUpdated, .playerStatsUpdated: return nil
        }
    }
}
