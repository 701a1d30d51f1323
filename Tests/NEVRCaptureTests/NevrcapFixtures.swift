import NEVRCore

/// Hand-built frames that set every field the `.nevrcap` schema holds (including zeros,
/// `false` and empty strings, whose presence must survive), for codec tests that must not
/// depend on the JSON reader.
enum NevrcapFixtures {
    static func vector(_ seed: Int, _ k: Int) -> Vector3 {
        Vector3(Double(seed) * 0.001 + Double(k), -Double(seed) * 0.5, Double(k) * 0.125 - 3)
    }

    static func pose(_ seed: Int) -> Pose {
        Pose(position: vector(seed, 1), forward: vector(seed, 2), left: vector(seed, 3), up: vector(seed, 4))
    }

    static func stats(_ seed: Int32) -> Stats {
        Stats(
            possessionTime: Double(seed) * 1.75, points: seed, saves: seed + 1, goals: 0, stuns: seed + 3,
            passes: seed + 4, catches: seed + 5, steals: seed + 6, blocks: seed + 7, interceptions: seed + 8,
            assists: seed + 9, shotsTaken: seed + 10)
    }

    static func player(team: Int, index: Int) -> Player {
        let slot = Int32(team * 5 + index)
        return Player(
            name: "player-\(team)-\(index) ✓", slot: slot, userID: 4_000_000_000_000_000 + UInt64(slot),
            number: slot * 3, level: index == 0 ? 0 : 50, ping: 20 + slot, packetLossRatio: index == 1 ? 0 : 0.015,
            stunned: index == 2, invulnerable: false, blocking: index == 3, possession: team == 0 && index == 0,
            isEmotePlaying: false, holdingLeft: "none", holdingRight: index == 4 ? "disc" : "",
            head: pose(Int(slot) * 10), body: pose(Int(slot) * 10 + 1), leftHand: pose(Int(slot) * 10 + 2),
            rightHand: pose(Int(slot) * 10 + 3), velocity: vector(Int(slot), 9), stats: stats(slot),
            weapon: team == 1 ? "assault" : nil, ordnance: team == 1 ? "" : nil, tacMod: nil, arm: team == 1 ? "right" : nil)
    }

    static func session(_ seed: Int) -> Session {
        var s = Session()
        s.sessionID = "B6E9F3B1-0E60-4B8A-9A57-6F7C9A2B1C3D"
        s.sessionIP = "10.0.0.\(seed % 250)"
        s.clientName = "recorder"
        s.matchType = "Echo_Arena_Private"
        s.mapName = "mpl_arena_a"
        s.privateMatch = true
        s.tournamentMatch = false
        s.gameStatus = seed % 2 == 0 ? "playing" : ""
        s.gameClock = 600 - Double(seed) * 0.016
        s.gameClockDisplay = "09:59.98"
        s.bluePoints = Double(seed % 4)
        s.orangePoints = 0
        s.blueRoundScore = 1
        s.orangeRoundScore = 0
        s.totalRoundCount = 3
        s.blueTeamRestartRequest = 0
        s.orangeTeamRestartRequest = 1
        s.leftShoulderPressed = 0
        s.leftShoulderPressed2 = 0.5
        s.rightShoulderPressed = 1
        s.rightShoulderPressed2 = 0
        s.player = PlayspacePose(vrLeft: vector(seed, 1), vrPosition: vector(seed, 2), vrForward: vector(seed, 3), vrUp: vector(seed, 4))
        s.disc = Disc(position: vector(seed, 5), forward: vector(seed, 6), left: vector(seed, 7), up: vector(seed, 8), velocity: .zero, bounceCount: 0)
        s.possession = seed % 3 == 0 ? .nobody : DiscHolder(teamIndex: 1, playerIndex: 4)
        s.pause = PauseState(pausedState: "unpaused", unpausedTeam: "none", pausedRequestedTeam: "", unpausedTimer: 0, pausedTimer: 1.5)
        s.lastThrow = LastThrow(
            armSpeed: 1, totalSpeed: 2, offAxisSpinDeg: 3, wristThrowPenalty: 0, rotPerSec: 5, potSpeedFromRot: 6,
            speedFromArm: 7, speedFromMovement: 8, speedFromWrist: 9, wristAlignToThrowDeg: -10,
            throwAlignToMovementDeg: 11, offAxisPenalty: 12, throwMovePenalty: 13.25)
        s.lastScore = LastScore(
            discSpeed: 14.2, team: "orange", goalType: "LONG SHOT", pointAmount: 3, distanceThrown: 0,
            personScored: "[INVALID]", assistScored: "")
        s.rulesChangedBy = "[INVALID]"
        s.rulesChangedAt = 0
        s.errCode = 0
        s.contested = false
        s.payloadMultiplier = 1.5
        s.payloadCheckpoint = -2
        s.payloadDistance = 0
        s.payloadDefenders = 0
        s.payloadSpeed = 0.25
        s.teams = [
            Team(players: (0..<5).map { player(team: 0, index: $0) }, name: "BLUE TEAM", possession: true, stats: stats(7)),
            Team(players: (0..<5).map { player(team: 1, index: $0) }, name: "ORANGE TEAM", possession: false, stats: stats(0)),
            Team(players: nil, name: "SPECTATORS", possession: false, stats: nil),
        ]
        return s
    }

