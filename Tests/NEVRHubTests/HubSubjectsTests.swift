import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRHub

/// The cluster's subject naming and the pieces of the relay that need no server.
final class HubSubjectsTests: XCTestCase {
    func testTokensAreSubjectSafeAndReversible() throws {
        var random = SeededGenerator(seed: 16)
        var ids = ["892E23E2-8272-4B07-85E8-5E291AC85F93", "", "_", "a.b", "*", ">", "x y", "ünï", "a_2E", "🙂", "-"]
        let alphabet = Array("aZ09-_.*> \t\r\n/ü🙂%")
        for _ in 0..<500 {
            ids.append(String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
        }
        let subjects = try HubSubjects(prefix: "nevr.hub")
        var seen: [String: String] = [:]
        for id in ids {
            let token = HubSubjects.token(id)
            XCTAssertFalse(token.isEmpty)
            XCTAssertTrue(
                token.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F },
                "token \(token) of \(id.debugDescription)")
            XCTAssertEqual(HubSubjects.match(fromToken: token[...]), id, "round trip of \(id.debugDescription)")
            XCTAssertEqual(subjects.match(fromFrameSubject: subjects.frames(id)), id)
            if let other = seen[token] { XCTAssertEqual(other, id, "two ids share token \(token)") }
            seen[token] = id
        }
        XCTAssertEqual(HubSubjects.token("AB-c9"), "AB-c9", "plain ids stay readable")
        XCTAssertEqual(HubSubjects.token("a.b_"), "a_2Eb_5F")
        XCTAssertEqual(subjects.frames("m1"), "nevr.hub.m.m1")
        XCTAssertEqual(subjects.header("m1"), "nevr.hub.h.m1")
        XCTAssertEqual(subjects.all, "nevr.hub.>")
        XCTAssertEqual(subjects.allFrames, "nevr.hub.m.*")
        XCTAssertNil(subjects.match(fromFrameSubject: "nevr.hub.h.m1"))
        XCTAssertNil(HubSubjects.match(fromToken: "a_2"), "truncated escape")
        XCTAssertNil(HubSubjects.match(fromToken: "a_zz"), "not hex")
        XCTAssertNil(HubSubjects.match(fromToken: "_FF"), "not UTF-8")
    }

    func testPrefixIsChecked() {
        for bad in ["", "a..b", ".a", "a.", "a b", "a.*", "nevr.>", String(repeating: "a", count: 201)] {
            XCTAssertThrowsError(try HubSubjects(prefix: bad), bad.debugDescription)
        }
        XCTAssertNoThrow(try HubSubjects(prefix: "league_1.hub-eu"))
    }

    func testMatchListJSON() throws {
        let json = HubMatchSummary.json([.init(match: "b\"q", frames: 2), .init(match: "a", frames: 10)])
        let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
        let list = object?["matches"] as? [[String: Any]]
        XCTAssertEqual(list?.map { $0["match"] as? String }, ["a", "b\"q"], "sorted, escaped")
        XCTAssertEqual(list?.map { $0["frames"] as? Int }, [10, 2])
        XCTAssertEqual(String(decoding: HubMatchSummary.json([]), as: UTF8.self), "{\"matches\":[]}\n")
    }

    /// The embedded hub answers `GET /matches` from its rings.
    func testLocalHubListsItsMatches() async throws {
        let hub = StreamHub()
        for (match, n) in [("m-a", 3), ("m-b", 1)] {
            for i in 0..<n {
                hub.publish(StreamedFrame(match: match, index: UInt32(i), timestamp: Timestamp(millisecondsSinceEpoch: Int64(i)), sessionJSON: Array("{}".utf8)))
            }
        }
        let list = try await hub.matches()
        XCTAssertEqual(Set(list), [HubMatchSummary(match: "m-a", frames: 3), HubMatchSummary(match: "m-b", frames: 1)])
    }
}
