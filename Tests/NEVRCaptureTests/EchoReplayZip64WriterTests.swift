import Foundation
@testable import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest
import ZIPFoundation

/// The writer's ZIP64 path (sizes and central-directory offset past 4 GiB), exercised on a
/// small file by lowering the threshold: Python's zipfile, ZIPFoundation and our reader must
/// all read it.
final class EchoReplayZip64WriterTests: XCTestCase {
    func testZip64RecordsAreReadableByEveryReader() throws {
        let dir = try SharedData.temporaryDirectory("echoreplay-zip64")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = try EchoReplayFixture.lines()
        let url = dir.appendingPathComponent("z64w.echoreplay")
        var options = EchoReplayWriter.Options()
        options.zip64Threshold = 0
        let writer = try EchoReplayWriter(url: url, options: options)
        for l in lines { try writer.write(timestamp: EchoReplayTimestamp.parse(l.timestamp)!, session: l.session, bones: l.bones) }
        try writer.close()

        let bytes = [UInt8](try Data(contentsOf: url))
        // End record: 0xFFFFFFFF offset, preceded by the ZIP64 locator and end record.
        let eocd = bytes.count - 22
        XCTAssertEqual(Array(bytes[eocd ..< eocd + 4]), [0x50, 0x4B, 0x05, 0x06])
        XCTAssertEqual(Array(bytes[eocd + 16 ..< eocd + 20]), [0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertEqual(Array(bytes[eocd - 20 ..< eocd - 16]), [0x50, 0x4B, 0x06, 0x07])

        let (_, records) = try EchoReplayFixture.readAll(url)
        EchoReplayFixture.assertRecords(records, equal: lines)

        let archive = try Archive(url: url, accessMode: .read)
        let entries = Array(archive)
        XCTAssertEqual(entries.map(\.path), ["z64w.echoreplay"])
        var content = Data()
        _ = try archive.extract(entries[0], skipCRC32: false) { content.append($0) }
        XCTAssertTrue([UInt8](content) == EchoReplayFixture.canonicalText(lines), "ZIPFoundation content")

        let expected = dir.appendingPathComponent("expected.txt")
        try EchoReplayFixture.write(EchoReplayFixture.canonicalText(lines), to: expected)
        let result = try ExternalTool.python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
            assert z.namelist() == ["z64w.echoreplay"], z.namelist()
            assert z.read("z64w.echoreplay") == open(sys.argv[2], "rb").read()
            print("ok")
            """, [url.path, expected.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "ok\n")
    }
}
