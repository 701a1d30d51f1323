import NEVRTestSupport
import XCTest

@testable import NEVRCore

/// Exact values read from each real sample in `../shared/data`.
final class GameJSONReaderTests: XCTestCase {
    func parse(_ name: String) throws -> Session {
        try GameJSONReader.parseSession(try SharedData.bytes(name))
    }

    func testFrame2021TopLevel() throws {
        let s = try parse(SharedData.frame2021)
        XCTAssertEqual(s.sessionID, "892E23E2-8272-4B07-85E8-5E291AC85F93")
        XCTAssertEqual(s.sessionIP, "216.104.43.94")
        XCTAssertEqual(s.clientName, "NtsFranz")
        XCTAssertEqual(s.matchType, "Echo_Arena_Private")
        XCTAssertEqual(s.mapName, "mpl_arena_a")
        XCTAssertEqual(s.gameStatus, "round_over")
        XCTAssertEqual(s.gameClock, 600.0)
        XCTAssertEqual(s.gameClockDisplay, "10:00.00")
        XCTAssertEqual(s.bluePoints, 15)
        XCTAssertEqual(s.orangePoints, 8)
        XCTAssertEqual(s.blueRoundScore, 3)
        XCTAssertEqual(s.orangeRoundScore, 0)
        XCTAssertEqual(s.totalRoundCount, 3)
        XCTAssertEqual(s.blueTeamRestartRequest, 0)
        XCTAssertEqual(s.orangeTeamRestartRequest, 0)
        XCTAssertEqual(s.leftShoulderPressed, 1.0)
        XCTAssertEqual(s.leftShoulderPressed2, 0.0)
        XCTAssertEqual(s.rightShoulderPressed, 0.0)
        XCTAssertEqual(s.rightShoulderPressed2, 0.0)
        XCTAssertEqual(s.privateMatch, true)
        XCTAssertEqual(s.tournamentMatch, false)
        XCTAssertEqual(s.errCode, 0)
        XCTAssertEqual(s.possession, DiscHolder(teamIndex: 1, playerIndex: 1))
        XCTAssertEqual(s.disc?.position, Vector3(-1.7870001, 0.162, 34.439003))
        XCTAssertEqual(s.disc?.velocity, Vector3(3.1090002, 3.4870002, -3.0960002))
        XCTAssertEqual(s.disc?.bounceCount, 0)
        XCTAssertEqual(s.player?.vrPosition, Vector3(0.19700001, -0.018000001, 0.35700002))
        XCTAssertEqual(
            s.pause,
            PauseState(pausedState: "unpaused", unpausedTeam: "none", pausedRequestedTeam: "none", unpausedTimer: 0, pausedTimer: 0))
        XCTAssertEqual(s.lastThrow?.armSpeed, 0.35953924)
        XCTAssertEqual(s.lastThrow?.offAxisSpinDeg, -23.038441)
        XCTAssertEqual(s.lastThrow?.throwMovePenalty, 0.026893407)
        XCTAssertEqual(s.lastScore?.discSpeed, 9.3109922)
        XCTAssertEqual(s.lastScore?.goalType, "INSIDE SHOT")
        XCTAssertEqual(s.lastScore?.pointAmount, 2)
        XCTAssertEqual(s.lastScore?.personScored, "NtsFranz")
        XCTAssertEqual(s.lastScore?.assistScored, "speedy_v")
        XCTAssertNil(s.rulesChangedAt)
        XCTAssertNil(s.rulesChangedBy)
        XCTAssertEqual(s.extras, [])
    }

