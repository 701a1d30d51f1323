import NEVRTestSupport
import XCTest

@testable import NEVRCore

/// The spellings re-saving tools and old builds produce, and malformed input.
final class GameJSONQuirkTests: XCTestCase {
    func parse(_ text: String) throws(GameJSONError) -> Session {
        try GameJSONReader.parseSession(Array(text.utf8))
    }

    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> GameJSONError? {
        do {
            _ = try parse(text)
            XCTFail("expected an error for \(text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testBooleanRestartRequestsAndShoulders() throws {
        let s = try parse(
            #"{"blue_team_restart_request":true,"orange_team_restart_request":false,"left_shoulder_pressed":true,"left_shoulder_pressed2":false,"right_shoulder_pressed":false,"right_shoulder_pressed2":true}"#
        )
        XCTAssertEqual(s.blueTeamRestartRequest, 1)
        XCTAssertEqual(s.orangeTeamRestartRequest, 0)
        XCTAssertEqual(s.leftShoulderPressed, 1.0)
        XCTAssertEqual(s.leftShoulderPressed2, 0.0)
        XCTAssertEqual(s.rightShoulderPressed, 0.0)
        XCTAssertEqual(s.rightShoulderPressed2, 1.0)
        // Numeric spellings still read as numbers.
        let n = try parse(#"{"blue_team_restart_request":1,"left_shoulder_pressed":0.25}"#)
        XCTAssertEqual(n.blueTeamRestartRequest, 1)
        XCTAssertEqual(n.leftShoulderPressed, 0.25)
    }

    func testQuotedUserIDAndRulesChangedAt() throws {
        let s = try parse(
            #"{"rules_changed_at":"123456789012","teams":[{"players":[{"userid":"1583780395029509"}]}]}"#)
        XCTAssertEqual(s.rulesChangedAt, 123_456_789_012)
        XCTAssertEqual(s.teams?[0].players?[0].userID, 1_583_780_395_029_509)
        // Written back as bare numbers, the game's own spelling.
        XCTAssertEqual(
            String(decoding: GameJSONWriter.bytes(s), as: UTF8.self),
            #"{"teams":[{"players":[{"userid":1583780395029509}]}],"rules_changed_at":123456789012}"#)
    }

    func testUnknownKeysAndNullsKeptRawInExtras() throws {
        let s = try parse(
            #"{"err_description":"ok","payload":{"a": [1, 2.5e3, "x"], "b": null},"teams":[{"team":"T","flag":"x","players":[{"name":"P","Weapon":null,"new_key":[1,2]}]}],"sessionid":null,"err_code":0}"#
        )
        XCTAssertEqual(
            s.extras,
            [
                ExtraField(key: "err_description", json: Array(#""ok""#.utf8)),
                ExtraField(key: "payload", json: Array(#"{"a": [1, 2.5e3, "x"], "b": null}"#.utf8)),
                ExtraField(key: "sessionid", json: Array("null".utf8)),
            ])
        XCTAssertNil(s.sessionID)
        XCTAssertEqual(s.teams?[0].extras, [ExtraField(key: "flag", json: Array(#""x""#.utf8))])
        let p = try XCTUnwrap(s.teams?[0].players?[0])
        XCTAssertNil(p.weapon)
        XCTAssertEqual(
            p.extras,
            [ExtraField(key: "Weapon", json: Array("null".utf8)), ExtraField(key: "new_key", json: Array("[1,2]".utf8))])
        XCTAssertEqual(try GameJSONReader.parseSession(GameJSONWriter.bytes(s)), s)
    }

    func testCombatKeys() throws {
        let s = try parse(
            #"{"contested":true,"payload_multiplier":1.5,"payload_checkpoint":2,"payload_distance":0.25,"payload_defenders":3,"payload_speed":0.5,"blue_points":12.75,"teams":[{"players":[{"Weapon":"pulsar","Ordnance":"det","TacMod":"heal","Arm":"left"}]}]}"#
        )
        XCTAssertEqual(s.contested, true)
        XCTAssertEqual(s.payloadMultiplier, 1.5)
        XCTAssertEqual(s.payloadCheckpoint, 2)
        XCTAssertEqual(s.payloadDistance, 0.25)
        XCTAssertEqual(s.payloadDefenders, 3)
        XCTAssertEqual(s.payloadSpeed, 0.5)
        XCTAssertEqual(s.bluePoints, 12.75)
        let p = try XCTUnwrap(s.teams?[0].players?[0])
        XCTAssertEqual([p.weapon, p.ordnance, p.tacMod, p.arm], ["pulsar", "det", "heal", "left"])
        XCTAssertEqual(try GameJSONReader.parseSession(GameJSONWriter.bytes(s)), s)
    }

    func testTrailingNulAndWhitespaceAccepted() throws {
        var bytes = try SharedData.bytes(SharedData.frame2021)
        let expected = try GameJSONReader.parseSession(bytes)
        bytes += [0x0D, 0x0A, 0x00, 0x20, 0x00]
        XCTAssertEqual(try GameJSONReader.parseSession(bytes), expected)
        XCTAssertEqual(try parse(" \n{\"err_code\":0}\0").errCode, 0)
    }

    func testErrorObjectIsNotAGameFrame() {
        let e = error(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#)
        XCTAssertEqual(e?.reason, .notAGameFrame(errCode: -6, description: "Endpoint is restricted in this match type"))
        XCTAssertEqual(e?.isNotAGameFrame, true)
        let bare = error(#"{"err_code":-2}"#)
        XCTAssertEqual(bare?.reason, .notAGameFrame(errCode: -2, description: nil))
    }

    func testEscapedStrings() throws {
        let s = try parse(#"{"client_name":"a\"b\\c\/d\n\u00e9\ud83d\ude00\u0041","sessionid":"\ud800x"}"#)
        XCTAssertEqual(s.clientName, "a\"b\\c/d\n\u{e9}\u{1F600}A")
        XCTAssertEqual(s.sessionID, "\u{FFFD}x")
        XCTAssertEqual(try GameJSONReader.parseSession(GameJSONWriter.bytes(s)), s)
    }

    func testMalformedInputReportsOffsetAndExpectation() {
        func check(_ text: String, offset: Int, expected: String, file: StaticString = #filePath, line: UInt = #line) {
            guard let e = error(text, file: file, line: line) else { return }
            XCTAssertEqual(e.offset, offset, "\(text): \(e)", file: file, line: line)
            XCTAssertEqual(e.reason, .malformed(expected: expected), "\(text): \(e)", file: file, line: line)
        }
        check("", offset: 0, expected: "'{' starting the /session object")
        check("[1]", offset: 0, expected: "'{' starting the /session object")
        check(#"{"game_clock":1.}"#, offset: 16, expected: "a digit after '.'")
        check(#"{"game_clock":1 "x":2}"#, offset: 16, expected: "',' or '}'")
        check(#"{"game_clock" 1}"#, offset: 14, expected: "':' after the key")
        check(#"{"a":tru}"#, offset: 5, expected: "true or false")
        check(#"{"a":[1,2}"#, offset: 9, expected: "',' or ']'")
        check(#"{"client_name":"abc"#, offset: 19, expected: "'\"' closing the string")
        check(#"{"err_code":0} x"#, offset: 15, expected: "end of input after the top-level object")
        check("{\"client_name\":\"a\u{01}\"}", offset: 17, expected: "a printable character in the string (control characters must be escaped)")
        check(#"{"game_clock":-x}"#, offset: 15, expected: "a digit after '-'")
    }

    func testWrongTypesAndOverflowAreInvalidValues() {
        XCTAssertEqual(error(#"{"game_clock":"600"}"#)?.reason, .invalidValue(key: "game_clock", expected: "a number"))
        XCTAssertEqual(error(#"{"game_clock":"600"}"#)?.offset, 14)
        XCTAssertEqual(
            error(#"{"err_code":2147483648}"#)?.reason, .invalidValue(key: "err_code", expected: "an integer in 32-bit range"))
        XCTAssertEqual(
            error(#"{"teams":[{"players":[{"userid":18446744073709551616}]}]}"#)?.reason,
            .invalidValue(key: "userid", expected: "an unsigned 64-bit integer"))
        XCTAssertEqual(error(#"{"teams":[{"players":[{"userid":-1}]}]}"#)?.reason, .invalidValue(key: "userid", expected: "an unsigned integer"))
        XCTAssertEqual(error(#"{"disc":{"position":[1,2]}}"#)?.reason, .malformed(expected: "',' between vector components"))
        XCTAssertEqual(error(#"{"err_code":1.5}"#)?.reason, .invalidValue(key: "err_code", expected: "an integer"))
        XCTAssertEqual(try? parse(#"{"err_code":0.0}"#).errCode, 0)
    }

    func testNestingDepthIsCapped() {
        let deep = "{\"x\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        XCTAssertEqual(error(deep)?.reason, .tooDeep)
        let ok = "{\"x\":" + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}"
        XCTAssertEqual(try? parse(ok).extras.count, 1)
    }
}
