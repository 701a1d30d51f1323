import Foundation
import NEVRCore

/// Everything the overlay servers answer from, built frame by frame from the normal
/// processed-frame stream (typed ``Frame`` with its core events plus the raw bodies).
///
/// A value type with no I/O: ``ingest(_:sessionJSON:bonesJSON:now:)`` returns the Spark
/// WebSocket messages the frame causes, and the `spark*` accessors compute Spark's JSON
/// documents. Every collection is bounded (see ``Limits``); what did not fit is counted in
/// ``overflow``, never silently lost.
///
/// ```swift
/// var state = OverlayState()
/// var processor = FrameProcessor()
/// let frame = try processor.process(session: bytes, bones: nil, timestamp: t)
/// for message in state.ingest(frame, sessionJSON: bytes, bonesJSON: nil, now: 0) { print(message.wireText) }
/// print(state.sparkStats().text)
/// ```
public struct OverlayState: Sendable {
    /// Bounds on what the state keeps.
    public struct Limits: Sendable {
        /// Players remembered per round (a lobby has at most 16 slots; rejoins add entries).
        public var players = 64
        /// Goals kept per round.
        public var goals = 256
        /// Jousts kept per round.
        public var jousts = 256
        /// Earlier rounds of the match kept besides the current one (Spark's `/stats` covers
        /// the current round and up to 20 previous ones).
        public var previousRounds = 20
        /// Disc samples for `/disc_positions` (every 5th `playing` frame).
        public var discPositions = 20_000
        /// 64 players, 256 goals and 256 jousts per round, 20 previous rounds, 20,000 disc samples.
        public init() {}
    }

    /// What did not fit into the bounds (or could not be paired), by reason.
    public struct Overflow: Sendable, Equatable {
        /// Players beyond ``Limits/players``.
        public var playersIgnored = 0
        /// Oldest goals dropped beyond ``Limits/goals``.
        public var goalsForgotten = 0
        /// Oldest jousts dropped beyond ``Limits/jousts``.
        public var joustsForgotten = 0
        /// Oldest disc samples dropped beyond ``Limits/discPositions``.
        public var discPositionsForgotten = 0
        /// Stuns whose victim was not seen within Spark's 4-second pairing window.
        public var unpairedStuns = 0
        /// Oldest rounds of the match dropped beyond ``Limits/previousRounds``.
        public var roundsForgotten = 0
    }

    /// Bounds on what the state keeps.
    public let limits: Limits
    /// What did not fit into ``limits`` so far.
    public private(set) var overflow = Overflow()
    /// The last game frame's `/session` body (nil when not in a match).
    public private(set) var sessionJSON: [UInt8]?
    /// The last game frame's `/player_bones` body, when recorded.
    public private(set) var bonesJSON: [UInt8]?
    /// The last game frame, typed.
    public private(set) var frame: Frame?
    /// The current match (`sessionid`) and when its first frame was seen.
    public private(set) var sessionID: String?
    /// When the current match's first frame was seen.
    public private(set) var matchStart: Timestamp?
    /// Earlier rounds of this match, oldest first (at most ``Limits/previousRounds``).
    public private(set) var previousRounds: [SparkRound] = []
    /// The round being played.
    public private(set) var currentRound = SparkRound()
    /// The rounds `/stats` covers: ``previousRounds`` and the ``currentRound`` (last). Never empty.
    public var rounds: [SparkRound] { previousRounds + [currentRound] }
    /// Per-player records over ``rounds`` as `/stats` reports them (summed per player and
    /// team), in order of first appearance.
    public var players: [SparkPlayerRecord] { rounds.mergedPlayers }
    /// Goals of ``rounds`` as `/stats` lists them (Spark's keys), oldest first.
    public var goals: [SparkJSON] { rounds.flatMap(\.goals) }
    /// Jousts of ``rounds`` as `/stats` lists them, oldest first.
    public var jousts: [SparkJSON] { rounds.flatMap(\.jousts) }
    private var discRing: [Vector3] = []
    private var discRingStart = 0
    private var playingFrames = 0
    /// Discs of the last three game frames (a goal's disc is taken two frames back, as Spark does).
    private var recentDiscs: [Disc?] = []
    /// Game clock at which each slot was last seen becoming stunned.
    private var stunnedAt: [Int32: Double] = [:]
    private var pendingStuns: [(slot: Int32, clock: Double, frame: Frame)] = []
    private var limiters: [(type: SparkEventType, limiter: FrameRateLimiter)] = SparkEventType.allCases.compactMap { t in
        t.framePeriod.map { (type: t, limiter: FrameRateLimiter(period: $0)) }
    }

