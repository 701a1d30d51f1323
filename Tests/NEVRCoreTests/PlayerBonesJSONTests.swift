import XCTest

@testable import NEVRCore

final class PlayerBonesJSONTests: XCTestCase {
    /// A `/player_bones` body in the game's shape: 23 bones per player, game-spelled floats.
    static func bonesBody(players: Int) -> String {
        var users: [String] = []
        for p in 0..<players {
            let t = (0..<69).map { k in spell(Float(k - 34) * 0.001 * Float(p + 1)) }
            let o = (0..<92).map { k in spell(Float((k * 37 + p * 11) % 2001 - 1000) * 0.001) }
            users.append(#"{"bone_t":[\#(t.joined(separator: ","))],"playerid":\#(p * 2),"bone_o":[\#(o.joined(separator: ","))]}"#)
        }
        return #"{"user_bones":[\#(users.joined(separator: ","))],"err_code":0}"#
    }

    static func spell(_ f: Float) -> String {
        var out: [UInt8] = []
        GameJSONWriter.appendFloat(Double(f), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testBonesParseAndWriteBackExactly() throws {
        let text = Self.bonesBody(players: 4)
        let bones = try GameJSONReader.parseBones(Array(text.utf8))
        XCTAssertEqual(bones.errCode, 0)
        let users = try XCTUnwrap(bones.userBones)
        XCTAssertEqual(users.count, 4)
        XCTAssertEqual(users.map(\.slot), [0, 2, 4, 6])
        XCTAssertEqual(users[1].translations?.count, 69)
        XCTAssertEqual(users[1].orientations?.count, 92)
        XCTAssertEqual(users[1].boneCount, 23)
        XCTAssertEqual(users[1].translations?[0], Float(-34) * 0.001 * 2)
        XCTAssertEqual(users[0].orientations?[1], Float(37 - 1000) * 0.001)
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(bones), as: UTF8.self), text)
    }

    func testErrCodeAloneHasNoUserBones() throws {
        let bones = try GameJSONReader.parseBones(Array(#"{"err_code":0}"#.utf8))
        XCTAssertNil(bones.userBones)
        XCTAssertEqual(bones.errCode, 0)
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(bones), as: UTF8.self), #"{"err_code":0}"#)
        let empty = try GameJSONReader.parseBones(Array(#"{"user_bones":[],"err_code":0}"#.utf8))
        XCTAssertEqual(empty.userBones, [])
    }

    func testBonesErrorObjectAndMalformed() {
        XCTAssertThrowsError(try GameJSONReader.parseBones(Array(#"{"err_code":-6,"err_description":"no"}"#.utf8))) { e in
            XCTAssertEqual((e as? GameJSONError)?.reason, .notAGameFrame(errCode: -6, description: "no"))
        }
        XCTAssertThrowsError(try GameJSONReader.parseBones(Array(#"{"user_bones":[{"bone_t":[1,]}]}"#.utf8))) { e in
            XCTAssertEqual((e as? GameJSONError)?.offset, 28)
        }
    }
}
