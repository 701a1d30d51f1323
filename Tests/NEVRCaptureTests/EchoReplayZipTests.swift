import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// ZIP containers written by other tools: every entry-name convention, data
/// descriptors with zero local sizes, Stored entries and ZIP64 sizes.
final class EchoReplayZipTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("echoreplay-zip")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Builds `archive` with Python's zipfile: `entries` in order, the recording under `recordingName`,
    /// the other entries holding text that is not a recording.
    private func pythonZip(_ archive: String, entries: [String], recordingName: String, stored: Bool = false, streamed: Bool = false) throws -> (URL, [EchoReplayFixture.Line]) {
        let lines = try EchoReplayFixture.lines()
        let text = dir.appendingPathComponent("text-\(UUID().uuidString)")
        try EchoReplayFixture.write(EchoReplayFixture.text(lines, newline: "\r\n"), to: text)
        let url = dir.appendingPathComponent(archive)
        let result = try ExternalTool.python("""
            import sys, zipfile
            out, text, recording, method, streamed = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"
            names = sys.argv[6:]
            class Unseekable:
                # Without seek/tell zipfile streams: data descriptors, zero sizes in local headers.
                def __init__(self, f): self.f = f
                def write(self, b): return self.f.write(b)
                def flush(self): self.f.flush()
            f = open(out, "wb")
            z = zipfile.ZipFile(Unseekable(f) if streamed else f, "w",
                                zipfile.ZIP_STORED if method == "stored" else zipfile.ZIP_DEFLATED)
            for n in names:
                if n.endswith("/"):
                    z.writestr(zipfile.ZipInfo(n), b"")
                elif n == recording:
                    z.writestr(n, open(text, "rb").read())
                else:
                    z.writestr(n, b'{"not":"a recording"}\\n')
            z.close(); f.close()
            """, [url.path, text.path, recordingName, stored ? "stored" : "deflate", streamed ? "1" : "0"] + entries)
        XCTAssertEqual(result.status, 0, result.stderr)
        return (url, lines)
    }

    func testEntryNamedLikeTheArchiveWithExtension() throws {
        let (url, lines) = try pythonZip("spark.echoreplay", entries: ["metadata.json", "notes.txt", "spark.echoreplay"], recordingName: "spark.echoreplay")
        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertTrue(reader.isZipped)
        XCTAssertEqual(reader.entryName, "spark.echoreplay")
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    func testEntryNamedLikeTheArchiveWithoutExtension() throws {
        let (url, lines) = try pythonZip("tape.echoreplay", entries: ["other.echoreplay", "tape"], recordingName: "tape")
        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertEqual(reader.entryName, "tape")
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    func testReplayTxtBesideMetadataJSON() throws {
        let (url, lines) = try pythonZip("seed.echoreplay", entries: ["metadata.json", "replay.txt"], recordingName: "replay.txt")
        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertEqual(reader.entryName, "replay.txt")
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    func testRenamedArchiveFallsBackToTheEchoreplayEntry() throws {
        let (url, lines) = try pythonZip("renamed.echoreplay", entries: ["metadata.json", "folder/", "folder/original.echoreplay"], recordingName: "folder/original.echoreplay", stored: true)
        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertEqual(reader.entryName, "folder/original.echoreplay")
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    func testFirstFileEntryWhenNothingElseMatches() throws {
        let (url, lines) = try pythonZip("x.echoreplay", entries: ["dir/", "capture.bin", "metadata.json"], recordingName: "capture.bin")
        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertEqual(reader.entryName, "capture.bin")
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    /// Go writers stream: sizes and CRC only in data descriptors and the central directory.
    func testDataDescriptorsWithZeroLocalSizes() throws {
        for stored in [false, true] {
            let (url, lines) = try pythonZip("go-\(stored).echoreplay", entries: ["go-\(stored).echoreplay"], recordingName: "go-\(stored).echoreplay", stored: stored, streamed: true)
            let bytes = [UInt8](try Data(contentsOf: url))
            XCTAssertEqual(bytes[6] & 0x08, 0x08, "general-purpose bit 3 (data descriptor) set")
            XCTAssertEqual(Array(bytes[14 ..< 26]), [UInt8](repeating: 0, count: 12), "local header CRC and sizes are zero")
            let (_, records) = try EchoReplayFixture.readAll(url)
            EchoReplayFixture.assertRecords(records, equal: lines)
        }
    }

    /// Our own writer's archive also has zero local sizes (it streams); its entry must be read the same way.
    func testOurWriterStreamsWithDataDescriptor() throws {
        let url = dir.appendingPathComponent("ours.echoreplay")
        let w = try EchoReplayWriter(url: url)
        try w.write(timestamp: EchoReplayTimestamp.parse("2021/11/20 21:05:33.407")!, session: try SharedData.bytes(SharedData.frame2021), bones: nil)
        try w.close()
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes[0 ..< 4]), [0x50, 0x4B, 0x03, 0x04])
        XCTAssertEqual(bytes[6] & 0x08, 0x08)
        XCTAssertEqual(bytes[8], 8, "Deflate")
        XCTAssertEqual(try EchoReplayFixture.readAll(url).1.count, 1)
    }

    /// A Stored entry whose central directory gives its sizes and offset only in the ZIP64
    /// extra field, behind a ZIP64 end record (built by hand; Python confirms it is valid).
    func testZip64SizesInTheCentralDirectory() throws {
        let lines = try EchoReplayFixture.lines()
        let content = EchoReplayFixture.text(lines, newline: "\r\n")
        let url = dir.appendingPathComponent("z64.echoreplay")
        try EchoReplayFixture.write(Self.handBuiltZip64(name: "z64.echoreplay", content: content), to: url)

        let check = try ExternalTool.python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
            assert len(z.read("z64.echoreplay")) == int(sys.argv[2]); print("ok")
            """, [url.path, String(content.count)])
        XCTAssertEqual(check.status, 0, "the hand-built ZIP64 archive must be valid: \(check.stderr)")

        let (reader, records) = try EchoReplayFixture.readAll(url)
        XCTAssertTrue(reader.isZipped)
        EchoReplayFixture.assertRecords(records, equal: lines)
    }

    static func handBuiltZip64(name: String, content: [UInt8]) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: UInt32) -> [UInt8] { (0 ..< 4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func u64(_ v: Int) -> [UInt8] { (0 ..< 8).map { UInt8(truncatingIfNeeded: UInt64(v) >> (8 * UInt64($0))) } }
        let nameBytes = Array(name.utf8)
        let crc = content.withUnsafeBytes { ZipTestCRC.crc32($0) }
        var out: [UInt8] = []
        // Local header with a ZIP64 extra holding both sizes.
        out += u32(0x0403_4B50) + u16(45) + u16(0) + u16(0) + u16(0) + u16(0x21)
        out += u32(crc) + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF) + u16(nameBytes.count) + u16(20)
        out += nameBytes + u16(1) + u16(16) + u64(content.count) + u64(content.count)
        out += content
        let cdOffset = out.count
        out += u32(0x0201_4B50) + u16(45) + u16(45) + u16(0) + u16(0) + u16(0) + u16(0x21)
        out += u32(crc) + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF) + u16(nameBytes.count) + u16(28) + u16(0)
        out += u16(0) + u16(0) + u32(0) + u32(0xFFFF_FFFF)
        out += nameBytes + u16(1) + u16(24) + u64(content.count) + u64(content.count) + u64(0)
        let cdSize = out.count - cdOffset
        let end64 = out.count
        out += u32(0x0606_4B50) + u64(44) + u16(45) + u16(45) + u32(0) + u32(0) + u64(1) + u64(1) + u64(cdSize) + u64(cdOffset)
        out += u32(0x0706_4B50) + u32(0) + u64(end64) + u32(1)
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(0xFFFF) + u16(0xFFFF) + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF) + u16(0)
        return out
    }
}

/// A plain bitwise CRC-32 (IEEE), independent of zlib's, for hand-built archives.
enum ZipTestCRC {
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0 ..< 8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