    /// An empty state (no match yet).
    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    // MARK: ingesting

    /// Takes one processed frame with the bodies it came from; returns the Spark messages it causes,
    /// in order: `joined_game` (a new match), events, then the due rate-limited frames.
    /// `now` is a monotonic time in seconds used only for the `frame_*` rate limits.
    public mutating func ingest(_ frame: Frame, sessionJSON: [UInt8], bonesJSON: [UInt8]?, now: Double) -> [SparkMessage] {
        var out: [SparkMessage] = []
        let session = frame.session
        guard session.isGameFrame else { return out }
        if session.sessionID != sessionID || matchStart == nil {
            startMatch(session.sessionID, at: frame.timestamp)
            out.append(SparkMessage(type: .joinedGame, payload: sessionJSON))
        } else if self.sessionJSON == nil {
            // Back in the same match after leaving it (the game answered "no match" for a while).
            out.append(SparkMessage(type: .joinedGame, payload: sessionJSON))
        }
        let previous = self.frame
        var playingSeconds = 0.0
        if let p = previous?.session, p.gameStatus == "playing", session.gameStatus == "playing",
            let c0 = p.gameClock, let c1 = session.gameClock
        {
            let dt = c0 - c1
            if dt > 0, dt < 1 { playingSeconds = dt }
        }
        for event in frame.events {
            if case .roundStarted(let n) = event { beginRound(n) }
        }
        updatePlayers(session, playingSeconds: playingSeconds)
        if session.gameStatus == "playing" {
            currentRound.sawPlay = true
            playingFrames += 1
            if playingFrames % 5 == 1, let p = session.disc?.position { addDiscPosition(p) }
        }
        recentDiscs.append(session.disc)
        if recentDiscs.count > 3 { recentDiscs.removeFirst() }
        noteStunned(previous: previous?.session, session)

        self.frame = frame
        self.sessionJSON = sessionJSON
        self.bonesJSON = bonesJSON
        // A throw confirmed in the frame that also reports its goal comes after the goal in the
        // stream (derived events follow the stat events): note throws first.
        for case .derived(.throwDetails(let t)) in frame.events {
            if let i = recordIndex(slot: t.slot) { currentRound.players[i].lastThrow = t }
        }
        for event in frame.events { messages(for: event, in: frame, into: &out) }
        expireStuns(clock: session.gameClock, into: &out)

        for i in limiters.indices {
            if limiters[i].limiter.admit(now: now) { out.append(SparkMessage(type: limiters[i].type, payload: sessionJSON)) }
        }
        return out
    }

    /// The source left the match (the game answers "no match", the hub's stream ended):
    /// returns `left_game` with the last frame, and forgets the live frame.
    public mutating func leaveMatch() -> [SparkMessage] {
        guard let last = sessionJSON else { return [] }
        sessionJSON = nil
        bonesJSON = nil
        return [SparkMessage(type: .leftGame, payload: last)]
    }

    private mutating func startMatch(_ id: String?, at t: Timestamp) {
        sessionID = id
        matchStart = t
        previousRounds = []
        currentRound = SparkRound()
        discRing = []
        discRingStart = 0
        playingFrames = 0
        recentDiscs = []
        stunnedAt = [:]
        pendingStuns = []
        frame = nil
    }

    /// A new round (the core stream's `round_started`): the current one becomes a previous
    /// round, unless nothing was played in it yet (the frames before the first round's play
    /// belong to that round). Keeps at most ``Limits/previousRounds`` previous rounds.
    private mutating func beginRound(_ number: Int32) {
        guard currentRound.sawPlay else {
            currentRound.number = number
            return
        }
        previousRounds.append(currentRound)
        currentRound = SparkRound(number: number)
        let excess = previousRounds.count - max(0, limits.previousRounds)
        if excess > 0 {
            previousRounds.removeFirst(excess)
            overflow.roundsForgotten += excess
        }
    }

