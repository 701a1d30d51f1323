import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// Bad lines are skipped, counted and reported; limits hold; damaged files fail with the file's name.
final class EchoReplayRobustnessTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("echoreplay-bad")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func file(_ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try EchoReplayFixture.write(Array(text.utf8), to: url)
        return url
    }

    func testOneBadLineAmongGoodOnesIsSkippedAndNamed() throws {
        var lines = try EchoReplayFixture.lines()
        let text = EchoReplayFixture.text(lines, newline: "\r\n")
        // Replace line 4's timestamp with a broken one.
        var raw = text
        var lineStarts = [0]
        for (i, b) in raw.enumerated() where b == 0x0A { lineStarts.append(i + 1) }
        raw.replaceSubrange(lineStarts[3] ..< lineStarts[3] + 23, with: Array("2021/11/2X 21:05:33.407".utf8))
        let url = dir.appendingPathComponent("onebad.echoreplay")
        try EchoReplayFixture.write(raw, to: url)

        let (reader, records) = try EchoReplayFixture.readAll(url)
        lines.remove(at: 3)
        EchoReplayFixture.assertRecords(records, equal: lines)
        XCTAssertEqual(reader.skippedCount, 1)
        XCTAssertEqual(reader.skipped, [SkippedLine(lineNumber: 4, reason: "invalid timestamp \"2021/11/2X 21:05:33.407\"")])
    }

    func testEachKindOfBadLineHasItsLineNumberAndReason() throws {
        let good = "2021/11/20 21:05:33.407\t{\"game_clock\":1.0}"
        let text = [
            good,                                                       // 1
            "",                                                         // 2 empty: not counted
            "garbage",                                                  // 3
            "2021/11/20 21:05:33.407 {\"game_clock\":1.0}",             // 4 space instead of TAB
            "2021/11/20 21:05:33.407\t[1,2]",                           // 5
            "2021/11/20 21:05:33.407\t{\"game_clock\":1.0",             // 6 cut off
            "2021/11/20 21:05:33.407\t{\"a\":1}\tnot-json",             // 7
            "2021/11/20 21:05:33.407\t{\"a\":1}\t{}\t{}",               // 8
            "2021/11/20 21:05:33.407\t\t{}",                            // 9 empty session column
            "2021/11/20 21:05:33.408\t{\"game_clock\":2.0}\t {\"err_code\":0}", // 10
        ].joined(separator: "\n")
        let (reader, records) = try EchoReplayFixture.readAll(try file("kinds.echoreplay", text))
        XCTAssertEqual(records.map(\.lineNumber), [1, 10])
        XCTAssertEqual(records[1].bones, Array("{\"err_code\":0}".utf8))
        XCTAssertEqual(reader.skippedCount, 7)
        XCTAssertEqual(reader.skipped.map(\.lineNumber), [3, 4, 5, 6, 7, 8, 9])
        let reasons = reader.skipped.map(\.reason)
        XCTAssertTrue(reasons[0].contains("too short"), reasons[0])
        XCTAssertTrue(reasons[1].contains("expected TAB"), reasons[1])
        XCTAssertTrue(reasons[2].contains("not a JSON object"), reasons[2])
        XCTAssertTrue(reasons[3].contains("does not end with '}'"), reasons[3])
        XCTAssertTrue(reasons[4].contains("bones column"), reasons[4])
        XCTAssertTrue(reasons[5].contains("more than three"), reasons[5])
        XCTAssertTrue(reasons[6].contains("empty session"), reasons[6])
        XCTAssertEqual(reader.linesRead, 10)
    }

    func testSkippedReasonsAreBoundedButCountIsComplete() throws {
        var text = "2021/11/20 21:05:33.407\t{}\n"
        for _ in 0 ..< 50 { text += "bad line\n" }
        let (reader, records) = try EchoReplayFixture.readAll(try file("many.echoreplay", text))
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(reader.skippedCount, 50)
        XCTAssertEqual(reader.skipped.count, 20)
        XCTAssertEqual(reader.skipped.last?.lineNumber, 21)
    }

    func testAllLinesRejectedIsAnErrorNamingTheFile() throws {
        let url = try file("allbad.echoreplay", "nope\n2021/11/20 21:05:33\t{}\n{\"a\":1}\n")
        XCTAssertThrowsError(try EchoReplayFixture.readAll(url)) { error in
            guard let e = error as? EchoReplayError, case .allLinesRejected(let count, let first) = e.reason else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(count, 3)
            XCTAssertEqual(first?.lineNumber, 1)
            XCTAssertEqual(e.path, url.path)
            XCTAssertTrue(e.description.hasPrefix(url.path + ": "), e.description)
        }
    }

    func testEmptyFileIsAnError() throws {
        for (name, text) in [("empty.echoreplay", ""), ("blank.echoreplay", "\r\n\n  \n")] {
            XCTAssertThrowsError(try EchoReplayFixture.readAll(try file(name, text))) { error in
                XCTAssertEqual((error as? EchoReplayError)?.reason, .empty, "\(error)")
            }
        }
    }

    func testMissingFileErrorNamesTheFile() {
        let url = dir.appendingPathComponent("nope.echoreplay")
        XCTAssertThrowsError(try EchoReplayReader(url: url)) { error in
            XCTAssertTrue("\(error)".hasPrefix(url.path + ": cannot open"), "\(error)")
        }
    }

    func testByteOrderMarkAndLocaleSeparators() throws {
        let text = "\u{FEFF}2021.11.20 21.05.33.407\t{\"a\":1}\r\n2021.11.20 21.05.33.999\t{\"a\":2}\r\n"
        let (reader, records) = try EchoReplayFixture.readAll(try file("locale.echoreplay", text))
        XCTAssertEqual(reader.skippedCount, 0)
        XCTAssertEqual(records.map { EchoReplayTimestamp.string($0.timestamp) }, ["2021/11/20 21:05:33.407", "2021/11/20 21:05:33.999"])
        XCTAssertEqual(records.map(\.session), [Array("{\"a\":1}".utf8), Array("{\"a\":2}".utf8)])
    }

    func testOverlongLineIsSkippedAndReadingContinues() throws {
        let long = "2021/11/20 21:05:33.407\t{\"x\":\"" + String(repeating: "a", count: 10_000) + "\"}"
        let text = "2021/11/20 21:05:33.407\t{}\n" + long + "\n2021/11/20 21:05:33.408\t{}\n" + long
        var options = EchoReplayReader.Options()
        options.maxLineBytes = 5_000
        options.chunkSize = 4096
        let (reader, records) = try EchoReplayFixture.readAll(try file("long.echoreplay", text), options: options)
        XCTAssertEqual(records.map(\.lineNumber), [1, 3])
        XCTAssertEqual(reader.skipped.map(\.lineNumber), [2, 4])
        XCTAssertTrue(reader.skipped[0].reason.contains("longer than 5000 bytes"))
    }

    func testInflatedSizeBoundStopsReading() throws {
        let url = dir.appendingPathComponent("big.echoreplay")
        let w = try EchoReplayWriter(url: url)
        let session = try SharedData.bytes(SharedData.frame2021)
        for i in 0 ..< 100 { try w.write(timestamp: Timestamp(millisecondsSinceEpoch: Int64(i)), session: session, bones: nil) }
        try w.close()
        var options = EchoReplayReader.Options()
        options.maxInflatedBytes = 200_000
        XCTAssertThrowsError(try EchoReplayFixture.readAll(url, options: options)) { error in
            XCTAssertEqual((error as? EchoReplayError)?.reason, .entryTooLarge(limit: 200_000), "\(error)")
        }
    }

    func testCorruptedStoredEntryFailsItsCRC() throws {
        let content = Array("2021/11/20 21:05:33.407\t{\"a\":1}\r\n".utf8)
        var zip = EchoReplayZipTests.handBuiltZip64(name: "crc.echoreplay", content: content)
        // The stored content starts after the local header (30 bytes), the name and the 20-byte ZIP64 extra;
        // change the `a` of `{"a":1}` (content offset 26).
        let at = 30 + "crc.echoreplay".utf8.count + 20 + 26
        XCTAssertEqual(zip[at], UInt8(ascii: "a"))
        zip[at] = UInt8(ascii: "b")
        let url = dir.appendingPathComponent("crc.echoreplay")
        try EchoReplayFixture.write(zip, to: url)
        XCTAssertThrowsError(try EchoReplayFixture.readAll(url)) { error in
            XCTAssertTrue("\(error)".contains("CRC-32 mismatch"), "\(error)")
        }
    }

    /// A zipped recording whose writer died (no central directory): the complete lines are
    /// recovered, the cut line is reported.
    func testUnfinishedArchiveIsRecoveredUpToTheCut() throws {
        let url = dir.appendingPathComponent("crash.echoreplay")
        let w = try EchoReplayWriter(url: url, options: .init(compressionLevel: 1))
        let session = try SharedData.bytes(SharedData.frame2021)
        let count = 400
        for i in 0 ..< count { try w.write(timestamp: Timestamp(millisecondsSinceEpoch: Int64(i)), session: session, bones: nil) }
        try w.close()
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes.removeLast(bytes.count / 2)
        try EchoReplayFixture.write(bytes, to: url)

        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertTrue(reader.isRecoveredFromTruncation)
        XCTAssertGreaterThan(records.count, 10)
        XCTAssertLessThan(records.count, count)
        for (i, r) in records.enumerated() {
            XCTAssertEqual(r.timestamp.milliseconds, Int64(i))
            XCTAssertTrue(r.session == session)
        }
        XCTAssertLessThanOrEqual(reader.skippedCount, 1)
        if let cut = reader.skipped.first { XCTAssertTrue(cut.reason.contains("cut off"), cut.reason) }
    }
}

