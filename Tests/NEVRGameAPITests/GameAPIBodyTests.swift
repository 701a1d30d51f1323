import NEVRCore
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

final class GameAPIBodyTests: XCTestCase {
    func testClassifiesTheRealFrameByItsSessionID() {
        XCTAssertEqual(GameAPIBody.classify(TestFrames.realFrame), .frame(sessionID: TestFrames.realSessionID))
    }

    func testErrorObjectsAndShortBodiesAreNotFrames() {
        XCTAssertEqual(GameAPIBody.classify(GameAPIResponse.noMatchBody), .errorObject)
        XCTAssertEqual(GameAPIBody.classify(Array(#"{"err_code":0}"#.utf8)), .errorObject)
        XCTAssertEqual(GameAPIBody.classify(Array(#"{"sessionid":"AB"}"#.utf8)), .tooShort(byteCount: 18))
        XCTAssertEqual(GameAPIBody.classify([]), .tooShort(byteCount: 0))
        let long = Array(("{\"x\":\"" + String(repeating: "a", count: 900) + "\"}").utf8)
        XCTAssertEqual(GameAPIBody.classify(long), .unreadable)
        // Pretty-printed JSON would break the one-line-per-frame formats.
        let pretty = Array(String(decoding: TestFrames.realFrame, as: UTF8.self).replacingOccurrences(of: ",\"teams\"", with: ",\n\"teams\"").utf8)
        XCTAssertNotEqual(pretty, TestFrames.realFrame)
        XCTAssertEqual(GameAPIBody.classify(pretty), .unreadable)
    }

    func testSessionIDInsideAStringValueIsNotTheKey() {
        // A player name containing the key text is escaped inside its string.
        let body = Array((#"{"name":"\"sessionid\":\"FAKE\"","sessionid":"REAL-ID","pad":""# + String(repeating: "x", count: 900) + "\"}").utf8)
        XCTAssertEqual(GameAPIBody.classify(body), .frame(sessionID: "REAL-ID"))
    }

    func testTrailingNULAndWhitespaceAreTrimmed() {
        let body: [UInt8] = Array("{}".utf8) + [0x0D, 0x0A, 0x00]
        XCTAssertEqual(GameAPIBody.trimmedLength(body), 2)
        XCTAssertEqual(GameAPIBody.trimmedLength([0, 0]), 0)
    }

    func testSegmentFileNamesComeFromStartTimeAndSessionID() {
        let t = Timestamp(Timestamp.Components(year: 2021, month: 11, day: 20, hour: 21, minute: 5, second: 33, nanosecond: 407_000_000))
        XCTAssertEqual(
            RecordingSegment(sessionID: TestFrames.realSessionID, startedAt: t).baseName,
            "rec_2021-11-20_21-05-33_892E23E2-8272-4B07-85E8-5E291AC85F93")
        XCTAssertEqual(RecordingSegment(sessionID: "../../etc/passwd", startedAt: t).baseName, "rec_2021-11-20_21-05-33_etcpasswd")
    }
}