    private mutating func updatePlayers(_ session: Session, playingSeconds: Double) {
        session.forEachPlayer { teamIndex, player in
            if let i = recordIndex(player) {
                currentRound.players[i].update(player, teamIndex: teamIndex, playingSeconds: playingSeconds)
            } else if currentRound.players.count < limits.players {
                var r = SparkPlayerRecord(player: player, teamIndex: teamIndex)
                // The round's share starts from the counters the player ended the last round with.
                if let earlier = previousRounds.last(where: { $0.players.contains { Self.matches($0, player) } }),
                   let before = earlier.players.last(where: { Self.matches($0, player) }) {
                    r.baseline = before.stats
                }
                r.update(player, teamIndex: teamIndex, playingSeconds: 0)
                currentRound.players.append(r)
            } else {
                overflow.playersIgnored += 1
            }
        }
    }

    /// Players are the same person when the userid matches (else the name: old builds have no userid).
    private static func matches(_ record: SparkPlayerRecord, _ player: Player) -> Bool {
        if let id = player.userID { return record.userID == id }
        return record.userID == nil && record.name == (player.name ?? "")
    }

    private func recordIndex(_ player: Player) -> Int? {
        currentRound.players.firstIndex { Self.matches($0, player) }
    }

    private func recordIndex(slot: Int32) -> Int? {
        guard let session = frame?.session else { return nil }
        var found: Player?
        session.forEachPlayer { _, p in if p.slot == slot { found = p } }
        return found.flatMap { recordIndex($0) }
    }

    private mutating func addDiscPosition(_ p: Vector3) {
        if discRing.count < limits.discPositions {
            discRing.append(p)
        } else if limits.discPositions > 0 {
            discRing[discRingStart] = p
            discRingStart = (discRingStart + 1) % limits.discPositions
            overflow.discPositionsForgotten += 1
        }
    }

    private mutating func noteStunned(previous: Session?, _ session: Session) {
        guard let previous, let clock = session.gameClock else { return }
        var before: [Int32: Bool] = [:]
        previous.forEachPlayer { _, p in if let s = p.slot { before[s] = p.stunned ?? false } }
        session.forEachPlayer { _, p in
            guard let s = p.slot, p.stunned == true, before[s] == false else { return }
            stunnedAt[s] = clock
        }
    }

    // MARK: events -> Spark messages

    private mutating func messages(for event: Event, in frame: Frame, into out: inout [SparkMessage]) {
        let session = frame.session
        switch event {
        case .goalScored(let score):
            let goal = goalDictionary(score, frame: frame)
            append(goal, to: &currentRound.goals, limit: limits.goals, forgotten: &overflow.goalsForgotten)
            out.append(SparkMessage(type: .goal, payload: goal.bytes))
        case .playerGoal(let slot, _, let points):
            if let i = recordIndex(slot: slot) {
                if points == 3 { currentRound.players[i].threePointers += 1 } else if points == 2 { currentRound.players[i].twoPointers += 1 }
            }
        case .playerStun(let slot, _):
            pendingStuns.append((slot, session.gameClock ?? 0, frame))
            pairStuns(into: &out)
        case .playerSave(let slot, _):
            out.append(SparkMessage(type: .save, payload: playerEvent("save", slot: slot, frame: frame).bytes))
        case .playerSteal(let slot, _, _):
            out.append(SparkMessage(type: .steal, payload: playerEvent("steal", slot: slot, frame: frame).bytes))
        case .roundPaused(let p), .roundUnpaused(let p):
            out.append(SparkMessage(type: .pause, payload: Self.pauseObject(p).bytes))
        case .roundEnded(_, let winner):
            let team = winner == .blueTeam ? 0 : winner == .orangeTeam ? 1 : -1
            for i in currentRound.players.indices where currentRound.players[i].teamIndex == team { currentRound.players[i].wins += 1 }
        default:
            derivedEvent(event, frame: frame, into: &out)
        }
        let message = SparkEventLog.message(for: event, in: session)
        out.append(SparkMessage(type: .eventLog, payload: SparkJSON.object([("message", .string(message))]).bytes))
    }

