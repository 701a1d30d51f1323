import NEVRCore

/// Builds ``MatchStats`` from the processed frames of one capture, frame by frame (memory
/// stays flat: only per-player running figures are kept).
///
/// - **Counters** (`stats.points`, `saves`, ... `shots_taken`, `possession_time`): for each
///   player (by userid) the rise from the previous frame they were seen in, in this
///   session, is added to the current round; a counter that falls (a match restart) is a
///   new baseline, so the total is the sum of last - first over the runs between resets.
///   A player's first frame in a session is a baseline. Values outside 0...1,000,000
///   (counters) or 0...1e6 s (possession time) are ignored as corrupt.
/// - **Rounds**: the round number at the start of the capture is blue + orange round
///   scores + 1 (the round just ended, in `round_over`/`post_match`); every `RoundStarted`
///   event moves on to its round. The game numbers a round by the round scores, so a round
///   after a tie repeats the number of the tied one: a `RoundStarted` that does not move
///   past the round already started in this capture counts as the next round instead, so
///   that rounds are numbered as played.
/// - **Play time and speed**: frames in `playing` whose clock ran forward by 0-1 s add that
///   step to each blue or orange player's play time and |velocity| × step to their
///   distance; top speed is the largest |velocity| below 100 m/s seen while playing.
/// - **Events** (``Frame/events``, so re-detected or stored): `DiscThrown` and the derived
///   events are credited to the player in the event's slot in that frame.
///
/// A new `sessionid` finishes the match and starts another.
public struct MatchStatsBuilder {
    /// The capture's path, copied into every ``MatchStats``.
    public let source: String
    private(set) var finished: [MatchStats] = []
    private var current: MatchStats?
    private var round = 1
    /// A `RoundStarted` was seen in this session (later ones move on at least by one).
    private var roundStartSeen = false
    private var lastCounters: [UInt64: SIMD16<Int64>] = [:]
    private var lastPossession: [UInt64: Double] = [:]
    private var previousClock: Double?

    /// A builder for the capture at `source`.
    public init(source: String) {
        self.source = source
    }

    /// Adds one processed frame (frames that are not game frames are ignored).
    public mutating func add(_ frame: Frame) {
        let session = frame.session
        guard session.isGameFrame else { return }
        let sessionID = session.sessionID ?? ""
        if current?.sessionID != sessionID {
            if let m = current { finished.append(m) }
            current = MatchStats(source: source, sessionID: sessionID)
            lastCounters.removeAll(keepingCapacity: true)
            lastPossession.removeAll(keepingCapacity: true)
            previousClock = nil
            let played = Int((session.blueRoundScore ?? 0) &+ (session.orangeRoundScore ?? 0))
            let ended = session.gameStatus == "round_over" || session.gameStatus == "post_match"
            round = max(1, ended ? played : played + 1)
            roundStartSeen = false
        }
        var match = current!
        match.frames += 1
        for event in frame.events {
            guard case .roundStarted(let n) = event, n > 0, n < 10_000 else { continue }
            round = roundStartSeen ? max(Int(n), round + 1) : Int(n)
            roundStartSeen = true
        }
        var lines = match.rounds[round] ?? [:]

        var step: Double?
        if session.gameStatus == "playing", let before = previousClock, let now = session.gameClock {
            let dt = before - now
            if dt > 0 && dt < 1 { step = dt }
        }
        previousClock = session.gameClock

        var slotUsers: [Int32: (UInt64, Int)] = [:]
        let teams = session.teams ?? []
        for team in teams.indices {
            for player in teams[team].players ?? [] {
                guard let id = player.userID else { continue }
                if let slot = player.slot { slotUsers[slot] = (id, team) }
                var line = lines[id] ?? PlayerStatLine(userID: id, name: player.name ?? "", teamIndex: team)
                if line.matches == 0 { line.matches = 1 }
                if let name = player.name { line.name = name }
                line.teamIndex = team
                if let stats = player.stats {
                    let values = Self.counters(stats)
                    if let before = lastCounters[id] {
                        let rose = values .>= before
                        line.counters &+= (values &- before).replacing(with: 0, where: .!rose)
                    }
                    lastCounters[id] = values
                    if let t = stats.possessionTime, t.isFinite, t >= 0, t < 1e6 {
                        if let before = lastPossession[id], t >= before { line.possessionTime += t - before }
                        lastPossession[id] = t
                    }
                }
                if let dt = step, team < 2 {
                    line.playTime += dt
                    if let v = player.velocity?.length, v.isFinite, v < 100 {
                        line.distance += v * dt
                        line.topSpeed = max(line.topSpeed, v)
                    }
                }
                lines[id] = line
            }
        }
        for event in frame.events { Self.credit(event, slotUsers, &lines) }
        match.rounds[round] = lines
        match.points = (session.bluePoints ?? match.points.blue, session.orangePoints ?? match.points.orange)
        match.roundScores = (session.blueRoundScore ?? match.roundScores.blue, session.orangeRoundScore ?? match.roundScores.orange)
        current = match
    }

    /// The matches read so far, the one in progress included.
    public func result() -> [MatchStats] {
        current.map { finished + [$0] } ?? finished
    }

    /// The counters of `stats` as lanes; values out of range read as 0.
    static func counters(_ s: Stats) -> SIMD16<Int64> {
        @inline(__always) func lane(_ value: Int32?) -> Int64 {
            guard let value, value >= 0, value <= 1_000_000 else { return 0 }
            return Int64(value)
        }
        var v = SIMD16<Int64>.zero
        v[0] = lane(s.points); v[1] = lane(s.saves); v[2] = lane(s.goals); v[3] = lane(s.stuns)
        v[4] = lane(s.passes); v[5] = lane(s.catches); v[6] = lane(s.steals); v[7] = lane(s.blocks)
        v[8] = lane(s.interceptions); v[9] = lane(s.assists); v[10] = lane(s.shotsTaken)
        return v
    }

    static func credit(_ event: Event, _ users: [Int32: (UInt64, Int)], _ lines: inout [UInt64: PlayerStatLine]) {
        func update(_ slot: Int32, _ change: (inout PlayerStatLine) -> Void) {
            guard let (id, _) = users[slot], var line = lines[id] else { return }
            change(&line)
            lines[id] = line
        }
        switch event {
        case .discThrown(let slot, _): update(slot) { $0.throwsMade += 1 }
        case .derived(let d):
            switch d {
            case .joust(let j):
                update(j.slot) { line in
                    line.jousts += 1
                    line.joustTimeSum += j.time
                    line.bestJoust = min(line.bestJoust ?? j.time, j.time)
                }
            case .bigBoost(let b): update(b.slot) { $0.bigBoosts += 1 }
            case .playspaceAbuse(let p): update(p.slot) { $0.playspaceAbuses += 1 }
            case .turnover(let p):
                update(p.slot) { $0.turnoversWon += 1 }
                update(p.previousSlot) { $0.turnoversLost += 1 }
            case .interception(let p): update(p.slot) { $0.derivedInterceptions += 1 }
            case .throwDetails(let t):
                update(t.slot) { line in
                    line.throwDetails += 1
                    line.throwSpeedSum += t.discSpeed
                    if t.hand == .left { line.leftHandThrows += 1 }
                }
            case .stun(let s):
                update(s.slot) { $0.stunsMatched += 1 }
                update(s.victimSlot) { $0.timesStunned += 1 }
            case .restartRequest(let r): update(r.slot) { $0.restartRequests += 1 }
            case .pauseRequest(let r): update(r.slot) { $0.pauseRequests += 1 }
            }
        default: break
        }
    }
}
