import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// Key presence lives in the schema (`optional` fields plus `SessionResponse.key_presence`), not
/// in a header convention: files written by `NevrcapWriter` with any header keep absent keys
/// absent; files written before the change (fixture made by the previous writer) and other
/// tools' proto3 files still rebuild through the restorer.
final class KeyPresenceTests: XCTestCase {
    private var dir: URL!
    private let fixtures = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures")

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("key-presence")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A Sept-2020-or-later frame without `sessionip`: the era restorer would invent `"sessionip":""`.
    private func frameWithoutSessionIP() throws -> Frame {
        let json = #"{"sessionid":"S","game_status":"playing","teams":[{"players":[{"name":"A","playerid":0,"level":0,"head":{"position":[0.0,1.0,0.0]}}],"team":"BLUE TEAM","possession":false}],"player":{"vr_left":[1.0,0.0,0.0]},"game_clock":0.0}"#
        return Frame(index: 0, timestamp: Timestamp(millisecondsSinceEpoch: 5), session: try GameJSONReader.parseSession(Array(json.utf8)))
    }

    func testAFileWrittenWithAPlainHeaderKeepsAbsentKeysAbsent() throws {
        let url = dir.appendingPathComponent("plain.nevrcap")
        let w = try NevrcapWriter(url: url, header: NevrcapHeader(captureID: "no-writer-metadata"))
        let frame = try frameWithoutSessionIP()
        try w.write(frame)
        try w.close()

        let back = dir.appendingPathComponent("plain.echoreplay")
        let summary = try CaptureConversion.convert(from: url, to: back)
        XCTAssertFalse(summary.notes.contains { $0.contains("restored") }, "\(summary.notes)")
        let reader = try EchoReplayReader(url: back)
        let record = try XCTUnwrap(try reader.next())
        XCTAssertEqual(String(decoding: record.session, as: UTF8.self), String(decoding: GameJSONWriter.bytes(frame.session), as: UTF8.self))
        XCTAssertNil(try GameJSONReader.parseSession(record.session).sessionIP)

        let receipt = try CaptureVerification.verify(url)
        XCTAssertTrue(receipt.isLossless, "\(receipt.comparison.differences)")
        XCTAssertEqual(receipt.comparison.presenceOnly, 0)
    }

    func testSessionsWithoutTheMarkerAreRestoredUnlessTheHeaderNamesThisToolkit() throws {
        var wire: [UInt8] = []
        NevrcapWire.encode(try frameWithoutSessionIP(), into: &wire)
        var notes = NevrcapDecodeNotes()
        _ = try wire.withUnsafeBytes { try NevrcapWire.decodeFrame($0, notes: &notes) }
        XCTAssertTrue(notes.lastSessionKeptPresence)
        XCTAssertFalse(CaptureConversion.needsKeyRestore(header: nil, notes: notes))

        var old = NevrcapDecodeNotes()
        old.lastSessionKeptPresence = false
        XCTAssertTrue(CaptureConversion.needsKeyRestore(header: NevrcapHeader(captureID: "go"), notes: old))
        let ours = NevrcapHeader(captureID: "x", metadata: [CaptureConversion.writerEntry])
        XCTAssertFalse(CaptureConversion.needsKeyRestore(header: ours, notes: old))
    }

    /// `old-writer-zeros.nevrcap` was written by the previous writer (before `optional`,
    /// `key_presence` and `extras`) from `old-writer-zeros.echoreplay`: a frame full of zeros,
    /// `false` and empty strings. It must still rebuild byte for byte.
    func testAFileFromThePreviousWriterStillRebuildsByteForByte() throws {
        let cap = fixtures.appendingPathComponent("old-writer-zeros.nevrcap")
        let original = try EchoReplayReader(url: fixtures.appendingPathComponent("old-writer-zeros.echoreplay"))
        let reader = try NevrcapReader(url: cap)
        var frames = 0
        while let record = try original.next() {
            guard case .frame(let f) = try reader.step() else { return XCTFail("frame \(frames) missing") }
            XCTAssertEqual(reader.notes.sessionsWithoutPresence, frames + 1)
            XCTAssertFalse(CaptureConversion.needsKeyRestore(header: reader.header, notes: reader.notes))
            XCTAssertEqual(String(decoding: GameJSONWriter.bytes(f.session), as: UTF8.self), String(decoding: record.session, as: UTF8.self))
            frames += 1
        }
        XCTAssertEqual(frames, 2)
        let receipt = try CaptureVerification.verify(cap)
        XCTAssertTrue(receipt.isLossless, "\(receipt.comparison.differences)")
    }
}
