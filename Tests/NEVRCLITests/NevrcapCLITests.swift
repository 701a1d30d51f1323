import Foundation
import NEVRTestSupport
import XCTest

/// `nevr convert` (both directions, folder mode), `nevr verify` and `nevr inspect` on `.nevrcap`.
final class NevrcapCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevrcap-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A plain `.echoreplay` of `count` copies of the real 2021 frame.
    private func recording(_ name: String, count: Int) throws -> URL {
        let frame = try SharedData.bytes(SharedData.frame2021)
        var text: [UInt8] = []
        for i in 0..<count {
            text += Array(String(format: "2021/11/20 21:05:%02d.%03d\t", 10 + i / 60, (i * 16) % 1000).utf8) + frame + [0x0D, 0x0A]
        }
        let url = dir.appendingPathComponent(name)
        try Data(text).write(to: url)
        return url
    }

    func testConvertVerifyAndInspectANevrcap() throws {
        let source = try recording("m.echoreplay", count: 20)
        let cap = dir.appendingPathComponent("m.nevrcap")
        let convert = try NEVRProcess.run(["convert", source.path, cap.path])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        XCTAssertTrue(convert.stdout.contains("20 frames written"), convert.stdout)

        let verify = try NEVRProcess.run(["verify", cap.path])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("differences:        0"), verify.stdout)
        XCTAssertTrue(verify.stdout.contains("frames out:         20"), verify.stdout)

        let verifyJSON = try NEVRProcess.run(["verify", source.path, "--json"])
        XCTAssertEqual(verifyJSON.status, 0, verifyJSON.stderr)
        let receipt = try XCTUnwrap(JSONSerialization.jsonObject(with: verifyJSON.stdoutBytes) as? [String: Any])
        XCTAssertEqual(receipt["lossless"] as? Bool, true)
        XCTAssertEqual(receipt["byte_identical_sessions"] as? Int, 20)
        XCTAssertEqual((receipt["sha256"] as? String)?.count, 64)

        let inspect = try NEVRProcess.run(["inspect", cap.path, "--json"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: inspect.stdoutBytes) as? [String: Any])
        XCTAssertEqual(report["format"] as? String, "nevrcap")
        XCTAssertEqual(report["frames"] as? Int, 20)
        XCTAssertEqual((report["metadata"] as? [String: String])?["source_file"], "m.echoreplay")
        XCTAssertEqual(report["first_timestamp"] as? String, "2021-11-20T21:05:10.000")

        let back = dir.appendingPathComponent("back.echoreplay")
        let reverse = try NEVRProcess.run(["convert", cap.path, back.path, "--plain"])
        XCTAssertEqual(reverse.status, 0, reverse.stderr)
        XCTAssertTrue(reverse.stderr.contains("dropped: header"), reverse.stderr)
        XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: source), "plain CRLF lines of the real frame come back byte for byte")
    }

    func testVerifyFailsOnAnUnreadableFile() throws {
        let bad = dir.appendingPathComponent("bad.nevrcap")
        try Data("not zstd at all".utf8).write(to: bad)
        let result = try NEVRProcess.run(["verify", bad.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.hasPrefix("nevr: \(bad.path): zstd error"), result.stderr)
    }

    func testFolderConversionInParallelReportsFailuresWithoutStopping() throws {
        let input = dir.appendingPathComponent("in", isDirectory: true)
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let frame = try SharedData.bytes(SharedData.frame2021)
        for i in 0..<5 {
            var text: [UInt8] = []
            for k in 0..<(3 + i) { text += Array("2021/11/20 21:05:0\(k).000\t".utf8) + frame + [0x0A] }
            try Data(text).write(to: input.appendingPathComponent("r\(i).echoreplay"))
        }
        try Data("PK\u{3}\u{4}broken zip".utf8).write(to: input.appendingPathComponent("broken.echoreplay"))
        let output = dir.appendingPathComponent("out", isDirectory: true)
        let result = try NEVRProcess.run(["convert", "--jobs", "2", input.path, output.path])
        XCTAssertEqual(result.status, 1, "one file failed")
        XCTAssertTrue(result.stdout.contains("5 of 6 files converted, 25 frames, 1 failed"), result.stdout)
        XCTAssertTrue(result.stderr.contains("broken.echoreplay"), result.stderr)
        for i in 0..<5 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("r\(i).nevrcap").path))
        }
        // And back, all cores by default.
        let again = try NEVRProcess.run(["convert", output.path, dir.appendingPathComponent("again").path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("5 of 5 files converted, 25 frames, 0 failed"), again.stdout)
    }
}
