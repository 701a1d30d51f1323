import NEVRCore

/// The game statuses the simulated match goes through.
enum GameStatus: String, Sendable {
    case preMatch = "pre_match"
    case roundStart = "round_start"
    case playing = "playing"
    case score = "score"
    case roundOver = "round_over"
    case postMatch = "post_match"
}

/// The twelve stat counters of one player (possession time kept apart, it is continuous).
struct Counters: Sendable {
    var points: Int32 = 0
    var saves: Int32 = 0
    var goals: Int32 = 0
    var stuns: Int32 = 0
    var passes: Int32 = 0
    var catches: Int32 = 0
    var steals: Int32 = 0
    var blocks: Int32 = 0
    var interceptions: Int32 = 0
    var assists: Int32 = 0
    var shotsTaken: Int32 = 0
}

/// One person in the match (players and the spectator), alive for the whole simulation;
/// ``present`` says whether they are in the session now.
struct SimPlayer: Sendable {
    var slot: Int32
    var userID: UInt64
    var name: String
    var number: Int32
    var level: Int32
    var ping: Int32
    var lossRatio: Double
    /// 0 blue, 1 orange, 2 spectators.
    var team: Int
    var present: Bool
    var joinedTick: Int
    var pos: V3
    var vel: V3
    var yaw: Double
    var pitch: Double
    var headYaw: Double = 0
    var headPitch: Double = 0
    /// Formation offset (x, y) and a phase for idle sway.
    var anchor: V3
    var phase: Double
    var stunnedUntil = -1
    var invulnerableUntil = -1
    var blockingUntil = -1
    var emoteUntil = -1
    var emoteStartAt = -1
    var boostUntil = -1
    var grabUntil = -1
    var grabSlot: Int32 = -1
    var attackCooldownUntil = -1
    var noPickupUntil = -1
    /// A caught disc pops loose again at this tick (possession flicker), -1 for never.
    var fumbleAt = -1
    /// The tick of this player's last save (-1: none yet), for the turnover truth.
    var lastSaveTick = -1
    var counters = Counters()
    var possessionTime: Double = 0
    /// The teammate whose pass this player caught last, and when (for assists).
    var lastPassFrom = -1
    var lastPassTick = -1
    /// Velocity kept while the game is paused.
    var frozenVel = V3.zero
    /// A scripted big boost in progress (MatchEngine+Stunts).
    var sprint: Sprint?
    /// A step in the real room in progress (MatchEngine+Stunts).
    var walk: RoomWalk?

    func isStunned(at tick: Int) -> Bool { tick < stunnedUntil }
    func isInvulnerable(at tick: Int) -> Bool { tick >= stunnedUntil && tick < invulnerableUntil }
    func isBlocking(at tick: Int) -> Bool { tick < blockingUntil }
    func isEmoting(at tick: Int) -> Bool { tick < emoteUntil }
}

/// A scripted disc flight: the outcome is decided at release and played out along waypoints.
struct Flight: Sendable {
    enum Outcome: Sendable {
        case pass(receiver: Int)
        case intercept(by: Int)
        case drop
        case goal(type: String, points: Int32)
        case save(by: Int, catches: Bool)
        case miss
    }
    var thrower: Int
    var waypoints: [V3]
    var legTicks: [Int]
    var elapsed = 0
    var outcome: Outcome
    var releasePos: V3
    var speed: Double

    var totalTicks: Int { legTicks.reduce(0, +) }

    /// Position and velocity after `elapsed` ticks, and the leg index.
    func state(at elapsed: Int) -> (pos: V3, vel: V3, leg: Int) {
        var e = elapsed
        for (i, n) in legTicks.enumerated() {
            if e <= n || i == legTicks.count - 1 {
                let a = waypoints[i], b = waypoints[i + 1]
                let f = n > 0 ? min(Double(e) / Double(n), 1) : 1
                let v = n > 0 ? (b - a) * (Double(MatchPlan.tickRate) / Double(n)) : V3.zero
                return (a + (b - a) * f, v, i)
            }
            e -= n
        }
        return (waypoints.last!, .zero, legTicks.count - 1)
    }

    /// The player who should move to the end point (receiver, interceptor, saver).
    var participant: Int {
        switch outcome {
        case .pass(let r): r
        case .intercept(let by): by
        case .save(let by, _): by
        default: -1
        }
    }
}