/// What a crash leaves: a file read while its writer is still open (never closed).
final class EchoReplayFlushTests: XCTestCase {
    func testFlushedFramesAreReadableBeforeClose() throws {
        let dir = try SharedData.temporaryDirectory("echoreplay-flush")
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try SharedData.bytes(SharedData.frame2021)
        for zipped in [true, false] {
            let url = dir.appendingPathComponent("open-\(zipped).echoreplay")
            let writer = try EchoReplayWriter(url: url, options: .init(zipped: zipped))
            for i in 0 ..< 5 { try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: Int64(i)), session: session, bones: nil) }
            try writer.flush()
            // Not flushed: must not be visible, and must not break what is.
            try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: 99), session: session, bones: nil)

            let (reader, records) = try EchoReplayFixture.readAll(url)
            XCTAssertEqual(records.count, 5, "zipped: \(zipped)")
            XCTAssertEqual(records.map(\.timestamp.milliseconds), [0, 1, 2, 3, 4])
            XCTAssertTrue(records.allSatisfy { $0.session == session })
            XCTAssertEqual(reader.skippedCount, 0, "\(reader.skipped)")
            XCTAssertEqual(reader.isRecoveredFromTruncation, zipped)

            try writer.close()
            let (closed, all) = try EchoReplayFixture.readAll(url)
            XCTAssertEqual(all.count, 6)
            XCTAssertFalse(closed.isRecoveredFromTruncation)
            XCTAssertThrowsError(try writer.flush())
        }
    }
}

