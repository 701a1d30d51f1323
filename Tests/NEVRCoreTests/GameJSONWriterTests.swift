import NEVRTestSupport
import XCTest

@testable import NEVRCore

final class GameJSONWriterTests: XCTestCase {
    func testFrame2021WrittenBackByteExact() throws {
        let bytes = try SharedData.bytes(SharedData.frame2021)
        XCTAssertEqual(bytes.count, 13_684)
        let written = GameJSONWriter.bytes(try GameJSONReader.parseSession(bytes))
        if written != bytes {
            let at = (0..<min(written.count, bytes.count)).first { written[$0] != bytes[$0] } ?? min(written.count, bytes.count)
            let lo = max(0, at - 60)
            XCTFail(
                """
                first difference at byte \(at) (written \(written.count) B, original \(bytes.count) B)
                written:  \(String(decoding: written[lo..<min(written.count, at + 60)], as: UTF8.self))
                original: \(String(decoding: bytes[lo..<min(bytes.count, at + 60)], as: UTF8.self))
                """)
        }
    }

    func testSemanticRoundTripOfEverySample() throws {
        for name in SharedData.allFrames {
            let parsed = try GameJSONReader.parseSession(try SharedData.bytes(name))
            let again = try GameJSONReader.parseSession(GameJSONWriter.bytes(parsed))
            XCTAssertEqual(again, parsed, name)
        }
    }

    func testPrettySampleWritesAsCompactWireForm() throws {
        let pretty = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021Pretty))
        XCTAssertEqual(GameJSONWriter.bytes(pretty), try SharedData.bytes(SharedData.frame2021))
    }

    func testWriteAppendsToExistingBytes() throws {
        var out: [UInt8] = Array("prefix".utf8)
        var s = Session()
        s.errCode = 0
        GameJSONWriter.write(s, into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "prefix{\"err_code\":0}")
    }

    func testAbsentKeysNotWrittenAndExtrasFollowKnownKeys() throws {
        var s = Session()
        s.gameClock = 12.5
        s.extras = [ExtraField(key: "Weapon", json: Array("null".utf8)), ExtraField(key: "x\"y", json: Array("[1, {\"a\":2}]".utf8))]
        s.errCode = 0
        var team = Team(name: "A \"quoted\"\nname", possession: false)
        team.extras = [ExtraField(key: "k", json: Array("true".utf8))]
        s.teams = [team]
        let text = String(decoding: GameJSONWriter.bytes(s), as: UTF8.self)
        XCTAssertEqual(
            text,
            #"{"teams":[{"team":"A \"quoted\"\nname","possession":false,"k":true}],"game_clock":12.5,"err_code":0,"Weapon":null,"x\"y":[1, {"a":2}]}"#
        )
        XCTAssertEqual(try GameJSONReader.parseSession(Array(text.utf8)), s)
    }

    func testTeamStatsUseTeamKeyOrder() {
        var s = Session()
        s.teams = [Team(stats: Stats(possessionTime: 1, points: 2, saves: 3, goals: 4, stuns: 5, passes: 6, catches: 7, steals: 8, blocks: 9, interceptions: 10, assists: 11, shotsTaken: 12))]
        XCTAssertEqual(
            String(decoding: GameJSONWriter.bytes(s), as: UTF8.self),
            #"{"teams":[{"stats":{"points":2,"possession_time":1.0,"interceptions":10,"blocks":9,"steals":8,"catches":7,"passes":6,"saves":3,"goals":4,"stuns":5,"assists":11,"shots_taken":12}}]}"#
        )
    }

    func testPointsAndUserIDSpelling() throws {
        var s = Session()
        s.bluePoints = 15
        s.orangePoints = 2.5  // Combat capture progress
        s.rulesChangedAt = 18_446_744_073_709_551_615
        s.teams = [Team(players: [Player(userID: 1_583_780_395_029_509)])]
        let text = String(decoding: GameJSONWriter.bytes(s), as: UTF8.self)
        XCTAssertEqual(
            text,
            #"{"teams":[{"players":[{"userid":1583780395029509}]}],"orange_points":2.5,"blue_points":15,"rules_changed_at":18446744073709551615}"#
        )
        XCTAssertEqual(try GameJSONReader.parseSession(Array(text.utf8)), s)
    }

    func testLegacyPlayerWrittenWithBareHandsAndOwnPose() throws {
        let bytes = try SharedData.bytes(SharedData.frame2018Private)
        let s = try GameJSONReader.parseSession(bytes)
        let text = String(decoding: GameJSONWriter.bytes(s), as: UTF8.self)
        XCTAssertTrue(text.contains(#""rhand":[0.40500003,3.4660001,-27.412001]"#), text)
        XCTAssertTrue(text.contains(#""position":[0.19700001,3.5340002,-27.876001]"#), text)
        XCTAssertTrue(text.contains(#""up":[0.013,1.0,0.0]"#), text)
        XCTAssertFalse(text.contains("\"pos\""))
    }

    func testAppendFloatSpellings() {
        func spell(_ v: Double) -> String {
            var out: [UInt8] = []
            GameJSONWriter.appendFloat(v, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
        XCTAssertEqual(spell(600), "600.0")
        XCTAssertEqual(spell(0), "0.0")
        XCTAssertEqual(spell(-0.0), "-0.0")
        XCTAssertEqual(spell(0.162), "0.162")
        XCTAssertEqual(spell(-1.7870001), "-1.7870001")
        XCTAssertEqual(spell(-0.047000002), "-0.047000002")
        XCTAssertEqual(spell(6.6384706e-7), "6.6384706e-7")
        XCTAssertEqual(spell(1e20), "1e20")
        XCTAssertEqual(spell(0.5), "0.5")
        XCTAssertEqual(spell(12345678), "12345678.0")
        XCTAssertEqual(spell(123456789), "1.2345679e8")
        XCTAssertEqual(spell(0.001), "0.001")
        XCTAssertEqual(spell(0.00001), "9.9999997e-6")  // the float nearest 1e-5
        XCTAssertEqual(spell(.infinity), "null")
        XCTAssertEqual(spell(.nan), "null")
    }
}