struct SimDisc: Sendable {
    var pos = V3.zero
    var vel = V3.zero
    /// Index into ``MatchEngine/people`` of the holder, -1 for nobody.
    var holder = -1
    var flight: Flight?
    var bounceCount: Int32 = 0
    var spin: Double = 0
    var frozenVel = V3.zero
}

/// The last time the disc left a player's hands: a throw, or a drop when stunned.
struct Release: Sendable {
    var person: Int
    var tick: Int
    /// Let go by hand (a throw or a fumble), not knocked loose by a stun nor carried into the goal.
    var byHand: Bool
}

/// The underlying match, advanced one internal tick (1/60 s) at a time. It records every
/// occurrence as a ``TruthEvent`` (frame index filled in by the sampler) and knows nothing
/// about sampling.
struct MatchEngine: Sendable {
    static let hz = Double(MatchPlan.tickRate)
    static let dt = 1.0 / hz
    /// Goal mouths (centre), +z is orange's goal (attacked by blue).
    static let goalZ = 36.0
    static let bounds = V3(15, 7.5, 39.5)

    let options: SimulationOptions
    let plan: MatchPlan
    var rng: SimulationRandom
    var tick = 0
    var status = GameStatus.preMatch
    var phaseEnd = 0
    var roundIndex = 0
    var roundNumber: Int32 = 1
    var clockTicks: Int
    var playedTicks = 0
    var points: [Int32] = [0, 0]
    var roundScores: [Int32] = [0, 0]
    var slack: Double

    var people: [SimPlayer] = []
    /// Per team index, the people in that team's `players` array order.
    var members: [[Int]] = [[], [], []]
    var client = 0
    var disc = SimDisc()
    var lastRelease: Release?
    var lastScore = LastScore(
        discSpeed: 0, team: "none", goalType: "[NO GOAL]", pointAmount: 0, distanceThrown: 0,
        personScored: "[INVALID]", assistScored: "[INVALID]")
    var pendingLastScore: LastScore?
    /// The goal's truth event, recorded when its `last_score` appears.
    var pendingGoal: TruthEvent?
    var lastThrow = LastThrow(
        armSpeed: 0, totalSpeed: 0, offAxisSpinDeg: 0, wristThrowPenalty: 0, rotPerSec: 0, potSpeedFromRot: 0,
        speedFromArm: 0, speedFromMovement: 0, speedFromWrist: 0, wristAlignToThrowDeg: 0,
        throwAlignToMovementDeg: 0, offAxisPenalty: 0, throwMovePenalty: 0)

    // Pause machine.
    var pausedState = "unpaused"
    var pauseRequestedTeam = "none"
    var unpausedTeam = "none"
    var pausedTimer = 0.0
    var unpausedTimer = 0.0
    var pausePhaseEnd = 0
    var pauseDone = false

    // Roster script: when (played seconds) and who.
    var joinAt: Double
    var leaveAt: Double
    var switchAt: Double
    var replaceAt: Double
    var lateJoiner = -1
    var replacement = -1
    var leaver = -1
    var switcher = -1
    var rosterStep = 0
    var postMatchEmoteDone = false
    var goalsScored = 0

    let sessionID: String
    let sessionIP: String

    /// Occurrence events since the sampler last drained them.
    var pending: [TruthEvent] = []
    /// World-state bookkeeping for the derived events' truth (MatchEngine+DerivedTruth).
    var truthState = DerivedTruthState()
    /// Randomness of the stunts (MatchEngine+Stunts), apart from ``rng`` so that adding
    /// them left the rest of every seed's match as it was.
    var stuntRng: SimulationRandom
    /// `blue/orange_team_restart_request` as the session shows them.
    var restartFlags: [Int32] = [0, 0]
    var restartTeam: Int
    var restartLowerAt = -1
    var restartDone = false
    /// The last tick the game was not `playing` (stunts wait half a second after it).
    var lastStoppedTick = 0
    /// Round clock (ticks left) at which this round's sprint and room walk are due; -1 once started.
    var stuntsDue = (sprint: -1, walk: -1)

    var frozen: Bool { pausedState == "paused" || pausedState == "unpausing" }

