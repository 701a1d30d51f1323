import NEVRCore
import NEVRTestSupport
import XCTest

/// One test per rule of events.md, each built from the real 2021 frame with the
/// relevant fields changed.
final class EventDetectorTests: XCTestCase {
    // MARK: Ground rules

    func testFirstFrameIsSilentDespiteStaleLastScoreThrowAndPossession() throws {
        let real = try EventFixtures.frame2021()
        // The real frame repeats a goal in last_score, a throw in last_throw, and slot 1 holds the disc.
        XCTAssertEqual(real.lastScore?.goalType, "INSIDE SHOT")
        XCTAssertNotNil(real.lastThrow)
        XCTAssertEqual(real.player(slot: 1)?.possession, true)
        var playing = real
        playing.gameStatus = "score"
        XCTAssertEqual(detectAll([real]), [[]])
        XCTAssertEqual(detectAll([playing]), [[]])
    }

    func testRepeatedIdenticalFramesAreSilent() throws {
        let real = try EventFixtures.playing()
        XCTAssertEqual(detectAll([real, real, real]), [[], [], []])
    }

    func testErrorFrameInTheMiddleProducesNothingAndChangesNoState() throws {
        var before = try EventFixtures.playing()
        let left = before.removePlayer(slot: 3)
        var after = before
        after.addPlayer(left, team: 1)
        var error = Session()
        error.errCode = -6
        var empty = Session()
        empty.errCode = 0
        let events = detectAll([before, error, empty, after])
        XCTAssertEqual(events[1], [])
        XCTAssertEqual(events[2], [])
        // The join is reported against the last real frame.
        XCTAssertEqual(events[3], [.playerJoined(player: left, role: .orangeTeam)])
    }

    func testNewSessionIDIsASilentBaseline() throws {
        let a = try EventFixtures.playing()
        var b = a
        b.sessionID = "00000000-0000-0000-0000-000000000001"
        b.removePlayer(slot: 3)
        b.bluePoints = 0
        b.gameStatus = "round_start"
        var c = b
        c.gameStatus = "playing"
        XCTAssertEqual(detectAll([a, b, c]), [[], [], []])
    }

    // MARK: Players

    func testJoin() throws {
        let now = try EventFixtures.playing()
        var before = now
        let player = before.removePlayer(slot: 4)
        XCTAssertEqual(detectAll([before, now])[1], [.playerJoined(player: player, role: .blueTeam)])
    }

    func testLeave() throws {
        let before = try EventFixtures.playing()
        var now = before
        let player = now.removePlayer(slot: 4)
        XCTAssertEqual(detectAll([before, now])[1], [.playerLeft(slot: 4, displayName: player.name!)])
    }

    func testSlotReusedByAnotherUserIsALeaveThenAJoin() throws {
        let before = try EventFixtures.playing()
        var now = before
        now.updatePlayer(slot: 4) {
            $0.userID = 42
            $0.name = "newcomer"
        }
        let events = detectAll([before, now])[1]
        XCTAssertEqual(events, [
            .playerLeft(slot: 4, displayName: before.player(slot: 4)!.name!),
            .playerJoined(player: now.player(slot: 4)!, role: .blueTeam),
        ])
    }

    func testTeamSwitchKeepsThePlayerAndReportsBothRoles() throws {
        let before = try EventFixtures.playing()
        var now = before
        let player = now.removePlayer(slot: 4)
        now.addPlayer(player, team: 1)
        XCTAssertEqual(detectAll([before, now])[1],
                       [.playerSwitchedTeam(slot: 4, newRole: .orangeTeam, previousRole: .blueTeam)])
    }