/// Hundreds of damaged files (random byte changes and truncations of a zipped and a plain
/// recording, including in the ZIP structures): every one ends in records or an error, never a crash.
final class EchoReplayMutationTests: XCTestCase {
    func testMutatedAndTruncatedFilesNeverCrash() throws {
        let dir = try SharedData.temporaryDirectory("echoreplay-mutations")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("m.echoreplay")
        let writer = try EchoReplayWriter(url: source)
        let bones = EchoReplayFixture.bones
        for i in 0 ..< 4 {
            try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i)),
                             session: Array(#"{"sessionid":"892E23E2-8272-4B07-85E8-5E291AC85F93","game_clock":12.5}"#.utf8),
                             bones: i % 2 == 0 ? bones : nil)
        }
        try writer.close()
        let zipped = [UInt8](try Data(contentsOf: source))
        let plain = Array("2021/11/20 21:05:33.407\t{\"game_clock\":1.0}\t {\"err_code\":0}\r\n2021/11/20 21:05:33.424\t{\"game_clock\":2.0}\n2021.11.20 21.05.33.441\t{\"a\":[1,2]}\t\r\n".utf8)

        var rng = SystemRandomNumberGenerator()
        var outcomes = (records: 0, errors: 0)
        let target = dir.appendingPathComponent("m.echoreplay")
        for round in 0 ..< 600 {
            var bytes = round % 2 == 0 ? zipped : plain
            if round % 5 == 4 {
                bytes.removeLast(Int.random(in: 1 ..< bytes.count, using: &rng))
            } else {
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    // Bias toward the ZIP structures at both ends, where parsing decisions are made.
                    let region = Int.random(in: 0 ..< 3, using: &rng)
                    let at = region == 0 ? Int.random(in: 0 ..< min(64, bytes.count), using: &rng)
                        : region == 1 ? Int.random(in: max(0, bytes.count - 140) ..< bytes.count, using: &rng)
                        : Int.random(in: 0 ..< bytes.count, using: &rng)
                    bytes[at] = UInt8.random(in: 0 ... 255, using: &rng)
                }
            }
            try Data(bytes).write(to: target)
            do {
                var options = EchoReplayReader.Options()
                options.maxInflatedBytes = 1 << 20
                options.chunkSize = 4096
                let (_, records) = try EchoReplayFixture.readAll(target, options: options)
                outcomes.records += records.count
            } catch let error as EchoReplayError {
                XCTAssertEqual(error.path, target.path)
                outcomes.errors += 1
            }
        }
        XCTAssertGreaterThan(outcomes.errors, 0)
        XCTAssertGreaterThan(outcomes.records, 0)
    }
}