    init(options: SimulationOptions) {
        self.options = options
        plan = MatchPlan(duration: options.duration)
        rng = SimulationRandom(seed: options.seed)
        stuntRng = SimulationRandom(seed: options.seed ^ 0x57A7_5EED)
        restartTeam = stuntRng.below(2)
        clockTicks = plan.roundClockTicks
        slack = plan.slackSeconds
        var ids = SplitMix64(state: options.seed ^ 0x5EED_1D5)
        let a = ids.next(), b = ids.next()
        func hex(_ v: UInt64, _ digits: Int) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, digits - s.count)) + s.suffix(digits)
        }
        sessionID = "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xFFFF, 4))-4\(hex(a & 0xFFF, 3))-\(hex(0x8000 | (b >> 48) & 0x3FFF, 4))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
        sessionIP = "\(52 + Int(b % 100)).\(Int((b >> 8) % 250) + 1).\(Int((b >> 16) % 250) + 1).\(Int((b >> 24) % 250) + 1)"
        let play = plan.totalPlayingSeconds
        joinAt = play * 0.18
        leaveAt = play * 0.38
        switchAt = play * 0.52
        replaceAt = play * 0.68
        setUpRoster()
        phaseEnd = plan.preMatchTicks
    }

    // MARK: - Roster

    private mutating func setUpRoster() {
        let n = options.players
        let fullBlue = (n + 1) / 2, fullOrange = n / 2
        // Everyone who will ever be in the session: players, the late joiner, the spectator,
        // the replacement that later takes the leaver's slot.
        var names = Roster.names
        for i in stride(from: names.count - 1, to: 0, by: -1) { names.swapAt(i, rng.below(i + 1)) }
        let initialCount = fullBlue + (fullOrange - 1) + 1
        var slots = (0..<initialCount).map { Int32($0) }
        for i in stride(from: slots.count - 1, to: 0, by: -1) { slots.swapAt(i, rng.below(i + 1)) }
        let teamsOfInitial = Array(repeating: 0, count: fullBlue) + Array(repeating: 1, count: fullOrange - 1) + [2]
        for (k, team) in teamsOfInitial.enumerated() {
            let p = makePerson(name: names[k], slot: slots[k], team: team, tick: -1000)
            people.append(p)
            members[team].append(k)
        }
        client = members[0][0]
        lateJoiner = people.count
        people.append(makePerson(name: names[initialCount], slot: -1, team: 1, tick: 0, present: false))
        replacement = people.count
        people.append(makePerson(name: names[initialCount + 1], slot: -1, team: 1, tick: 0, present: false))
        for i in people.indices where people[i].present { spawn(i) }
        disc = SimDisc()
    }

    private mutating func makePerson(name: String, slot: Int32, team: Int, tick: Int, present: Bool = true) -> SimPlayer {
        let uid = 1_000_000_000_000_000 + (rng.next() % 8_999_999_999_999_999)
        return SimPlayer(
            slot: slot, userID: uid, name: name, number: 0, level: Int32(1 + rng.below(50)),  // private matches show jersey 0
            ping: Int32(20 + rng.below(80)), lossRatio: 0, team: team, present: present, joinedTick: tick,
            pos: .zero, vel: .zero, yaw: 0, pitch: 0,
            anchor: V3(rng.uniform(-9, 9), rng.uniform(-4, 4), rng.uniform(-3, 3)), phase: rng.uniform(0, 6.283))
    }

    /// +1 when the team attacks +z (blue), -1 for orange.
    static func attackDirection(_ team: Int) -> Double { team == 1 ? -1 : 1 }

    /// The centre of the goal `team` attacks.
    static func targetGoal(_ team: Int) -> V3 { V3(0, 0, goalZ * attackDirection(team)) }

    /// Puts a person at their team's start position, still.
    mutating func spawn(_ i: Int) {
        let p = people[i]
        let dir = MatchEngine.attackDirection(p.team)
        if p.team == 2 {
            people[i].pos = V3(16, 6, 0)
            people[i].yaw = -Double.pi / 2
        } else {
            people[i].pos = V3(p.anchor.x * 0.3, p.anchor.y * 0.3, -dir * 30)
            people[i].yaw = dir > 0 ? 0 : Double.pi
        }
        people[i].vel = .zero
        people[i].pitch = 0
    }

    // MARK: - Truth

    mutating func record(_ kind: EventKind, _ slots: [Int32], total: Int32? = nil, points: Int32? = nil, team: Int32? = nil,
                         previousTeam: Int32? = nil, round: Int32? = nil, goalType: String? = nil) {
        pending.append(TruthEvent(
            frameIndex: -1, kind: kind, slots: slots, total: total, points: points, team: team,
            previousTeam: previousTeam, round: round, goalType: goalType))
    }

    /// Increments one counter and records the matching stat event with its running total.
    mutating func bump(_ i: Int, _ counter: WritableKeyPath<Counters, Int32>, _ kind: EventKind?, extraSlot: Int32? = nil, points: Int32? = nil) {
        people[i].counters[keyPath: counter] += 1
        if let kind {
            var slots = [people[i].slot]
            if let extraSlot { slots.append(extraSlot) }
            record(kind, slots, total: people[i].counters[keyPath: counter], points: points)
        }
    }

    // MARK: - Stepping

    /// Advances the match by one tick.
    mutating func step() {
        tick += 1
        if let s = pendingLastScore {  // the game shows the new last_score a frame after the status
            lastScore = s
            pendingLastScore = nil
            // GoalScored carries last_score, so it is visible (and reported) from this frame.
            if let g = pendingGoal { pending.append(g) }
            pendingGoal = nil
        }
        startScheduledEmotes()
        if tick % MatchPlan.tickRate == 0 { wobbleNetwork() }
        switch status {
        case .preMatch:
            drift()
            if tick >= phaseEnd { startRound() }
        case .roundStart:
            holdAtSpawn()
            if tick >= phaseEnd {
                // The joust: everyone launches out of the tubes.
                status = .playing
                for i in people.indices where people[i].present { people[i].boostUntil = tick + 90 }
                startJoust()
            }
        case .playing:
            stepPause()
            if !frozen { play() }
        case .score:
            regroup()
            if tick >= phaseEnd { resumeAfterGoal() }
        case .roundOver:
            drift()
            if tick >= phaseEnd { startRound() }
        case .postMatch:
            drift()
            if !postMatchEmoteDone && tick >= phaseEnd + MatchPlan.tickRate {
                postMatchEmoteDone = true
                let winners = roundScores[0] >= roundScores[1] ? 0 : 1
                if let who = members[winners].first(where: { !people[$0].isEmoting(at: tick) }) { people[who].emoteStartAt = tick + 1 }
            }
        }
        if status != .playing {
            cancelWalks()
            lastStoppedTick = tick
        }
        updateOrientations()
        placeDiscWithHolder()
        settleDerivedTruth()
    }

    mutating func startScheduledEmotes() {
        for i in people.indices where people[i].present && people[i].emoteStartAt == tick {
            people[i].emoteStartAt = -1
            guard !people[i].isEmoting(at: tick - 1) else { continue }
            people[i].emoteUntil = tick + 2 * MatchPlan.tickRate
            record(.emotePlayed, [people[i].slot])
        }
    }

    mutating func wobbleNetwork() {
        for i in people.indices where people[i].present {
            people[i].ping = max(12, min(99, people[i].ping + Int32(rng.below(5)) - 2))
            // One connection in three drops a few packets now and then.
            people[i].lossRatio = (people[i].slot % 3 == 1 && rng.chance(0.3)) ? rng.uniform(0, 0.02) : 0
        }
    }

    mutating func startRound() {
        if status != .preMatch { roundIndex += 1 }
        status = .roundStart
        phaseEnd = tick + plan.roundStartTicks
        clockTicks = plan.roundClockTicks
        points = [0, 0]
        roundNumber = roundScores[0] + roundScores[1] + 1
        record(.roundStarted, [], round: roundNumber)
        scheduleStunts()
        disc = SimDisc()
        for i in people.indices where people[i].present {
            spawn(i)
            people[i].grabSlot = -1
        }
    }

    mutating func endRound() {
        clockTicks = 0
        let winner: Int32 = points[0] > points[1] ? 0 : (points[1] > points[0] ? 1 : -1)
        if winner >= 0 { roundScores[Int(winner)] += 1 }
        record(.roundEnded, [], team: winner, round: roundNumber)
        if var f = disc.flight {  // the disc flies on, no longer scripted
            let s = f.state(at: f.elapsed)
            disc.vel = s.vel
            f.elapsed = 0
            disc.flight = nil
        }
        if roundIndex >= plan.rounds - 1 {
            status = .postMatch
            let matchWinner: Int32 = roundScores[0] > roundScores[1] ? 0 : (roundScores[1] > roundScores[0] ? 1 : -1)
            record(.matchEnded, [], team: matchWinner)
            phaseEnd = tick
        } else {
            status = .roundOver
            phaseEnd = tick + plan.roundOverTicks
        }
    }

    // MARK: - Pause

    mutating func stepPause() {
        switch pausedState {
        case "unpaused":
            if !pauseDone && roundIndex == plan.pauseRound && clockTicks <= plan.roundClockTicks / 2 && disc.flight == nil {
                pausedState = "paused_requested"
                pauseRequestedTeam = "orange"
                pausePhaseEnd = tick + plan.pauseRequestTicks
            }
        case "paused_requested":
            if tick >= pausePhaseEnd && disc.flight == nil {
                pausedState = "paused"
                pausedTimer = 0
                pausePhaseEnd = tick + plan.pausedTicks
                record(.roundPaused, [], team: 1)
                record(.pauseRequest, [-1], team: 1)  // the player: at the sampled instant
                for i in people.indices {
                    people[i].frozenVel = people[i].vel
                    people[i].vel = .zero
                }
                disc.frozenVel = disc.vel
                disc.vel = .zero
            }
        case "paused":
            pausedTimer += MatchEngine.dt
            if tick >= pausePhaseEnd {
                pausedState = "unpausing"
                unpausedTeam = "blue"
                unpausedTimer = Double(plan.unpausingTicks) / MatchEngine.hz
                pausePhaseEnd = tick + plan.unpausingTicks
            }
        case "unpausing":
            unpausedTimer = max(0, unpausedTimer - MatchEngine.dt)
            if tick >= pausePhaseEnd {
                pausedState = "unpaused"
                pauseDone = true
                record(.roundUnpaused, [], team: 0)
                pauseRequestedTeam = "none"
                unpausedTeam = "none"
                pausedTimer = 0
                unpausedTimer = 0
                for i in people.indices { people[i].vel = people[i].frozenVel }
                disc.vel = disc.frozenVel
            }
        default:
            break
        }
    }

    // MARK: - Goals

    /// Whether the timeline has room for another goal's score window.
    var goalAllowed: Bool { slack >= MatchPlan.scoreSeconds }

    mutating func scoreGoal(by scorer: Int, type: String, points pts: Int32, speed: Double, distance: Double) {
        let team = people[scorer].team
        slack -= MatchPlan.scoreSeconds
        goalsScored += 1
        status = .score
        phaseEnd = tick + plan.scoreTicks
        points[team] += pts
        disc.flight = nil
        disc.holder = -1
        disc.vel = .zero
        var assister = -1
        let p = people[scorer]
        if p.lastPassFrom >= 0, tick - p.lastPassTick < 10 * MatchPlan.tickRate,
           people[p.lastPassFrom].present, people[p.lastPassFrom].team == team, p.lastPassFrom != scorer {
            assister = p.lastPassFrom
        }
        var slots = [p.slot]
        if assister >= 0 { slots.append(people[assister].slot) }
        pendingGoal = TruthEvent(frameIndex: -1, kind: .goalScored, slots: slots, points: pts, team: Int32(team), goalType: type)
        people[scorer].counters.points += pts
        bump(scorer, \.goals, .playerGoal, points: pts)
        if assister >= 0 { bump(assister, \.assists, .playerAssist) }
        people[scorer].lastPassFrom = -1
        pendingLastScore = LastScore(
            discSpeed: GameGrid.float32(speed), team: team == 0 ? "blue" : "orange", goalType: type, pointAmount: pts,
            distanceThrown: GameGrid.float32(distance), personScored: p.name,
            assistScored: assister >= 0 ? people[assister].name : "[INVALID]")
        if goalsScored == 1 || rng.chance(0.5) { people[scorer].emoteStartAt = tick + 30 }
    }

    mutating func resumeAfterGoal() {
        status = .playing
        disc = SimDisc()
    }
}