    /// The core stream's derived (Spark-style) events: playspace abuses are counted per player,
    /// each player's last confirmed throw is kept for the goal it may score, jousts go out as
    /// `joust` with Spark's keys. A generic event named like a joust or a playspace abuse (a
    /// capture written by other tools) is read through its JSON.
    private mutating func derivedEvent(_ event: Event, frame: Frame, into out: inout [SparkMessage]) {
        switch event {
        case .derived(.playspaceAbuse(let p)):
            if let i = recordIndex(slot: p.slot) { currentRound.players[i].playspaceAbuses += 1 }
            return
        case .derived(.throwDetails):
            return  // noted before the frame's other events (ingest)
        case .derived(.joust), .generic:
            break
        default:
            return
        }
        let name = event.kind == .genericEvent ? Self.genericType(event) : event.kind.name
        guard name.contains("joust") || name.contains("playspace") else { return }
        let fields = SparkEventFields(EventJSON.line(for: event, frameIndex: frame.index, timestamp: frame.timestamp))
        if name.contains("playspace") {
            if let slot = fields.int("player_slot"), let i = recordIndex(slot: Int32(clamping: slot)) { currentRound.players[i].playspaceAbuses += 1 }
            return
        }
        let joust = SparkJoust.dictionary(fields: fields, kind: name, session: frame.session)
        append(joust, to: &currentRound.jousts, limit: limits.jousts, forgotten: &overflow.joustsForgotten)
        out.append(SparkMessage(type: .joust, payload: joust.bytes))
    }

    private static func genericType(_ event: Event) -> String {
        if case .generic(let type, _, _) = event { return type }
        return ""
    }

    private func append(_ item: SparkJSON, to list: inout [SparkJSON], limit: Int, forgotten: inout Int) {
        list.append(item)
        if list.count > limit {
            list.removeFirst(list.count - limit)
            forgotten += 1
        }
    }

    // MARK: stun pairing (Spark: stunner and stunnee within 4 s of game clock, different players)

    private mutating func pairStuns(into out: inout [SparkMessage]) {
        var remaining: [(slot: Int32, clock: Double, frame: Frame)] = []
        for stun in pendingStuns {
            let victim = stunnedAt.filter { $0.key != stun.slot && abs($0.value - stun.clock) <= 4 }
                .min { abs($0.value - stun.clock) < abs($1.value - stun.clock) }
            if let victim {
                stunnedAt.removeValue(forKey: victim.key)
                out.append(SparkMessage(type: .stun, payload: stunDictionary(stunner: stun.slot, victim: victim.key, frame: stun.frame).bytes))
            } else {
                remaining.append(stun)
            }
        }
        pendingStuns = remaining
    }

    /// Pairs stunners still waiting with victims seen since, then forgets both halves older
    /// than the window (an unmatched stunner is counted in ``Overflow/unpairedStuns``).
    private mutating func expireStuns(clock: Double?, into out: inout [SparkMessage]) {
        guard let clock else { return }
        if !pendingStuns.isEmpty { pairStuns(into: &out) }
        let before = pendingStuns.count
        pendingStuns.removeAll { abs($0.clock - clock) > 4 }
        overflow.unpairedStuns += before - pendingStuns.count
        stunnedAt = stunnedAt.filter { abs($0.value - clock) <= 4 }
    }

    // MARK: dictionaries

    /// `match_time` as Spark writes it: the match's start, `yyyy-MM-dd HH:mm:ss`.
    public var matchTime: String {
        guard let t = matchStart else { return "" }
        let iso = t.iso8601
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }

    private func player(slot: Int32, in session: Session) -> (Player, Int)? {
        var found: (Player, Int)?
        session.forEachPlayer { t, p in if p.slot == slot { found = (p, t) } }
        return found
    }

    private func playerEvent(_ type: String, slot: Int32, frame: Frame) -> SparkJSON {
        let session = frame.session
        let (p, team) = player(slot: slot, in: session) ?? (Player(), -1)
        let pos = p.head?.position ?? p.body?.position ?? .zero
        return .object([
            ("session_id", .string(sessionID ?? "")),
            ("match_time", .string(matchTime)),
            ("event_time", .double(frame.timestamp.secondsDouble)),
            ("game_clock", .double(session.gameClock ?? 0)),
            ("event_type", .string(type)),
            ("player_id", .integer(p.userID ?? 0)),
            ("player_name", .string(p.name ?? "")),
            ("player_team", .string(SparkTeam.color(team))),
            ("pos_x", .double(pos.x)), ("pos_y", .double(pos.y)), ("pos_z", .double(pos.z)),
        ])
    }