    func testTwoPlayersJoiningInTheSameFrameGiveTwoEventsInSlotOrder() throws {
        let now = try EventFixtures.playing()
        var before = now
        let eight = before.removePlayer(slot: 8)
        let two = before.removePlayer(slot: 2)
        let events = detectAll([before, now])[1]
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events, [
            .playerJoined(player: two, role: Role(teamIndex: now.location(ofSlot: 2)!.team)),
            .playerJoined(player: eight, role: Role(teamIndex: now.location(ofSlot: 8)!.team)),
        ])
    }

    func testSpectatorJoinHasSpectatorRoleFromTheTeamsIndex() throws {
        let now0 = try EventFixtures.playing()
        var now = now0
        let player = Player(name: "watcher", slot: 12, userID: 7, number: 0)
        now.addPlayer(player, team: 2)
        XCTAssertEqual(detectAll([now0, now])[1], [.playerJoined(player: player, role: .spectator)])
    }

    func testEmoteStartIsReportedOnceAndNeedsTheKey() throws {
        var a = try EventFixtures.playing()
        a.updatePlayer(slot: 6) { $0.isEmotePlaying = false }
        var b = a
        b.updatePlayer(slot: 6) { $0.isEmotePlaying = true }
        XCTAssertEqual(detectAll([a, b, b]), [[], [.emotePlayed(slot: 6, emote: .unspecified)], []])
        // The real 2021 frame has no is_emote_playing: the rule is off.
        var c = try EventFixtures.playing()
        XCTAssertNil(c.player(slot: 6)?.isEmotePlaying)
        let c0 = c
        c.updatePlayer(slot: 6) { $0.isEmotePlaying = true }
        XCTAssertEqual(detectAll([c0, c])[1], [])
    }

    // MARK: Stats

    func testStatRisingByTwoGivesTwoEventsWithRunningTotals() throws {
        let before = try EventFixtures.playing()
        let saves = before.player(slot: 0)!.stats!.saves!
        var now = before
        now.updatePlayer(slot: 0) { $0.stats!.saves! += 2 }
        XCTAssertEqual(detectAll([before, now])[1], [
            .playerSave(slot: 0, total: saves + 1),
            .playerSave(slot: 0, total: saves + 2),
        ])
    }

    func testEveryCounterAndSlotInOneFrameIsReportedInSlotThenKindOrder() throws {
        let before = try EventFixtures.playing()
        var now = before
        now.updatePlayer(slot: 6) {
            $0.stats!.stuns! += 1
            $0.stats!.goals! += 1
            $0.stats!.points! += 3
        }
        now.updatePlayer(slot: 1) { $0.stats!.shotsTaken! += 1 }
        let p6 = before.player(slot: 6)!.stats!, p1 = before.player(slot: 1)!.stats!
        XCTAssertEqual(detectAll([before, now])[1], [
            .playerShotTaken(slot: 1, total: p1.shotsTaken! + 1),
            .playerGoal(slot: 6, totalGoals: p6.goals! + 1, points: 3),
            .playerStun(slot: 6, total: p6.stuns! + 1),
        ])
    }

    func testFallingCounterIsSilentAndBecomesTheNewBaseline() throws {
        let a = try EventFixtures.playing()
        var b = a
        b.updatePlayer(slot: 0) { $0.stats!.stuns = 0 }
        var c = b
        c.updatePlayer(slot: 0) { $0.stats!.stuns = 1 }
        XCTAssertEqual(detectAll([a, b, c]), [[], [], [.playerStun(slot: 0, total: 1)]])
    }

    func testStealNamesTheOpposingPlayerWhoLastHeldTheDisc() throws {
        // Slot 1 (orange) holds the disc; then slot 0 (blue) has it and a steal more.
        let a = try EventFixtures.playing()
        var b = a
        b.setHolder(slot: 0)
        b.updatePlayer(slot: 0) { $0.stats!.steals! += 1 }
        let steals = a.player(slot: 0)!.stats!.steals!
        let events = detectAll([a, b])[1]
        XCTAssertEqual(events, [
            .discPossessionChanged(slot: 0, previousSlot: 1),
            .discCaught(slot: 0),
            .playerSteal(slot: 0, total: steals + 1, victimSlot: 1),
            // Derived: an other-team catch without a save is Spark's turnover.
            .derived(.turnover(.init(slot: 0, previousSlot: 1))),
        ])
    }

    // MARK: Disc

    func testPossessionPassingFromOnePlayerToAnother() throws {
        let a = try EventFixtures.playing()   // slot 1 holds
        var b = a
        b.setHolder(slot: 6)
        XCTAssertEqual(detectAll([a, b])[1], [
            .discPossessionChanged(slot: 6, previousSlot: 1),
            .discCaught(slot: 6),
        ])
    }

    func testThrowNeedsSpeedAndAnUnstunnedThrower() throws {
        let a = try EventFixtures.playing()
        var fast = a
        fast.setHolder(slot: -1)
        fast.disc!.velocity = Vector3(0, 2, 9)
        XCTAssertEqual(detectAll([a, fast])[1], [
            .discPossessionChanged(slot: -1, previousSlot: 1),
            .discThrown(slot: 1, details: nil),
        ])
        var slow = fast
        slow.disc!.velocity = Vector3(0, 1, 1)
        XCTAssertEqual(detectAll([a, slow])[1], [.discPossessionChanged(slot: -1, previousSlot: 1)])
        var stunned = fast
        stunned.updatePlayer(slot: 1) { $0.stunned = true }
        XCTAssertEqual(detectAll([a, stunned])[1], [.discPossessionChanged(slot: -1, previousSlot: 1)])
        // The threshold is an option.
        XCTAssertEqual(detectAll([a, slow], options: EventDetectionOptions(discThrownMinimumSpeed: 1))[1].last,
                       .discThrown(slot: 1, details: nil))
    }

    func testThrowByTheRecordingClientCarriesTheNewLastThrow() throws {
        var a = try EventFixtures.playing()
        XCTAssertEqual(a.clientName, "NtsFranz")
        a.setHolder(slot: 6)   // NtsFranz
        var b = a
        b.setHolder(slot: -1)
        b.disc!.velocity = Vector3(0, 0, 12)
        b.lastThrow!.totalSpeed = 12.5
        XCTAssertEqual(detectAll([a, b])[1].last, .discThrown(slot: 6, details: b.lastThrow))
        // Another player's throw never carries the client's last_throw.
        var c = a
        c.setHolder(slot: 1)
        var d = c
        d.setHolder(slot: -1)
        d.disc!.velocity = Vector3(0, 0, 12)
        d.lastThrow!.totalSpeed = 12.5
        XCTAssertEqual(detectAll([c, d])[1].last, .discThrown(slot: 1, details: nil))
    }

    func testCatchFromAFreeDisc() throws {
        var a = try EventFixtures.playing()
        a.setHolder(slot: -1)
        var b = a
        b.setHolder(slot: 6)
        XCTAssertEqual(detectAll([a, b])[1], [
            .discPossessionChanged(slot: 6, previousSlot: -1),
            .discCaught(slot: 6),
        ])
    }

    // MARK: Goals

    func testGoalWithLastScoreTrailingTheStatusByOneFrame() throws {
        var playing = try EventFixtures.playing()
        playing.bluePoints = 12
        var score = playing
        score.gameStatus = "score"
        score.bluePoints = 15
        var scoreWithDetails = score
        scoreWithDetails.lastScore = LastScore(discSpeed: 14.2, team: "blue", goalType: "LONG SHOT", pointAmount: 3,
                                               distanceThrown: 17.5, personScored: "Hazzzah", assistScored: "[INVALID]")
        var next = scoreWithDetails
        next.gameStatus = "playing"
        let events = detectAll([playing, score, scoreWithDetails, scoreWithDetails, next])
        let goals = events.map { $0.filter { $0.kind == .goalScored } }
        XCTAssertEqual(goals, [[], [], [.goalScored(scoreWithDetails.lastScore!)], [], []])
        // The scoreboard change is in the status frame; no round starts after a goal.
        XCTAssertEqual(events[1].first?.kind, .scoreboardUpdated)
        XCTAssertEqual(events[4], [])
    }

    func testGoalWithoutTheScoreStateAtLowRatesIsReportedOnce() throws {
        var playing = try EventFixtures.playing()
        playing.bluePoints = 12
        var goal = playing
        goal.bluePoints = 14
        goal.lastScore!.personScored = "Hazzzah"
        goal.lastScore!.team = "blue"
        let events = detectAll([playing, goal, goal])
        XCTAssertEqual(events[1].filter { $0.kind == .goalScored }, [.goalScored(goal.lastScore!)])
        XCTAssertEqual(events[2], [])
    }

    func testGoalWhoseLastScoreNeverChangesIsStillReportedAfterTheTrail() throws {
        var playing = try EventFixtures.playing()
        playing.bluePoints = 12
        var score = playing
        score.gameStatus = "score"
        score.bluePoints = 14
        let goals = detectAll([playing, score, score, score]).map { $0.filter { $0.kind == .goalScored } }
        XCTAssertEqual(goals, [[], [], [.goalScored(score.lastScore!)], []])
    }

    func testTwoGoalsGiveTwoEvents() throws {
        var p0 = try EventFixtures.playing()
        p0.bluePoints = 0
        p0.orangePoints = 0
        var g1 = p0
        g1.gameStatus = "score"; g1.bluePoints = 2; g1.lastScore!.personScored = "A"
        var p1 = g1
        p1.gameStatus = "playing"
        var g2 = p1
        g2.gameStatus = "score"; g2.orangePoints = 3; g2.lastScore!.personScored = "B"
        let goals = detectAll([p0, g1, p1, p1, p1, p1, g2]).flatMap { $0.filter { $0.kind == .goalScored } }
        XCTAssertEqual(goals, [.goalScored(g1.lastScore!), .goalScored(g2.lastScore!)])
    }

    // MARK: Rounds, match, pause, scoreboard

    func testRoundEndThenRoundStartThenMatchEndOncePerSession() throws {
        var playing = try EventFixtures.playing()
        playing.blueRoundScore = 1
        playing.orangeRoundScore = 0
        playing.bluePoints = 7
        playing.orangePoints = 4
        var over = playing
        over.gameStatus = "round_over"
        over.blueRoundScore = 2
        var next = over
        next.gameStatus = "round_start"
        next.bluePoints = 0
        next.orangePoints = 0
        var live = next
        live.gameStatus = "playing"
        var end = live
        end.gameStatus = "post_match"
        end.orangeRoundScore = 1
        var again = end
        again.gameStatus = "pre_match"
        let events = detectAll([playing, over, next, live, end, again, end]).map { $0.filter { $0.kind != .scoreboardUpdated } }
        XCTAssertEqual(events, [
            [],
            [.roundEnded(roundNumber: 2, winningTeam: .blueTeam)],
            [.roundStarted(roundNumber: 3)],
            [],
            [.roundEnded(roundNumber: 3, winningTeam: .orangeTeam), .matchEnded(winningTeam: .blueTeam)],
            [],
            [],
        ])
    }

    func testRoundStartWhenTheCaptureSkippedRoundStartButNeverAfterAGoalOrUnpause() throws {
        var pre = try EventFixtures.playing()
        pre.gameStatus = "pre_match"
        pre.blueRoundScore = 0
        pre.orangeRoundScore = 0
        var live = pre
        live.gameStatus = "playing"
        var score = live
        score.gameStatus = "score"
        var paused = live
        paused.pause!.pausedState = "paused"
        let events = detectAll([pre, live, score, live, paused, live]).map { $0.filter { $0.kind == .roundStarted } }
        XCTAssertEqual(events, [[], [.roundStarted(roundNumber: 1)], [], [], [], []])
    }

    func testPauseAndUnpause() throws {
        let a = try EventFixtures.playing()
        XCTAssertEqual(a.pause?.pausedState, "unpaused")
        var requested = a
        requested.pause!.pausedState = "paused_requested"
        requested.pause!.pausedRequestedTeam = "orange"
        var paused = requested
        paused.pause!.pausedState = "paused"
        paused.pause!.pausedTimer = 1.5
        var unpausing = paused
        unpausing.pause!.pausedState = "unpausing"
        unpausing.pause!.unpausedTeam = "blue"
        var resumed = unpausing
        resumed.pause!.pausedState = "unpaused"
        let all = detectAll([a, requested, paused, paused, unpausing, resumed])
        // The derived pause request (orange, its player nearest the terminal) follows the pause.
        XCTAssertEqual(all.map { $0.filter { $0.kind != .pauseRequest } }, [
            [], [], [.roundPaused(paused.pause!)], [], [], [.roundUnpaused(resumed.pause!)],
        ])
        let requests = all.map { $0.compactMap { e -> DerivedEvent.TerminalRequest? in
            if case .derived(.pauseRequest(let r)) = e { return r } else { return nil } } }
        XCTAssertEqual(requests.map(\.count), [0, 0, 1, 0, 0, 0])
        XCTAssertEqual(requests[2].first?.team, .orangeTeam)
        // Community servers say `none` instead of `unpaused`.
        var none = paused
        none.pause!.pausedState = "none"
        XCTAssertEqual(detectAll([a, paused, none])[2], [.roundUnpaused(none.pause!)])
    }

    func testScoreboardCarriesAllFourScoresAndTheClock() throws {
        let a = try EventFixtures.playing()
        var b = a
        b.orangeRoundScore = 1
        b.gameClockDisplay = "04:59.51"
        XCTAssertEqual(detectAll([a, b])[1], [.scoreboardUpdated(Event.Scoreboard(
            bluePoints: 15, orangePoints: 8, blueRoundScore: 3, orangeRoundScore: 1, gameClockDisplay: "04:59.51"))])
    }

    func testMissingKeysDisableOnlyTheirRules() throws {
        // Without the possession information the disc rules are off, the others still work.
        var a = try EventFixtures.playing()
        a.possession = nil
        for t in a.teams!.indices { for i in (a.teams![t].players ?? []).indices { a.teams![t].players![i].possession = nil } }
        var b = a
        b.disc!.velocity = Vector3(0, 0, 20)
        b.updatePlayer(slot: 0) { $0.stats!.saves! += 1 }
        XCTAssertEqual(detectAll([a, b])[1].map(\.kind), [.playerSave])
    }

    // MARK: Order and determinism

    func testGroupsComeInTheDocumentedOrder() throws {
        var a = try EventFixtures.playing()
        a.bluePoints = 0
        var b = a
        b.gameStatus = "score"
        b.bluePoints = 2
        b.lastScore!.personScored = "Hazzzah"
        b.setHolder(slot: -1)
        b.disc!.velocity = Vector3(0, 0, 5)
        b.updatePlayer(slot: 4) { $0.stats!.goals! += 1 }
        b.removePlayer(slot: 9)
        let kinds = detectAll([a, b])[1].map(\.kind)
        XCTAssertEqual(kinds, [.scoreboardUpdated, .playerLeft, .discPossessionChanged, .discThrown, .goalScored, .playerGoal])
    }

    func testTwoRunsGiveIdenticalEventsAndJSON() throws {
        let frames = try scriptedMatch()
        let first = detectAll(frames)
        let second = detectAll(frames)
        XCTAssertEqual(first, second)
        XCTAssertGreaterThan(first.joined().count, 5)
        func lines(_ runs: [[Event]]) -> [String] {
            runs.enumerated().flatMap { i, events in
                events.map { EventJSON.line(for: $0, frameIndex: UInt32(i), timestamp: Timestamp(millisecondsSinceEpoch: Int64(i) * 16)) }
            }
        }
        XCTAssertEqual(lines(first), lines(second))
    }

    /// A few frames in which many things happen.
    func scriptedMatch() throws -> [Session] {
        var s = try EventFixtures.playing()
        var frames = [s]
        s.setHolder(slot: -1); s.disc!.velocity = Vector3(1, 2, 8); frames.append(s)
        s.setHolder(slot: 0); s.updatePlayer(slot: 0) { $0.stats!.steals! += 1 }; frames.append(s)
        s.gameStatus = "score"; s.bluePoints = 17; s.updatePlayer(slot: 0) { $0.stats!.goals! += 1 }; frames.append(s)
        s.lastScore!.personScored = "Loveridge-"; frames.append(s)
        s.removePlayer(slot: 2); frames.append(s)
        s.gameStatus = "round_over"; frames.append(s)
        return frames
    }
}

