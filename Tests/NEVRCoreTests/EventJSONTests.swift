import NEVRCore
import XCTest

final class EventJSONTests: XCTestCase {
    let t = Timestamp(Timestamp.Components(year: 2021, month: 11, day: 20, hour: 21, minute: 5, second: 33, nanosecond: 407_000_000))

    func testStatEventUsesNevrcapFieldNames() {
        XCTAssertEqual(EventJSON.line(for: .playerSave(slot: 3, total: 2), frameIndex: 120, timestamp: t),
                       #"{"frame":120,"timestamp":"2021-11-20T21:05:33.407","kind":"player_save","player_slot":3,"total_saves":2}"#)
        XCTAssertEqual(EventJSON.line(for: .playerShotTaken(slot: 1, total: 9), frameIndex: 0, timestamp: t),
                       #"{"frame":0,"timestamp":"2021-11-20T21:05:33.407","kind":"player_shot_taken","player_slot":1,"total_shots":9}"#)
        XCTAssertEqual(EventJSON.line(for: .playerSteal(slot: 1, total: 4, victimSlot: -1), frameIndex: 5, timestamp: t),
                       #"{"frame":5,"timestamp":"2021-11-20T21:05:33.407","kind":"player_steal","player_slot":1,"total_steals":4,"victim_player_slot":-1}"#)
    }

    func testEnumsUseProtobufValueNames() {
        XCTAssertEqual(EventJSON.line(for: .roundEnded(roundNumber: 2, winningTeam: .blueTeam), frameIndex: 7, timestamp: t),
                       #"{"frame":7,"timestamp":"2021-11-20T21:05:33.407","kind":"round_ended","round_number":2,"winning_team":"ROLE_BLUE_TEAM"}"#)
        XCTAssertEqual(EventJSON.line(for: .emotePlayed(slot: 6, emote: .unspecified), frameIndex: 7, timestamp: t),
                       #"{"frame":7,"timestamp":"2021-11-20T21:05:33.407","kind":"emote_played","player_slot":6,"emote":"EMOTE_TYPE_UNSPECIFIED"}"#)
    }

    func testJoinedPlayerIsATeamMemberObjectWithEscapedStrings() {
        let player = Player(name: "Q\"uote\\d\n", slot: 4, userID: 1_403_213_729_748_087, number: 12, level: 50,
                            stunned: false, stats: Stats(possessionTime: 1.5, points: 3, saves: 0))
        XCTAssertEqual(EventJSON.line(for: .playerJoined(player: player, role: .orangeTeam), frameIndex: 1, timestamp: t),
                       #"{"frame":1,"timestamp":"2021-11-20T21:05:33.407","kind":"player_joined","player":{"account_number":1403213729748087,"display_name":"Q\"uote\\d\n","slot_number":4,"jersey_number":12,"level":50,"is_stunned":false,"stats":{"possession_time":1.5,"points":3,"saves":0}},"role":"ROLE_ORANGE_TEAM"}"#)
    }

    func testGoalAndPauseNestTheirObjects() {
        let score = LastScore(discSpeed: 9.25, team: "orange", goalType: "INSIDE SHOT", pointAmount: 2,
                              distanceThrown: 0.5, personScored: "NtsFranz", assistScored: "speedy_v")
        XCTAssertEqual(EventJSON.line(for: .goalScored(score), frameIndex: 9, timestamp: t),
                       #"{"frame":9,"timestamp":"2021-11-20T21:05:33.407","kind":"goal_scored","score_details":{"disc_speed":9.25,"team":"orange","goal_type":"INSIDE SHOT","point_amount":2,"distance_thrown":0.5,"person_scored":"NtsFranz","assist_scored":"speedy_v"}}"#)
        let pause = PauseState(pausedState: "paused", unpausedTeam: "none", pausedRequestedTeam: "blue", unpausedTimer: 0, pausedTimer: 2.5)
        XCTAssertEqual(EventJSON.line(for: .roundPaused(pause), frameIndex: 9, timestamp: t),
                       #"{"frame":9,"timestamp":"2021-11-20T21:05:33.407","kind":"round_paused","pause_state":{"paused_state":"paused","unpaused_team":"none","paused_requested_team":"blue","unpaused_timer":0.0,"paused_timer":2.5}}"#)
    }

    func testEveryLineParsesAsJSONWithFrameTimestampAndKind() throws {
        let events: [Event] = [
            .roundStarted(roundNumber: 1), .matchEnded(winningTeam: .unspecified),
            .scoreboardUpdated(.init(bluePoints: 1, orangePoints: 2, blueRoundScore: 0, orangeRoundScore: 1, gameClockDisplay: "01:00.00")),
            .playerLeft(slot: 2, displayName: "ünïcødé \u{1}"), .playerSwitchedTeam(slot: 2, newRole: .spectator, previousRole: .blueTeam),
            .discPossessionChanged(slot: -1, previousSlot: 3), .discThrown(slot: 3, details: LastThrow(armSpeed: .nan, totalSpeed: 3)),
            .discCaught(slot: 4), .playerGoal(slot: 1, totalGoals: 2, points: 3),
            .generic(eventType: "x", data: [.init(key: "k", value: "v")], payload: "p"),
            .unknown(fieldNumber: 99, payload: [0x0a, 0xff]),
        ]
        for event in events {
            let line = EventJSON.line(for: event, frameIndex: 3, timestamp: t)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual(object?["kind"] as? String, event.kind.name, line)
            XCTAssertEqual(object?["frame"] as? Int, 3, line)
        }
    }
}
