import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

final class NevrcapConversionTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevrcap-conv")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// The real frames as compact lines: the 2021 frame (byte for byte), the 2020 and 2018
    /// frames minified by Foundation (their own spelling is not the game's anyway).
    private func realSessions() throws -> [[UInt8]] {
        var out = [try SharedData.bytes(SharedData.frame2021)]
        for name in [SharedData.frame2020, SharedData.frame2018Public, SharedData.frame2018Private] {
            var bytes = try SharedData.bytes(name)
            while let last = bytes.last, last == 0 || last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
            if bytes.contains(0x0A) {
                let object = try JSONSerialization.jsonObject(with: Data(bytes))
                bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
            }
            out.append(bytes)
        }
        return out
    }

    private let bones: [UInt8] = Array(#"{"user_bones":[{"bone_t":[0.1,1.25,-3.0,0.0,0.5,6.6384706e-7],"playerid":0,"bone_o":[0.0,0.0,0.0,1.0,0.70710677,0.0,0.0,0.70710677]}],"err_code":0}"#.utf8)

    /// A plain `.echoreplay` of `count` lines cycling through the real frames, 16 ms apart,
    /// bones on every third line.
    private func recording(_ name: String, count: Int) throws -> (URL, [EchoReplayRecord]) {
        let sessions = try realSessions()
        let url = dir.appendingPathComponent(name)
        let writer = try EchoReplayWriter(url: url, options: .init(zipped: true))
        var records: [EchoReplayRecord] = []
        for i in 0..<count {
            let ts = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16)
            let record = EchoReplayRecord(lineNumber: i + 1, timestamp: ts, session: sessions[i % sessions.count], bones: i % 3 == 0 ? bones : nil)
            try writer.write(timestamp: record.timestamp, session: record.session, bones: record.bones)
            records.append(record)
        }
        try writer.close()
        return (url, records)
    }

    func testEchoReplayToNevrcapToEchoReplayKeepsEveryFrameTimestampAndValue() throws {
        let (source, records) = try recording("source.echoreplay", count: 40)
        let cap = dir.appendingPathComponent("mid.nevrcap")
        let back = dir.appendingPathComponent("back.echoreplay")
        let s1 = try CaptureConversion.convert(from: source, to: cap)
        XCTAssertEqual(s1.framesWritten, 40)
        XCTAssertEqual(s1.skippedCount, 0)
        XCTAssertEqual(s1.framesWithBones, 14)

        let reader = try NevrcapReader(url: cap)
        XCTAssertEqual(reader.header?[metadata: "source"], "echoreplay")
        XCTAssertEqual(reader.header?[metadata: "source_file"], "source.echoreplay")
        XCTAssertTrue(reader.header?.captureID.hasPrefix("converted-") ?? false)
        XCTAssertTrue(CaptureConversion.writesExplicitZeros(reader.header))

        let s2 = try CaptureConversion.convert(from: cap, to: back)
        XCTAssertEqual(s2.framesWritten, 40)
        XCTAssertTrue(s2.notes.contains { $0.contains("event") && $0.contains("header") })

        let rebuilt = try EchoReplayReader(url: back)
        var n = 0
        while let line = try rebuilt.next() {
            let original = records[n]
            XCTAssertEqual(line.timestamp, original.timestamp, "line \(n)")
            let a = try GameJSONReader.parseSession(original.session)
            let b = try GameJSONReader.parseSession(line.session)
            // 2018 frames: the player-level pose has no place in .nevrcap (verify reports it).
            XCTAssertEqual(b, NevrcapHoldability.holdable(Frame(index: 0, timestamp: original.timestamp, session: a)).session, "line \(n)")
            if n % 4 == 0 {
                XCTAssertEqual(line.session, original.session, "the 2021 frame's JSON comes back byte for byte (line \(n))")
            }
            XCTAssertEqual(line.bones.map { try? GameJSONReader.parseBones($0) }, original.bones.map { try? GameJSONReader.parseBones($0) })
            n += 1
        }
        XCTAssertEqual(n, 40)
    }

    func testConversionDetectsEventsThroughTheFrameProcessor() throws {
        // The same frame twice with a save added in the second: one PlayerSave event.
        let base = try SharedData.bytes(SharedData.frame2021)
        var session = try GameJSONReader.parseSession(base)
        let first = GameJSONWriter.bytes(session)
        let saves = session.teams![0].players![0].stats!.saves!
        session.teams![0].players![0].stats!.saves = saves + 1
        let second = GameJSONWriter.bytes(session)
        let url = dir.appendingPathComponent("ev.echoreplay")
        let w = try EchoReplayWriter(url: url, options: .init(zipped: false))
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1000), session: first, bones: nil)
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1016), session: second, bones: nil)
        try w.close()
        let cap = dir.appendingPathComponent("ev.nevrcap")
        let summary = try CaptureConversion.echoReplayToNevrcap(from: url, to: cap)
        XCTAssertEqual(summary.eventsWritten, 1)
        let reader = try NevrcapReader(url: cap)
        XCTAssertEqual(try reader.next()?.events, [])
        let slot = session.teams![0].players![0].slot!
        XCTAssertEqual(try reader.next()?.events, [.playerSave(slot: slot, total: saves + 1)])
    }

    func testUnreadableLinesAreSkippedWithLineNumbers() throws {
        let url = dir.appendingPathComponent("bad.echoreplay")
        let good = try SharedData.bytes(SharedData.frame2021)
        let w = try EchoReplayWriter(url: url, options: .init(zipped: false))
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1000), session: good, bones: nil)
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1001), session: Array(#"{"sessionid":"x","teams":[{"players":[{"name":3]}]}"#.utf8), bones: nil)
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1002), session: good, bones: nil)
        try w.close()
        let summary = try CaptureConversion.echoReplayToNevrcap(from: url, to: dir.appendingPathComponent("bad.nevrcap"))
        XCTAssertEqual(summary.framesWritten, 2)
        XCTAssertEqual(summary.skippedCount, 1)
        XCTAssertEqual(summary.skipped.first?.lineNumber, 2)
    }

    func testGameErrorObjectLinesAreNotFramesAndAreSaidSo() throws {
        let url = dir.appendingPathComponent("err.echoreplay")
        let good = try SharedData.bytes(SharedData.frame2021)
        let w = try EchoReplayWriter(url: url, options: .init(zipped: false))
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1000), session: good, bones: nil)
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1001), session: Array(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8), bones: nil)
        try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1002), session: good, bones: nil)
        try w.close()
        let summary = try CaptureConversion.echoReplayToNevrcap(from: url, to: dir.appendingPathComponent("err.nevrcap"))
        XCTAssertEqual(summary.framesWritten, 2)
        XCTAssertEqual(summary.skippedCount, 0)
        XCTAssertTrue(summary.notes.contains { $0.hasPrefix("1 line(s) holding the game's error object") }, "\(summary.notes)")
        let receipt = try CaptureVerification.verify(url)
        XCTAssertEqual(receipt.framesIn, 2)
        XCTAssertTrue(receipt.isLossless)
        XCTAssertTrue(receipt.notHoldable.contains { $0.contains("error object") })
    }

    func testTruncatedNevrcapConvertsEveryCompleteFrame() throws {
        let (source, _) = try recording("t.echoreplay", count: 30)
        let cap = dir.appendingPathComponent("t.nevrcap")
        _ = try CaptureConversion.echoReplayToNevrcap(from: source, to: cap, options: .init(writer: .init(framesPerZstdFrame: 5)))
        let bytes = try Data(contentsOf: cap)
        let cut = dir.appendingPathComponent("cut.nevrcap")
        try bytes.prefix(bytes.count * 2 / 3).write(to: cut)
        let summary = try CaptureConversion.nevrcapToEchoReplay(from: cut, to: dir.appendingPathComponent("cut.echoreplay"))
        XCTAssertTrue(summary.inputTruncated)
        XCTAssertGreaterThanOrEqual(summary.framesWritten, 15)
        XCTAssertLessThan(summary.framesWritten, 30)
        XCTAssertTrue(summary.notes.contains { $0.contains("\(summary.framesWritten) complete frames recovered") })
    }

    func testVerifyPassesForRealFramesBothWays() throws {
        let (source, _) = try recording("v.echoreplay", count: 12)
        let receipt = try CaptureVerification.verify(source)
        XCTAssertEqual(receipt.framesIn, 12)
        XCTAssertEqual(receipt.framesOut, 12)
        XCTAssertEqual(receipt.comparison.differenceCount, 0, "\(receipt.comparison.differences)")
        XCTAssertGreaterThan(receipt.comparison.fieldsCompared, 12 * 100)
        XCTAssertTrue(receipt.isLossless)
        XCTAssertEqual(receipt.byteIdenticalSessions, 3, "the three 2021 lines")
        // 2018 player poses and bare-vector hands travel in their own .nevrcap fields now.
        XCTAssertFalse(receipt.notHoldable.contains { $0.contains("2018") }, "\(receipt.notHoldable)")
        // The receipt's checksum is the file's SHA-256 (checked against the sha256sum tool).
        let tool = String(decoding: try ExternalTool.run("sha256sum", [source.path]), as: UTF8.self)
        XCTAssertEqual(receipt.sha256, String(tool.prefix(64)))

        let cap = dir.appendingPathComponent("v.nevrcap")
        _ = try CaptureConversion.convert(from: source, to: cap)
        let capReceipt = try CaptureVerification.verify(cap)
        XCTAssertEqual(capReceipt.framesOut, 12)
        XCTAssertTrue(capReceipt.isLossless, "\(capReceipt.comparison.differences)")
    }

    func testVerifyNamesALossByJSONPath() throws {
        // A .nevrcap value the game's float spelling cannot carry: 0.1 + 0.2 in a player's stats.
        let session = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021))
        var frame = Frame(index: 0, timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407), session: session)
        frame.session.teams![1].players![3].stats!.possessionTime = 0.1 + 0.2
        let url = dir.appendingPathComponent("loss.nevrcap")
        let w = try NevrcapWriter(url: url, header: CaptureConversion.convertedHeader(for: url, source: "test"))
        try w.write(frame)
        try w.close()
        let receipt = try CaptureVerification.verify(url)
        XCTAssertFalse(receipt.isLossless)
        XCTAssertEqual(receipt.comparison.differences.map(\.path), ["teams[1].players[3].stats.possession_time"])
        XCTAssertEqual(receipt.comparison.countsByPath, ["teams[].players[].stats.possession_time": 1])
    }

    func testSHA256KnownAnswers() {
        var empty = SHA256()
        XCTAssertEqual(empty.finalizeHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var abc = SHA256()
        abc.update(Array("abc".utf8))
        XCTAssertEqual(abc.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var long = SHA256()
        for _ in 0..<1000 { long.update(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno".utf8.prefix(56))) }
        var once = SHA256()
        once.update(Array(repeating: Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno".utf8.prefix(56)), count: 1000).flatMap { $0 })
        XCTAssertEqual(long.finalizeHex(), once.finalizeHex())
    }

    func testProto3KeyRestorerFillsTheEraKeys() throws {
        // What a Go writer leaves of the 2021 frame once zeros are dropped: decode with
        // proto3 semantics by stripping every zero, then restore.
        var s = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021))
        let original = s
        s.bluePoints = s.bluePoints == 0 ? nil : s.bluePoints
        s.orangeTeamRestartRequest = nil
        s.privateMatch = s.privateMatch == true ? true : nil
        s.errCode = nil
        s.leftShoulderPressed = s.leftShoulderPressed == 0 ? nil : s.leftShoulderPressed
        s.teams![0].players![0].stunned = s.teams![0].players![0].stunned == true ? true : nil
        s.teams![0].players![0].stats!.goals = s.teams![0].players![0].stats!.goals == 0 ? nil : s.teams![0].players![0].stats!.goals
        Proto3KeyRestorer.restore(&s)
        XCTAssertEqual(GameJSONWriter.bytes(s), GameJSONWriter.bytes(original))
    }
}