    func testFrame2021TeamsAndPlayers() throws {
        let s = try parse(SharedData.frame2021)
        let teams = try XCTUnwrap(s.teams)
        XCTAssertEqual(teams.map(\.name), ["Team Splash", "ORANGE TEAM", "SPECTATORS"])
        XCTAssertEqual(teams.map(\.possession), [false, true, false])
        XCTAssertEqual(teams[0].players?.count, 5)
        XCTAssertEqual(teams[1].players?.count, 5)
        // The empty spectators team has neither players nor stats: absent, not empty.
        XCTAssertNil(teams[2].players)
        XCTAssertNil(teams[2].stats)
        XCTAssertEqual(s.playerCount, 10)

        let blueStats = try XCTUnwrap(teams[0].stats)
        XCTAssertEqual(blueStats.points, 42)
        XCTAssertEqual(blueStats.possessionTime, 595.92175)
        XCTAssertEqual(blueStats.stuns, 166)
        XCTAssertEqual(blueStats.shotsTaken, 33)

        let first = try XCTUnwrap(teams[0].players?.first)
        XCTAssertEqual(first.name, "Loveridge-")
        XCTAssertEqual(first.slot, 0)
        XCTAssertEqual(first.userID, 1_583_780_395_029_509)
        XCTAssertEqual(first.level, 50)
        XCTAssertEqual(first.ping, 54)
        XCTAssertEqual(first.packetLossRatio, 0.0)
        XCTAssertEqual(first.holdingLeft, "none")
        XCTAssertEqual(first.holdingRight, "none")
        XCTAssertEqual(first.stunned, false)
        XCTAssertEqual(first.rightHand?.position, Vector3(4.96, 7.6360002, -8.3460007))
        XCTAssertEqual(first.rightHand?.up, Vector3(-0.634, -0.35000002, -0.69000006))
        XCTAssertEqual(first.leftHand?.position, Vector3(5.1880002, 7.9290004, -8.8570004))
        XCTAssertFalse(first.handsAreBareVectors)
        XCTAssertEqual(first.head?.position, Vector3(4.9720001, 7.2960005, -8.9040003))
        XCTAssertEqual(first.body?.forward, Vector3(-0.26100001, -0.095000006, 0.96100003))
        XCTAssertEqual(first.velocity, Vector3(-2.5210001, -0.99000007, 3.2860003))
        XCTAssertEqual(
            first.stats,
            Stats(
                possessionTime: 140.79926, points: 13, saves: 2, goals: 0, stuns: 30, passes: 0, catches: 0, steals: 3,
                blocks: 0, interceptions: 0, assists: 2, shotsTaken: 12))
        XCTAssertNil(first.legacyPose)
        XCTAssertNil(first.isEmotePlaying)

        let holder = try XCTUnwrap(teams[1].players?[1])
        XCTAssertEqual(holder.name, "speedy_v")
        XCTAssertEqual(holder.possession, true)
        let franz = try XCTUnwrap(teams[1].players?[0])
        XCTAssertEqual(franz.holdingLeft, "disc")
    }

    func testPrettyFrameReadsLikeCompact() throws {
        XCTAssertEqual(try parse(SharedData.frame2021Pretty), try parse(SharedData.frame2021))
    }

    func testFrame2020WholeFloatsAndShape() throws {
        let s = try parse(SharedData.frame2020)
        XCTAssertEqual(s.gameClock, 600)
        XCTAssertEqual(s.gameStatus, "pre_match")
        XCTAssertEqual(s.disc?.forward, Vector3(0, 0, 1))
        XCTAssertEqual(s.possession, .nobody)
        XCTAssertEqual(s.pause?.pausedState, "unpaused")
        XCTAssertNil(s.lastThrow)
        XCTAssertNil(s.errCode)
        XCTAssertNil(s.blueRoundScore)
        let teams = try XCTUnwrap(s.teams)
        XCTAssertEqual(teams.map(\.name), ["TEST", "ORANGE TEAM", "SPECTATORS"])
        XCTAssertNil(teams[1].players)
        let p = try XCTUnwrap(teams[0].players?.first)
        XCTAssertEqual(p.name, "shersal")
        XCTAssertEqual(p.userID, 1_583_776_165_050_733)
        XCTAssertEqual(p.ping, 48)
        XCTAssertNil(p.packetLossRatio)
        XCTAssertNil(p.holdingLeft)
        XCTAssertEqual(p.rightHand?.position, Vector3(0.18100001, 4.256, -49.230003))
        XCTAssertEqual(p.body?.up, Vector3(0, 1, 0))
        XCTAssertEqual(p.velocity, Vector3(0.003, 0.048, -0.0070000002))
        XCTAssertEqual(p.stats?.possessionTime, 0)
    }