    static func bones(_ seed: Int) -> PlayerBones {
        PlayerBones(
            userBones: (0..<10).map { p in
                UserBones(
                    slot: Int32(p),
                    translations: (0..<69).map { Float($0) * 0.01 + Float(seed) },
                    orientations: (0..<92).map { Float($0 % 4) * 0.25 - Float(p) * 0.001 })
            },
            errCode: 0)
    }

    /// One event of every known kind, with non-trivial payloads.
    static let everyEvent: [Event] = [
        .roundStarted(roundNumber: 2),
        .roundPaused(PauseState(pausedState: "paused", unpausedTeam: "none", pausedRequestedTeam: "blue", unpausedTimer: 0, pausedTimer: 12.5)),
        .roundUnpaused(PauseState(pausedState: "unpaused", unpausedTeam: "orange", pausedRequestedTeam: "none", unpausedTimer: 3, pausedTimer: 0)),
        .roundEnded(roundNumber: 2, winningTeam: .orangeTeam),
        .matchEnded(winningTeam: .blueTeam),
        .scoreboardUpdated(.init(bluePoints: 4, orangePoints: 7, blueRoundScore: 1, orangeRoundScore: 0, gameClockDisplay: "03:12.44")),
        .playerJoined(player: player(team: 1, index: 2), role: .orangeTeam),
        .playerLeft(slot: 7, displayName: "gone"),
        .playerSwitchedTeam(slot: 3, newRole: .spectator, previousRole: .blueTeam),
        .emotePlayed(slot: 4, emote: .secondary),
        .discPossessionChanged(slot: -1, previousSlot: 5),
        .discThrown(slot: 5, details: LastThrow(armSpeed: 9.5, totalSpeed: 12)),
        .discThrown(slot: 6, details: nil),
        .discCaught(slot: 8),
        .goalScored(LastScore(discSpeed: 20, team: "blue", goalType: "SLAM DUNK", pointAmount: 2, distanceThrown: 1, personScored: "a", assistScored: "b")),
        .playerGoal(slot: 1, totalGoals: 2, points: 3),
        .playerSave(slot: 2, total: 3),
        .playerStun(slot: 3, total: 4),
        .playerPass(slot: 4, total: 5),
        .playerSteal(slot: 5, total: 6, victimSlot: -1),
        .playerBlock(slot: 6, total: 7),
        .playerInterception(slot: 7, total: 8),
        .playerAssist(slot: 8, total: 9),
        .playerShotTaken(slot: 9, total: 10),
        .generic(eventType: "joust", data: [.init(key: "team", value: "blue"), .init(key: "ms", value: "2150")], payload: "{}"),
        .derived(.joust(.init(slot: 3, team: .orangeTeam, type: .defensive, time: 2.25, maxSpeed: 18.5, tubeExitSpeed: 11.75))),
        .derived(.bigBoost(.init(slot: 4, speed: 23.5, secondsAgo: 0.5))),
        .derived(.playspaceAbuse(.init(slot: 5, distance: 1.875))),
        .derived(.turnover(.init(slot: 6, previousSlot: 1))),
        .derived(.interception(.init(slot: 7, previousSlot: -1))),
        .derived(.throwDetails(.init(slot: 8, discSpeed: 14.5, relativeSpeed: 9.25, hand: .left, underhandedness: -0.375))),
        .derived(.stun(.init(slot: 9, victimSlot: 2))),
        .derived(.restartRequest(.init(team: .blueTeam, slot: 0, distance: 0.625))),
        .derived(.pauseRequest(.init(team: .unspecified, slot: -1, distance: 0))),
    ]

    static func frame(_ index: Int, bones withBones: Bool = true, events: [Event] = []) -> Frame {
        Frame(
            index: UInt32(index),
            timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(index) * 16),
            session: session(index), bones: withBones ? bones(index) : nil, events: events)
    }
}
