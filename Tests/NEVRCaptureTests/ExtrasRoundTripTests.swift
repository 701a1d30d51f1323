import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// Unknown keys and `null`s at every nesting level survive the JSON reader and writer, the
/// `.nevrcap` codec and `verify` (the CLI side is in NEVRCLITests/ExtrasCLITests).
final class ExtrasRoundTripTests: XCTestCase {
    private let session = Array(ExtrasJSON.session.utf8)
    private let bones = Array(ExtrasJSON.bones.utf8)

    func testEveryObjectKeepsItsExtrasInOrder() throws {
        let s = try GameJSONReader.parseSession(session)
        let b = try GameJSONReader.parseBones(bones)
        XCTAssertEqual(ExtrasFixtures.extraKeys(s, b), ExtrasFixtures.expectedExtraKeys)
        XCTAssertEqual(s.teams?[0].players?[0].extras.last?.json, Array(#"{"deep":{"deeper":[null]}}"#.utf8))
        XCTAssertNil(s.disc?.up, "a known key holding null is not a value")
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(s), as: UTF8.self), ExtrasJSON.session)
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(b), as: UTF8.self), ExtrasJSON.bones)
    }

    func testNevrcapCarriesEveryExtra() throws {
        let frame = Frame(
            index: 3, timestamp: Timestamp(millisecondsSinceEpoch: 1_700_000_000_123),
            session: try GameJSONReader.parseSession(session), bones: try GameJSONReader.parseBones(bones))
        var wire: [UInt8] = []
        NevrcapWire.encode(frame, into: &wire)
        var notes = NevrcapDecodeNotes()
        let back = try wire.withUnsafeBytes { try NevrcapWire.decodeFrame($0, notes: &notes) }
        XCTAssertEqual(back, frame)
        XCTAssertEqual(notes.unknownFields, 0)
        XCTAssertTrue(notes.lastSessionKeptPresence)
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(back.session), as: UTF8.self), ExtrasJSON.session)
    }

    func testVerifyOfBothFormatsIsLossless() throws {
        let dir = try SharedData.temporaryDirectory("extras-verify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let replay = dir.appendingPathComponent("x.echoreplay")
        var text: [UInt8] = []
        for ms in [100, 600] {
            text += Array("2026/11/30 10:00:00.\(ms)\t".utf8) + session + Array("\t ".utf8) + bones + [0x0D, 0x0A]
        }
        try Data(text).write(to: replay)
        let r1 = try CaptureVerification.verify(replay)
        XCTAssertTrue(r1.isLossless, "\(r1.comparison.differences)")
        XCTAssertEqual(r1.byteIdenticalSessions, 2)
        XCTAssertGreaterThan(r1.comparison.fieldsCompared, 100)

        let cap = dir.appendingPathComponent("x.nevrcap")
        _ = try CaptureConversion.convert(from: replay, to: cap)
        let r2 = try CaptureVerification.verify(cap)
        XCTAssertTrue(r2.isLossless, "\(r2.comparison.differences)")
        XCTAssertEqual(r2.framesOut, 2)
        XCTAssertEqual(r2.comparison.presenceOnly, 0)
    }

    func testComparisonReportsALostNestedExtra() throws {
        let a = Frame(index: 0, timestamp: Timestamp(nanosecondsSinceEpoch: 0), session: try GameJSONReader.parseSession(session))
        var b = a
        b.session.teams![0].players![0].setExtras([], of: .stats)
        var c = FrameComparison()
        c.compare(a, b, frameNumber: 0)
        XCTAssertEqual(c.differenceCount, 1)
        XCTAssertEqual(c.differences.first?.path, "teams[0].players[0].stats.(extra keys)")
    }
}