    func testFrame2018PublicLegacyPoseAndBareHands() throws {
        let s = try parse(SharedData.frame2018Public)
        XCTAssertEqual(s.matchType, "Echo_Arena_Public")
        XCTAssertEqual(s.gameClock, 64.609161)
        XCTAssertEqual(s.gameStatus, "playing")
        XCTAssertNil(s.sessionIP)
        XCTAssertNil(s.disc?.forward)
        let teams = try XCTUnwrap(s.teams)
        XCTAssertEqual(teams.count, 2)
        let bob = try XCTUnwrap(teams[0].players?.first)
        XCTAssertEqual(bob.name, "Bob")
        XCTAssertTrue(bob.handsAreBareVectors)
        XCTAssertEqual(bob.rightHand, Pose(position: Vector3(-10.416, 3.5430002, 26.869001)))
        XCTAssertEqual(bob.leftHand, Pose(position: Vector3(-10.419001, 3.5290003, 26.732)))
        XCTAssertEqual(bob.legacyPose?.position, Vector3(-10.598001, 3.9720001, 26.736002))
        XCTAssertNotNil(bob.legacyPose?.forward)
        XCTAssertNotNil(bob.legacyPose?.left)
        XCTAssertNotNil(bob.legacyPose?.up)
        XCTAssertNil(bob.head)
        XCTAssertNil(bob.ping)
        XCTAssertEqual(bob.userID, 4_814_054_792_376_258)
        XCTAssertEqual(bob.stats?.possessionTime, 12.294746)
        XCTAssertEqual(bob.stats?.points, 3)
        XCTAssertEqual(bob.stats?.stuns, 6)
        XCTAssertEqual(s.playerCount, 6)
    }

    func testFrame2018PrivateSinglePlayer() throws {
        let s = try parse(SharedData.frame2018Private)
        XCTAssertEqual(s.matchType, "INVALID GAMETYPE")
        XCTAssertEqual(s.mapName, "INVALID LEVEL")
        XCTAssertEqual(s.gameClock, 300.0)
        XCTAssertEqual(s.possession, .nobody)
        XCTAssertEqual(s.lastScore?.team, "blue")
        XCTAssertEqual(s.lastScore?.personScored, "[INVALID]")
        let p = try XCTUnwrap(s.teams?[0].players?.first)
        XCTAssertEqual(p.name, "Ajedi32")
        XCTAssertEqual(p.number, 32)
        XCTAssertEqual(p.legacyPose?.up, Vector3(0.013, 1.0, 0.0))
        XCTAssertEqual(p.legacyPose?.forward, Vector3(-0.90100002, 0.012, 0.43300003))
        XCTAssertEqual(p.rightHand?.position, Vector3(0.40500003, 3.4660001, -27.412001))
        XCTAssertTrue(p.handsAreBareVectors)
        XCTAssertNil(s.teams?[1].players)
    }

    func testNumbersAreNearestDoubleToText() throws {
        // Parsed values must equal Swift's own correctly rounded conversion of the text.
        for text in [
            "0.1", "-0.047000002", "1583780395029509", "6.6384706e-7", "1E+2", "123456789012345678901234",
            "0.30000001192092896", "2.2250738585072014e-308", "1e-400", "9007199254740993", "-0", "5e-324",
            "1.7976931348623157e308", "0.0000000000000000000000001",
        ] {
            let json = Array("{\"game_clock\":\(text)}".utf8)
            let s = try GameJSONReader.parseSession(json)
            let expected = try XCTUnwrap(Double(text))
            XCTAssertEqual(s.gameClock?.bitPattern, expected.bitPattern, text)
        }
    }
}
