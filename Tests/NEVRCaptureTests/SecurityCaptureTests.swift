import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// Regression tests for issue 15 in the capture layer: conversions never destroy inputs or
/// leave fragments, numbers the format cannot store never trap, bombs are bounded, damaged
/// files keep everything readable, `verify` does not say OK when it should not.
final class SecurityCaptureTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("security-capture")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func file(_ name: String) -> URL { dir.appendingPathComponent(name) }

    private var realSession: [UInt8] { get throws { try SharedData.bytes(SharedData.frame2021) } }

    /// A plain `.echoreplay` of `count` copies of the real frame (with `session` overriding it).
    private func writePlain(_ url: URL, count: Int, session: [UInt8]? = nil) throws {
        let writer = try EchoReplayWriter(url: url, options: .init(zipped: false))
        let s = try session ?? realSession
        for i in 0..<count {
            try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16), session: s, bones: nil)
        }
        try writer.close()
    }

    private func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
    }

    // MARK: Atomic output files

    func testAtomicOutputRefusesToWriteOverAnInputByPathSymlinkOrHardLink() throws {
        let input = file("x.echoreplay")
        try writePlain(input, count: 1)
        let before = try Data(contentsOf: input)
        XCTAssertThrowsError(try AtomicOutputFile(destination: input, inputs: [input]))
        let link = file("link.echoreplay")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: input)
        XCTAssertThrowsError(try AtomicOutputFile(destination: link, inputs: [input]))
        let hard = file("hard.echoreplay")
        try FileManager.default.linkItem(at: input, to: hard)
        XCTAssertThrowsError(try AtomicOutputFile(destination: hard, inputs: [input])) { error in
            XCTAssertTrue("\(error)".contains("refusing to overwrite"), "\(error)")
        }
        XCTAssertThrowsError(try CaptureConversion.convert(from: input, to: hard))
        XCTAssertEqual(try Data(contentsOf: input), before)
        XCTAssertEqual(try leftovers(), [])
    }

    func testCommitMovesIntoPlaceAndDiscardLeavesTheOldFile() throws {
        let dest = file("out.nevrcap")
        try Data("old".utf8).write(to: dest)
        let out = try AtomicOutputFile(destination: dest)
        try Data("new".utf8).write(to: out.temporaryURL)
        XCTAssertEqual(try Data(contentsOf: dest), Data("old".utf8), "the destination is untouched until commit")
        out.discard()
        XCTAssertEqual(try Data(contentsOf: dest), Data("old".utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.temporaryURL.path))
        let second = try AtomicOutputFile(destination: dest)
        try Data("new".utf8).write(to: second.temporaryURL)
        try second.commit()
        XCTAssertEqual(try Data(contentsOf: dest), Data("new".utf8))
        XCTAssertEqual(try leftovers(), [])
    }

    func testFailedConversionKeepsTheFileAlreadyAtTheOutputPath() throws {
        let input = file("bad.echoreplay")
        try Data("not a recording\nstill not\n".utf8).write(to: input)
        let output = file("bad.nevrcap")
        try Data("a good file".utf8).write(to: output)
        XCTAssertThrowsError(try CaptureConversion.convert(from: input, to: output))
        XCTAssertEqual(try Data(contentsOf: output), Data("a good file".utf8), "a failed convert must not delete what was there")
        XCTAssertEqual(try leftovers(), [])
    }

    func testZippedOutputEntryIsNamedAfterTheFinalFileNotTheTemporaryOne() throws {
        let input = file("m.echoreplay")
        try writePlain(input, count: 2)
        let output = file("copy.echoreplay")
        _ = try CaptureConversion.convert(from: input, to: output, options: ConversionOptions(write: CaptureWriteOptions(echoReplay: .init(zipped: true))))
        let reader = try EchoReplayReader(url: output)
        XCTAssertEqual(reader.entryName, "copy.echoreplay")
    }

    func testBatchConflictsFindOutputsThatAreInputsAndCollidingStems() throws {
        for name in ["x.echoreplay", "x.nevrcap", "y.echoreplay", "y.txt"] { try writePlain(file(name), count: 1) }
        let pairs: [(input: URL, output: URL)] = [
            (file("x.echoreplay"), file("x.nevrcap")),  // would overwrite the input x.nevrcap
            (file("x.nevrcap"), file("x.echoreplay")),  // would overwrite the input x.echoreplay
            (file("y.echoreplay"), file("out/y.nevrcap")),
            (file("y.txt"), file("out/y.nevrcap")),  // same output as the line above
        ]
        let conflicts = OutputPaths.conflicts(in: pairs)
        let paths = Set(conflicts.map { URL(fileURLWithPath: $0.path).lastPathComponent })
        XCTAssertEqual(paths, ["x.nevrcap", "x.echoreplay", "y.nevrcap"], "\(conflicts)")
        XCTAssertTrue(conflicts.contains { if case .collision(let inputs) = $0.reason { return inputs.count == 2 } else { return false } })
    }

    // MARK: Numbers the format cannot store

    func testHugePointsAreRefusedByTheWriterInsteadOfTrapping() throws {
        for value in [1e308, -1e308, 9.3e18, 2_147_483_648.0, Double.infinity, -Double.infinity, Double.nan] {
            var frame = NevrcapFixtures.frame(0)
            frame.session.bluePoints = value
            let writer = try NevrcapWriter(inMemory: "mem", header: nil)
            XCTAssertThrowsError(try writer.write(frame), "\(value)") { error in
                XCTAssertTrue((error as? NevrcapError)?.isUnrepresentableFrame ?? false, "\(error)")
            }
            // The writer is still usable and the file valid.
            try writer.write(NevrcapFixtures.frame(1))
            try writer.close()
            let reader = try NevrcapReader(bytes: writer.compressedData)
            XCTAssertEqual(try reader.next()?.index, 1)
            XCTAssertNil(try reader.next())
            // The non-throwing encoder saturates instead of trapping.
            var bytes: [UInt8] = []
            NevrcapWire.encode(frame, into: &bytes)
            XCTAssertFalse(bytes.isEmpty)
        }
        var edge = NevrcapFixtures.frame(2)
        edge.session.orangePoints = 2_147_483_647.9
        let writer = try NevrcapWriter(inMemory: "mem", header: nil)
        XCTAssertNoThrow(try writer.write(edge), "the largest int32 still fits")
    }

    func testConvertSkipsAndReportsALineWithHugePointsAndKeepsTheRest() throws {
        var session = try String(decoding: realSession, as: UTF8.self)
        let range = try XCTUnwrap(session.range(of: #""blue_points":"#))
        let valueEnd = try XCTUnwrap(session[range.upperBound...].firstIndex(of: ","))
        session.replaceSubrange(range.upperBound..<valueEnd, with: "1e308")
        let input = file("huge.echoreplay")
        let writer = try EchoReplayWriter(url: input, options: .init(zipped: false))
        for (i, s) in [try realSession, Array(session.utf8), try realSession].enumerated() {
            try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: 1_000 + Int64(i)), session: s, bones: nil)
        }
        try writer.close()
        let summary = try CaptureConversion.convert(from: input, to: file("huge.nevrcap"))
        XCTAssertEqual(summary.framesWritten, 2)
        XCTAssertEqual(summary.skippedCount, 1)
        XCTAssertEqual(summary.skipped.first?.lineNumber, 2)
        XCTAssertTrue(summary.skipped.first?.reason.contains("blue_points") ?? false, "\(summary.skipped)")
        // verify calls it a loss, it does not trap.
        let receipt = try CaptureVerification.verify(input)
        XCTAssertFalse(receipt.isLossless)
        XCTAssertEqual(receipt.unreadableCount, 1)
    }

    func testCheckedConversionsNeverTrap() {
        XCTAssertNil(CheckedNumber.int32(towardZero: 1e308))
        XCTAssertNil(CheckedNumber.int32(towardZero: .nan))
        XCTAssertNil(CheckedNumber.int32(towardZero: 2_147_483_648))
        XCTAssertEqual(CheckedNumber.int32(towardZero: -2_147_483_648.9), .min)
        XCTAssertEqual(CheckedNumber.int32(towardZero: 3.9), 3)
        XCTAssertNil(CheckedNumber.int64(rounding: 9_223_372_036_854_775_808))
        XCTAssertNil(CheckedNumber.nanoseconds(seconds: 10_000_000_000))
        XCTAssertEqual(CheckedNumber.nanoseconds(seconds: 1.5), 1_500_000_000)
        XCTAssertNil(CheckedNumber.port("99999"))
        XCTAssertNil(CheckedNumber.port("0"))
        XCTAssertEqual(CheckedNumber.port("0", allowZero: true), 0)
        XCTAssertNil(CheckedNumber.port("+80"))
        XCTAssertEqual(CheckedNumber.port("65535"), 65535)
    }

    // MARK: Bombs

    /// varint-framed records (no zstd): `records` as given.
    private func stream(_ records: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for r in records {
            var v = UInt64(r.count)
            while v >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
            out += r
        }
        return out
    }

    private func record(_ frame: Frame) -> [UInt8] {
        var b: [UInt8] = []
        NevrcapWire.encode(frame, into: &b)
        return b
    }

    private func header(_ id: String) -> [UInt8] {
        var b: [UInt8] = []
        NevrcapWire.encode(NevrcapHeader(captureID: id), into: &b)
        return b
    }

    func testZeroLengthRecordsAreSkippedCountedAndBounded() throws {
        let few = stream([header("a"), record(NevrcapFixtures.frame(0))] + Array(repeating: [], count: 5) + [record(NevrcapFixtures.frame(1))])
        let reader = try NevrcapReader(bytes: Zstd.compress(few))
        var frames = 0
        try reader.forEach { _ in frames += 1 }
        XCTAssertEqual(frames, 2, "zero-length records are not frames")
        XCTAssertEqual(reader.emptyRecordsSkipped, 5)

        // A bomb: 2 MB of zero bytes (2 million empty records) compresses to a few hundred bytes.
        let bomb = Zstd.compress(stream([header("b")]) + [UInt8](repeating: 0, count: 2 << 20))
        XCTAssertLessThan(bomb.count, 1_000)
        let r2 = try NevrcapReader(bytes: bomb)
        XCTAssertThrowsError(try r2.forEach { _ in XCTFail("no frame in a bomb") }) { error in
            guard case .budgetExceeded(let text)? = (error as? NevrcapError)?.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("zero-length"), text)
        }
        XCTAssertEqual(r2.framesRead, 0)
    }

    func testInflationRatioBudgetStopsABomb() throws {
        // One record of 4 MiB of zeros inside a frame's unknown bytes field: compresses ~4000x.
        var body: [UInt8] = [0x0A]  // field 1, length-delimited (unknown to a frame: skipped)
        var n = UInt64(4 << 20)
        while n >= 0x80 { body.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
        body.append(UInt8(n))
        body += [UInt8](repeating: 0, count: 4 << 20)
        let compressed = Zstd.compress(stream([header("c"), body]))
        let reader = try NevrcapReader(bytes: compressed, options: .init(maxInflationRatio: 100, inflationCheckBytes: 1 << 20))
        XCTAssertThrowsError(try reader.forEach { _ in }) { error in
            guard case .budgetExceeded(let text)? = (error as? NevrcapError)?.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("ratio"), text)
        }
    }

    func testRecordsPerFileBudget() throws {
        let data = Zstd.compress(stream([header("d")] + (0..<5).map { record(NevrcapFixtures.frame($0, bones: false)) }))
        let reader = try NevrcapReader(bytes: data, options: .init(maxRecords: 3))
        var frames = 0
        XCTAssertThrowsError(try reader.forEach { _ in frames += 1 })
        XCTAssertEqual(frames, 2, "header + 2 frames = 3 records")
    }

    func testAFrameWithMillionsOfEmptyEventsIsRejectedNotAllocated() throws {
        var frame: [UInt8] = record(NevrcapFixtures.frame(0, bones: false))
        // 20,000 empty `events` entries (field 3, length 0): far above the per-frame bound.
        for _ in 0..<20_000 { frame += [0x1A, 0x00] }
        let data = Zstd.compress(stream([header("e"), frame, record(NevrcapFixtures.frame(1, bones: false))]))
        let reader = try NevrcapReader(bytes: data)
        guard case .skipped(let error) = try reader.step() else { return XCTFail("the bomb frame must be skipped") }
        XCTAssertTrue(error.reasonDescription.contains("events"), error.reasonDescription)
        guard case .frame(let f) = try reader.step() else { return XCTFail("the next frame is read") }
        XCTAssertEqual(f.index, 1)
    }

    func testConcatenatedCapturesGainNoPhantomFrame() throws {
        let one = Zstd.compress(stream([header("first"), record(NevrcapFixtures.frame(0)), record(NevrcapFixtures.frame(1))]))
        let two = Zstd.compress(stream([header("second"), record(NevrcapFixtures.frame(2))]))
        let reader = try NevrcapReader(bytes: one + two)
        var indices: [UInt32] = []
        try reader.forEach { indices.append($0.index) }
        XCTAssertEqual(indices, [0, 1, 2])
        XCTAssertEqual(reader.headersSkipped, 1)
        XCTAssertEqual(reader.header?.captureID, "first")
    }

    // MARK: Damage

    private func capture(frames: Int, perZstdFrame: Int) throws -> [UInt8] {
        let writer = try NevrcapWriter(inMemory: "mem", header: NevrcapHeader(captureID: "dmg"), options: .init(framesPerZstdFrame: perZstdFrame, secondsPerZstdFrame: 0))
        for i in 0..<frames { try writer.write(NevrcapFixtures.frame(i, bones: false)) }
        try writer.close()
        return writer.compressedData
    }

    /// Offsets of every zstd frame magic number in `bytes`.
    private func zstdFrameStarts(_ bytes: [UInt8]) -> [Int] {
        (0..<(bytes.count - 3)).filter { bytes[$0] == 0x28 && bytes[$0 + 1] == 0xB5 && bytes[$0 + 2] == 0x2F && bytes[$0 + 3] == 0xFD }
    }

    private func readAll(_ bytes: [UInt8]) throws -> (NevrcapReader, [UInt32], Int) {
        let reader = try NevrcapReader(bytes: bytes)
        var indices: [UInt32] = []
        var skipped = 0
        loop: while true {
            switch try reader.step() {
            case .frame(let f): indices.append(f.index)
            case .skipped: skipped += 1
            case .end, .truncated: break loop
            }
        }
        return (reader, indices, skipped)
    }

    func testJunkBetweenZstdFramesLosesNoFrame() throws {
        var data = try capture(frames: 30, perZstdFrame: 10)
        let starts = zstdFrameStarts(data)
        XCTAssertGreaterThanOrEqual(starts.count, 3)
        data.insert(contentsOf: [UInt8](repeating: 0xA5, count: 8), at: starts[2])
        let (reader, indices, skipped) = try readAll(data)
        XCTAssertEqual(indices, (0..<30).map(UInt32.init), "junk between zstd frames must cost nothing")
        XCTAssertEqual(reader.damagedRegions, 1)
        XCTAssertEqual(skipped, 1)
    }

    func testAFlippedBitLosesOnlyItsZstdFrame() throws {
        let clean = try capture(frames: 30, perZstdFrame: 10)
        let starts = zstdFrameStarts(clean)
        XCTAssertGreaterThanOrEqual(starts.count, 3)
        var lostAll = 0
        // Flip one bit at several places inside the second zstd frame (frames 10-19).
        for offset in stride(from: starts[1] + 8, to: starts[2] - 4, by: max(1, (starts[2] - starts[1]) / 6)) {
            var data = clean
            data[offset] ^= 0x10
            let (reader, indices, _) = try readAll(data)
            let kept = Set(indices)
            if kept.isEmpty { lostAll += 1 }
            XCTAssertTrue(kept.isSuperset(of: (0..<10).map(UInt32.init)), "frames before the damage at \(offset): \(indices)")
            XCTAssertTrue(kept.isSuperset(of: (20..<30).map(UInt32.init)), "frames after the damage at \(offset): \(indices) (damage: \(reader.damagedRegions))")
        }
        XCTAssertEqual(lostAll, 0)
    }

    func testConvertKeepsEverythingReadableFromADamagedCaptureAndSaysSo() throws {
        var data = try capture(frames: 30, perZstdFrame: 10)
        let starts = zstdFrameStarts(data)
        data.insert(contentsOf: [UInt8](repeating: 0x5A, count: 8), at: starts[2])
        let input = file("damaged.nevrcap")
        try Data(data).write(to: input)
        let summary = try CaptureConversion.convert(from: input, to: file("damaged.echoreplay"))
        XCTAssertEqual(summary.framesWritten, 30)
        XCTAssertFalse(summary.damage.isEmpty, "the damage is reported")
    }

    func testZipWithAWrongCentralDirectoryCRCKeepsItsIntactContent() throws {
        let input = file("crc.echoreplay")
        let plain = file("crc-plain.echoreplay")
        try writePlain(plain, count: 5)
        _ = try CaptureConversion.convert(from: plain, to: input, options: ConversionOptions(write: CaptureWriteOptions(echoReplay: .init(zipped: true))))
        var bytes = [UInt8](try Data(contentsOf: input))
        // Central directory header: signature 50 4B 01 02; its CRC-32 is at offset 16.
        let cd = try XCTUnwrap((0..<(bytes.count - 3)).last { bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 1 && bytes[$0 + 3] == 2 })
        bytes[cd + 16] ^= 0xFF
        try Data(bytes).write(to: input)
        let summary = try CaptureConversion.convert(from: input, to: file("crc.nevrcap"))
        XCTAssertEqual(summary.framesWritten, 5, "the content is intact: every frame is kept")
        XCTAssertTrue(summary.damage.first?.contains("CRC") ?? false, "\(summary.damage)")
    }

    // MARK: verify honesty

    func testVerifyDoesNotPassAnEmptyOrHeaderOnlyCapture() throws {
        let empty = file("empty.nevrcap")
        try NevrcapWriter(url: empty, header: nil).close()
        XCTAssertFalse(try CaptureVerification.verify(empty).isLossless)
        let headerOnly = file("header.nevrcap")
        try NevrcapWriter(url: headerOnly, header: NevrcapHeader(captureID: "h")).close()
        let receipt = try CaptureVerification.verify(headerOnly)
        XCTAssertFalse(receipt.isLossless)
        XCTAssertNotNil(receipt.empty)
    }

    func testVerifyReportsInvalidUTF8AndLoneSurrogates() throws {
        let session = try realSession
        let name = try XCTUnwrap(String(decoding: session, as: UTF8.self).range(of: #""client_name":""#))
        let at = String(decoding: session, as: UTF8.self).utf8.distance(from: String(decoding: session, as: UTF8.self).utf8.startIndex, to: name.upperBound)
        var invalid = session
        invalid.insert(contentsOf: [0xC3, 0x28], at: at)  // an invalid UTF-8 sequence
        var surrogate = session
        surrogate.insert(contentsOf: Array(#"\uD800"#.utf8), at: at)
        for (label, bytes) in [("invalid UTF-8", invalid), ("lone surrogate", surrogate)] {
            let input = file("\(label).echoreplay")
            try writePlain(input, count: 1, session: bytes)
            let receipt = try CaptureVerification.verify(input)
            XCTAssertFalse(receipt.isLossless, label)
            XCTAssertEqual(receipt.lossyText, 1, label)
        }
        let clean = file("clean.echoreplay")
        try writePlain(clean, count: 2)
        let ok = try CaptureVerification.verify(clean)
        XCTAssertEqual(ok.lossyText, 0)
        XCTAssertEqual(ok.droppedKeys, 0, "\(ok.droppedKeyPaths)")
        XCTAssertTrue(ok.isLossless, "the real frame still verifies")
    }

    /// A nested key the model has no field for is kept in that object's `extras` (issue 9), so the
    /// audit of dropped key paths finds nothing and the file verifies lossless.
    func testVerifyKeepsNestedKeysTheModelHasNoFieldFor() throws {
        var text = try String(decoding: realSession, as: UTF8.self)
        let disc = try XCTUnwrap(text.range(of: #""disc":{"#))
        text.insert(contentsOf: #""spin_rate":12.5,"#, at: disc.upperBound)
        let input = file("nested.echoreplay")
        try writePlain(input, count: 1, session: Array(text.utf8))
        let receipt = try CaptureVerification.verify(input)
        XCTAssertEqual(receipt.droppedKeys, 0, "\(receipt.droppedKeyPaths)")
        XCTAssertTrue(receipt.isLossless, "\(receipt.comparison.differences)")
        let back = String(decoding: GameJSONWriter.bytes(try GameJSONReader.parseSession(Array(text.utf8))), as: UTF8.self)
        XCTAssertTrue(back.contains(#""spin_rate":12.5"#), back)
    }

    func testJSONNumbersBeyondDoubleRangeAreRefusedNotStoredAsInfinity() throws {
        var text = try String(decoding: realSession, as: UTF8.self)
        let clock = try XCTUnwrap(text.range(of: #""game_clock":"#))
        let end = try XCTUnwrap(text[clock.upperBound...].firstIndex(of: ","))
        text.replaceSubrange(clock.upperBound..<end, with: "1e400")
        XCTAssertThrowsError(try GameJSONReader.parseSession(Array(text.utf8))) { error in
            XCTAssertTrue("\(error)".contains("range of a double"), "\(error)")
        }
    }

    func testJSONTextAuditValidatesWholeDocuments() {
        func valid(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes(JSONTextAudit.isValidJSON) }
        XCTAssertTrue(valid(#"{"a":[1,2,{"b":"c\u00e9"}],"d":null}"#))
        XCTAssertTrue(valid("{\"a\":1}\0"))
        XCTAssertFalse(valid(#"{"a":[1,2}"#))
        XCTAssertFalse(valid(#"{"a":1}{"b":2}"#), "two documents are not one")
        XCTAssertFalse(valid(#"{"a":01x}"#))
        XCTAssertFalse(valid(#"{"a":"\x"}"#))
        XCTAssertFalse(valid(#"{"a":tru}"#))
        XCTAssertFalse(valid(""))
        XCTAssertTrue(Array("[1]".utf8).withUnsafeBytes(JSONTextAudit.isValidJSON))
        XCTAssertFalse(Array("[1]".utf8).withUnsafeBytes(JSONTextAudit.isValidJSONObject))
    }

    // MARK: inspect rules

    func testStatisticsCountOnlyGameFramesAndNoPlaceholderSession() throws {
        var stats = CaptureStatistics()
        let t = Timestamp(millisecondsSinceEpoch: 0)
        stats.add(timestamp: t, session: try GameJSONReader.parseSession(Array(#"{"sessionid":"00000000-0000-0000-0000-000000000000","game_status":""}"#.utf8)), hasBones: false)
        stats.add(timestamp: t, session: try GameJSONReader.parseSession(try realSession), hasBones: false)
        XCTAssertEqual(stats.frames, 2)
        XCTAssertEqual(stats.gameFrames, 1, "a line without teams is not a game frame")
        XCTAssertEqual(stats.framesWithoutTeams, 1)
        XCTAssertEqual(stats.sessionIDs.count, 1)
        XCTAssertFalse(stats.sessionIDs.contains("00000000-0000-0000-0000-000000000000"))
    }
}
