import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest
import ZIPFoundation

final class EchoReplayRoundTripTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("echoreplay")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Reads a plain file (CRLF and LF, with and without a final newline), writes it
    /// zipped and plain, reads both back: every frame, millisecond and JSON byte survives.
    func testRoundTripPlainAndZippedPreservesFramesTimestampsAndBytes() throws {
        let lines = try EchoReplayFixture.lines()
        for newline in ["\r\n", "\n"] {
            for trailing in [true, false] {
                let input = dir.appendingPathComponent("in.echoreplay")
                try EchoReplayFixture.write(EchoReplayFixture.text(lines, newline: newline, trailingNewline: trailing), to: input)
                let (reader, records) = try EchoReplayFixture.readAll(input)
                XCTAssertFalse(reader.isZipped)
                XCTAssertEqual(reader.skippedCount, 0, "\(reader.skipped)")
                EchoReplayFixture.assertRecords(records, equal: lines)
                XCTAssertEqual(records.map(\.lineNumber), Array(1 ... lines.count))

                for zipped in [true, false] {
                    let output = dir.appendingPathComponent(zipped ? "out.echoreplay" : "out-plain.echoreplay")
                    let writer = try EchoReplayWriter(url: output, options: .init(zipped: zipped))
                    for r in records { try writer.write(timestamp: r.timestamp, session: r.session, bones: r.bones) }
                    try writer.close()
                    try writer.close() // idempotent
                    XCTAssertEqual(writer.framesWritten, lines.count)

                    let (back, again) = try EchoReplayFixture.readAll(output)
                    XCTAssertEqual(back.isZipped, zipped)
                    XCTAssertEqual(back.skippedCount, 0)
                    EchoReplayFixture.assertRecords(again, equal: lines)
                    if !zipped {
                        let bytes = [UInt8](try Data(contentsOf: output))
                        XCTAssertTrue(bytes == EchoReplayFixture.canonicalText(lines), "plain output is CRLF, TAB before bones")
                    } else {
                        XCTAssertEqual(back.entryName, "out.echoreplay")
                    }
                }
            }
        }
    }

    func testWriterCanOmitBones() throws {
        let lines = try EchoReplayFixture.lines()
        let output = dir.appendingPathComponent("nobones.echoreplay")
        let writer = try EchoReplayWriter(url: output, options: .init(zipped: false, includeBones: false))
        for l in lines { try writer.write(timestamp: EchoReplayTimestamp.parse(l.timestamp)!, session: l.session, bones: l.bones) }
        try writer.close()
        XCTAssertEqual(writer.framesWithBones, 0)
        let text = [UInt8](try Data(contentsOf: output))
        XCTAssertEqual(text.filter { $0 == 0x09 }.count, lines.count, "exactly one TAB per line: two columns")
        let (_, records) = try EchoReplayFixture.readAll(output)
        XCTAssertEqual(records.count, lines.count)
        XCTAssertTrue(records.allSatisfy { $0.bones == nil })
    }

    func testWriterRejectsRawNewlinesAndWriteAfterClose() throws {
        let output = dir.appendingPathComponent("bad.echoreplay")
        let writer = try EchoReplayWriter(url: output)
        let t = EchoReplayTimestamp.parse("2021/11/20 21:05:33.407")!
        XCTAssertThrowsError(try writer.write(timestamp: t, session: Array("{\"a\":\n1}".utf8), bones: nil)) { error in
            XCTAssertTrue("\(error)".contains("newline"), "\(error)")
        }
        XCTAssertThrowsError(try writer.write(timestamp: t, session: [], bones: nil))
        try writer.write(timestamp: t, session: Array("{}".utf8), bones: nil)
        try writer.close()
        XCTAssertThrowsError(try writer.write(timestamp: t, session: Array("{}".utf8), bones: nil)) { error in
            XCTAssertEqual((error as? EchoReplayError)?.reason, .closed)
        }
        XCTAssertEqual(try EchoReplayFixture.readAll(output).1.count, 1)
    }

    /// ZIPFoundation (an independent Swift implementation) reads what we write: one
    /// entry named like the file whose content is the canonical text.
    func testZIPFoundationReadsOurArchive() throws {
        let lines = try EchoReplayFixture.lines()
        let output = dir.appendingPathComponent("match 2021.echoreplay")
        let writer = try EchoReplayWriter(url: output)
        for l in lines { try writer.write(timestamp: EchoReplayTimestamp.parse(l.timestamp)!, session: l.session, bones: l.bones) }
        try writer.close()

        let archive = try Archive(url: output, accessMode: .read)
        let entries = Array(archive)
        XCTAssertEqual(entries.map(\.path), ["match 2021.echoreplay"])
        XCTAssertEqual(entries.first?.type, .file)
        var content = Data()
        _ = try archive.extract(entries[0], skipCRC32: false) { content.append($0) }
        XCTAssertTrue([UInt8](content) == EchoReplayFixture.canonicalText(lines))
    }

    /// Python's zipfile reads what we write, checks every CRC and sees one entry.
    func testPythonZipfileReadsOurArchive() throws {
        let lines = try EchoReplayFixture.lines()
        let output = dir.appendingPathComponent("py.echoreplay")
        let writer = try EchoReplayWriter(url: output)
        for l in lines { try writer.write(timestamp: EchoReplayTimestamp.parse(l.timestamp)!, session: l.session, bones: l.bones) }
        try writer.close()
        let expected = dir.appendingPathComponent("expected.txt")
        try EchoReplayFixture.write(EchoReplayFixture.canonicalText(lines), to: expected)

        let result = try ExternalTool.python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None, "bad CRC"
            names = z.namelist()
            assert names == ["py.echoreplay"], names
            info = z.getinfo(names[0])
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.compress_type
            assert info.flag_bits & 0x08, "data descriptor flag"
            assert z.read(names[0]) == open(sys.argv[2], "rb").read(), "content differs"
            print("ok")
            """, [output.path, expected.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "ok\n")
    }

    func testLargeRecordingStreamsAcrossManyChunks() throws {
        // Enough lines to cross the writer's flush size and the reader's chunk and line-buffer
        // boundaries many times (small chunks force lines to straddle refills).
        let session = try SharedData.bytes(SharedData.frame2021)
        let output = dir.appendingPathComponent("long.echoreplay")
        let writer = try EchoReplayWriter(url: output)
        let start = EchoReplayTimestamp.parse("2021/11/20 21:05:33.407")!
        let count = 600
        for i in 0 ..< count {
            let t = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64(i) * 16_000_000)
            try writer.write(timestamp: t, session: session, bones: i % 3 == 0 ? EchoReplayFixture.bones : nil)
        }
        try writer.close()
        var options = EchoReplayReader.Options()
        options.chunkSize = 4096
        let (reader, records) = try EchoReplayFixture.readAll(output, options: options)
        XCTAssertEqual(records.count, count)
        XCTAssertEqual(reader.skippedCount, 0)
        XCTAssertEqual(reader.fileBytesConsumed, reader.fileSize - Int64(try centralDirectoryAndDescriptorLength(output)))
        for (i, r) in records.enumerated() {
            XCTAssertEqual(r.timestamp.milliseconds, start.milliseconds + Int64(i) * 16)
            XCTAssertTrue(r.session == session)
            XCTAssertEqual(r.bones, i % 3 == 0 ? EchoReplayFixture.bones : nil)
        }
    }

    /// Bytes after the entry's compressed data: data descriptor (16) + central directory + end record.
    private func centralDirectoryAndDescriptorLength(_ url: URL) throws -> Int {
        16 + (46 + url.lastPathComponent.utf8.count) + 22
    }
}

/// `write(_ frame:)` rebuilds the JSON with `GameJSONWriter`: for the real 2021 frame that is
/// the game's own spelling, byte for byte.
final class EchoReplayFrameWriterTests: XCTestCase {
    func testTypedFramesAreWrittenInTheGamesSpelling() throws {
        let dir = try SharedData.temporaryDirectory("echoreplay-frames")
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try SharedData.bytes(SharedData.frame2021)
        let session = try GameJSONReader.parseSession(original)
        let bonesBytes = EchoReplayFixture.bones
        let bones = try GameJSONReader.parseBones(bonesBytes)
        let times = ["2021/11/20 21:05:33.407", "2021/11/20 21:05:33.999", "2021/12/31 23:59:59.999"]

        for zipped in [true, false] {
            for includeBones in [true, false] {
                let url = dir.appendingPathComponent("typed-\(zipped)-\(includeBones).echoreplay")
                let writer = try EchoReplayWriter(url: url, options: .init(zipped: zipped, includeBones: includeBones))
                for (i, t) in times.enumerated() {
                    try writer.write(Frame(index: UInt32(i), timestamp: EchoReplayTimestamp.parse(t)!, session: session,
                                           bones: i == 1 ? bones : nil))
                }
                try writer.close()
                XCTAssertEqual(writer.framesWithBones, includeBones ? 1 : 0)

                let (_, records) = try EchoReplayFixture.readAll(url)
                XCTAssertEqual(records.map { EchoReplayTimestamp.string($0.timestamp) }, times)
                XCTAssertTrue(records.allSatisfy { $0.session == original }, "the 2021 frame is rewritten byte for byte")
                XCTAssertEqual(records.map { $0.bones != nil }, [false, includeBones, false])
                if includeBones {
                    XCTAssertEqual(try GameJSONReader.parseBones(try XCTUnwrap(records[1].bones)), bones)
                }
            }
        }
    }
}

final class EchoReplayRecordViewTests: XCTestCase {
    /// `nextView` sees the same columns as `next` (it is what `next` copies from).
    func testNextViewMatchesNext() throws {
        let dir = try SharedData.temporaryDirectory("echoreplay-view")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try EchoReplayFixture.lines()
        let url = dir.appendingPathComponent("v.echoreplay")
        try EchoReplayFixture.write(EchoReplayFixture.text(lines, newline: "\n") + Array("bad\n".utf8), to: url)
        let reader = try EchoReplayReader(url: url)
        var seen: [EchoReplayRecord] = []
        while let r = try reader.nextView({ EchoReplayRecord(lineNumber: $0.lineNumber, timestamp: $0.timestamp, session: Array($0.session), bones: $0.bones.map { Array($0) }) }) {
            seen.append(r)
        }
        XCTAssertEqual(seen, try EchoReplayFixture.readAll(url).1)
        EchoReplayFixture.assertRecords(seen, equal: lines)
        XCTAssertEqual(reader.skipped, [SkippedLine(lineNumber: lines.count + 1, reason: "line too short (3 bytes) for a timestamp and a session")])
    }
}
