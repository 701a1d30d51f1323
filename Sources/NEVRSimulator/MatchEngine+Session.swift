import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The typed `/session` of the match as it stands: every key of the modern arena set, every
/// kinematic value on the game's 1/1000 grid.
extension MatchEngine {
    static let teamNames = ["BLUE TEAM", "ORANGE TEAM", "SPECTATORS"]

    /// Index of the holder in its team's `players` array, for the top-level `possession` pair.
    var holderPair: DiscHolder {
        let h = disc.holder
        guard h >= 0, let j = members[people[h].team].firstIndex(of: h) else { return .nobody }
        return DiscHolder(teamIndex: Int32(people[h].team), playerIndex: Int32(j))
    }

    /// The game clock as the game holds it.
    var clockValue: Float {
        switch status {
        case .preMatch, .roundStart, .roundOver: Float(Double(plan.roundClockTicks) / MatchEngine.hz)
        case .postMatch: 0
        default: Float(Double(clockTicks) / MatchEngine.hz)
        }
    }

    func session() -> Session {
        var s = Session()
        s.sessionID = sessionID
        s.sessionIP = sessionIP
        s.clientName = people[client].name
        s.matchType = "Echo_Arena_Private"
        s.mapName = "mpl_arena_a"
        s.privateMatch = true
        s.tournamentMatch = false
        s.gameStatus = status.rawValue
        let clock = clockValue
        s.gameClock = GameGrid.printed(clock)
        s.gameClockDisplay = GameClockText.display(clock)
        s.bluePoints = Double(points[0])
        s.orangePoints = Double(points[1])
        s.blueRoundScore = roundScores[0]
        s.orangeRoundScore = roundScores[1]
        s.totalRoundCount = Int32(plan.rounds)
        s.blueTeamRestartRequest = restartFlags[0]
        s.orangeTeamRestartRequest = restartFlags[1]
        let c = people[client]
        let grabbing = holdingLeft(client) != "none"
        s.leftShoulderPressed = grabbing ? 1.0 : 0.0
        s.leftShoulderPressed2 = 0.0
        s.rightShoulderPressed = disc.holder == client ? 1.0 : 0.0
        s.rightShoulderPressed2 = 0.0
        // The client's HMD in its own playspace: small movements around the play area's centre.
        let t = Double(tick) * MatchEngine.dt
        let hmd = Basis(yaw: c.headYaw * 0.3 + 0.2 * sin(t * 0.4), pitch: c.headPitch * 0.5, roll: 0.05 * sin(t * 0.9))
        s.player = PlayspacePose(
            vrLeft: GameGrid.vector(hmd.left),
            vrPosition: GameGrid.vector(V3(0.2 + 0.15 * sin(t * 0.3), 0.05 * sin(t * 0.5), 0.35 + 0.1 * sin(t * 0.2))),
            vrForward: GameGrid.vector(hmd.forward), vrUp: GameGrid.vector(hmd.up))
        let spinBasis = Basis(yaw: disc.spin, pitch: 0.3 * sin(disc.spin * 0.37), roll: 0.2)
        s.disc = Disc(
            position: GameGrid.vector(disc.pos), forward: GameGrid.vector(spinBasis.forward),
            left: GameGrid.vector(spinBasis.left), up: GameGrid.vector(spinBasis.up),
            velocity: GameGrid.vector(disc.vel), bounceCount: disc.bounceCount)
        s.possession = holderPair
        s.pause = PauseState(
            pausedState: pausedState, unpausedTeam: unpausedTeam, pausedRequestedTeam: pauseRequestedTeam,
            unpausedTimer: GameGrid.float32(unpausedTimer), pausedTimer: GameGrid.float32(pausedTimer))
        s.lastThrow = lastThrow
        s.lastScore = lastScore
        s.rulesChangedBy = "[INVALID]"
        s.rulesChangedAt = 0
        s.errCode = 0
        s.teams = (0..<3).map(team)
        return s
    }

    func team(_ index: Int) -> Team {
        var t = Team(name: MatchEngine.teamNames[index])
        let holderTeam = disc.holder >= 0 ? people[disc.holder].team : -1
        t.possession = holderTeam == index
        guard !members[index].isEmpty else { return t }  // an empty team has neither players nor stats
        var players: [Player] = []
        players.reserveCapacity(members[index].count)
        var sum = Counters()
        var possession = 0.0
        for i in members[index] {
            players.append(player(i))
            let c = people[i].counters
            sum.points += c.points; sum.saves += c.saves; sum.goals += c.goals; sum.stuns += c.stuns
            sum.passes += c.passes; sum.catches += c.catches; sum.steals += c.steals; sum.blocks += c.blocks
            sum.interceptions += c.interceptions; sum.assists += c.assists; sum.shotsTaken += c.shotsTaken
            possession += GameGrid.float32(people[i].possessionTime)
        }
        t.players = players
        t.stats = MatchEngine.stats(sum, possessionTime: possession)
        return t
    }

    static func stats(_ c: Counters, possessionTime: Double) -> Stats {
        Stats(
            possessionTime: GameGrid.float32(possessionTime), points: c.points, saves: c.saves, goals: c.goals,
            stuns: c.stuns, passes: c.passes, catches: c.catches, steals: c.steals, blocks: c.blocks,
            interceptions: c.interceptions, assists: c.assists, shotsTaken: c.shotsTaken)
    }

    func holdingLeft(_ i: Int) -> String {
        let p = people[i]
        if p.grabSlot >= 0 { return String(p.grabSlot) }
        if status == .roundStart { return "geo" }  // the launch tube's handle
        let b = MatchEngine.bounds
        if abs(p.pos.x) > b.x - 1.2 || abs(p.pos.y) > b.y - 1.2 || abs(p.pos.z) > b.z - 1.2 { return "geo" }
        return "none"
    }

    func player(_ i: Int) -> Player {
        let p = people[i]
        let justJoined = tick - p.joinedTick < 2  // level and number read 0 for about two frames after a join
        let body = Basis(yaw: p.yaw, pitch: 0)  // the body stays upright (real frames: up ~ [0.001, 1.0, -0.002])
        let head = Basis(yaw: p.yaw + p.headYaw, pitch: p.headPitch, roll: 0.06 * sin(p.phase + Double(tick) * 0.02))
        let t = Double(tick) * MatchEngine.dt
        let lBasis = Basis(yaw: p.yaw + 0.4, pitch: -0.6 + 0.2 * sin(t + p.phase), roll: 1.2)
        let rBasis = Basis(yaw: p.yaw - 0.4, pitch: -0.6 + 0.2 * sin(t * 1.1 + p.phase), roll: -1.2)
        return Player(
            name: p.name, slot: p.slot, userID: p.userID, number: justJoined ? 0 : p.number, level: justJoined ? 0 : p.level,
            ping: p.ping, packetLossRatio: GameGrid.float32(p.lossRatio), stunned: p.isStunned(at: tick),
            invulnerable: p.isInvulnerable(at: tick), blocking: p.isBlocking(at: tick), possession: disc.holder == i,
            isEmotePlaying: p.isEmoting(at: tick), holdingLeft: holdingLeft(i), holdingRight: disc.holder == i ? "disc" : "none",
            head: head.pose(at: p.pos), body: body.pose(at: p.pos), leftHand: lBasis.pose(at: leftHand(i)),
            rightHand: rBasis.pose(at: rightHand(i)), velocity: GameGrid.vector(p.vel),
            stats: MatchEngine.stats(p.counters, possessionTime: p.possessionTime))
    }
}