    private func stunDictionary(stunner: Int32, victim: Int32, frame: Frame) -> SparkJSON {
        let session = self.frame?.session ?? frame.session
        let (s, st) = player(slot: stunner, in: session) ?? player(slot: stunner, in: frame.session) ?? (Player(), -1)
        let (v, vt) = player(slot: victim, in: session) ?? (Player(), -1)
        let pos = s.head?.position ?? .zero
        return .object([
            ("session_id", .string(sessionID ?? "")),
            ("match_time", .string(matchTime)),
            ("event_time", .double(frame.timestamp.secondsDouble)),
            ("game_clock", .double(frame.session.gameClock ?? 0)),
            ("event_type", .string("stun")),
            ("stunner_id", .integer(s.userID ?? 0)),
            ("stunner_name", .string(s.name ?? "")),
            ("stunner_team", .string(SparkTeam.color(st))),
            ("victim_id", .integer(v.userID ?? 0)),
            ("victim_name", .string(v.name ?? "")),
            ("victim_team", .string(SparkTeam.color(vt))),
            ("pos_x", .double(pos.x)), ("pos_y", .double(pos.y)), ("pos_z", .double(pos.z)),
        ])
    }

    /// Spark's goal dictionary. The disc is taken two frames back (the frame showing the goal
    /// already has the disc reset); the angle into the goal is measured against the goal's
    /// normal, folded to 0...90 with `backboard` set when it came off the back.
    private func goalDictionary(_ score: LastScore, frame: Frame) -> SparkJSON {
        let session = frame.session
        let disc = (recentDiscs.count >= 3 ? recentDiscs[recentDiscs.count - 3] : recentDiscs.first ?? nil) ?? session.disc
        let geometry = SparkGoalGeometry(position: disc?.position ?? .zero, velocity: disc?.velocity ?? .zero)
        var scorerID: UInt64 = 0
        var scorer: Player?
        session.forEachPlayer { _, p in
            if p.name == score.personScored {
                scorer = p
                if let id = p.userID { scorerID = id }
            }
        }
        // Hand and style of the scorer's last confirmed throw this round; null (as Spark's
        // nullable fields) when none was seen.
        let lastThrow = scorer.flatMap { p in currentRound.players.first { Self.matches($0, p) } }?.lastThrow
        let assist = score.assistScored ?? "[INVALID]"
        let pos = disc?.position ?? .zero
        return .object([
            ("session_id", .string(sessionID ?? "")),
            ("match_time", .string(matchTime)),
            ("game_clock", .double(session.gameClock ?? 0)),
            ("player_id", .integer(scorerID)),
            ("player_name", .string(score.personScored ?? "")),
            ("point_value", .integer(score.pointAmount ?? 0)),
            ("disc_speed", .double(score.discSpeed ?? 0)),
            ("goal_distance", .double(score.distanceThrown ?? 0)),
            ("assist_name", .string(assist == "[INVALID]" ? "" : assist)),
            ("goal_type", .string(score.goalType ?? "")),
            ("team_scored", .string(score.team ?? "")),
            ("goal_pos_x", .double(pos.x)), ("goal_pos_y", .double(pos.y)),
            ("pos_x", .double(pos.x)), ("pos_y", .double(pos.y)), ("pos_z", .double(pos.z)),
            ("goal_angle", .double(geometry.angle)),
            ("backboard", .bool(geometry.backboard)),
            ("goal_color", .string(geometry.goalColor)),
            ("left_handed", lastThrow.flatMap { t -> SparkJSON? in t.hand == .unspecified ? nil : .bool(t.hand == .left) } ?? .null),
            ("underhandedness", lastThrow.map { SparkJSON.double($0.underhandedness) } ?? .null),
        ])
    }

    /// The engine's `pause` object with the game's key names.
    static func pauseObject(_ p: PauseState) -> SparkJSON {
        var members: [(String, SparkJSON)] = []
        if let v = p.pausedState { members.append(("paused_state", .string(v))) }
        if let v = p.unpausedTeam { members.append(("unpaused_team", .string(v))) }
        if let v = p.pausedRequestedTeam { members.append(("paused_requested_team", .string(v))) }
        if let v = p.unpausedTimer { members.append(("unpaused_timer", .double(v))) }
        if let v = p.pausedTimer { members.append(("paused_timer", .double(v))) }
        return .object(members)
    }

    // MARK: Spark documents

    /// Disc positions for `/disc_positions` (oldest first).
    public var discPositions: [Vector3] {
        Array(discRing[discRingStart...] + discRing[..<discRingStart])
    }
}
