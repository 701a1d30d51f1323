import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15 through the real binary: folder conversion never destroys originals, an
/// interrupted conversion leaves nothing half-written, damaged inputs keep what is readable
/// and exit non-zero, bad URLs are refused up front.
final class SecurityCLITests: XCTestCase {
    var dir: URL!
    var session: [UInt8] = []

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-security-cli")
        session = try SharedData.bytes(SharedData.frame2021)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ url: URL, frames: Int, zipped: Bool) throws {
        let writer = try EchoReplayWriter(url: url, options: .init(zipped: zipped))
        for i in 0..<frames {
            try writer.write(timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16), session: session, bones: nil)
        }
        try writer.close()
    }

    func testFolderConversionIntoItselfNeverOverwritesAnOriginal() throws {
        let folder = dir.appendingPathComponent("recordings")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(folder.appendingPathComponent("x.echoreplay"), frames: 3, zipped: true)
        _ = try CaptureConversion.convert(from: folder.appendingPathComponent("x.echoreplay"), to: folder.appendingPathComponent("x.nevrcap"))
        try write(folder.appendingPathComponent("y.echoreplay"), frames: 2, zipped: false)
        try write(folder.appendingPathComponent("y.txt"), frames: 4, zipped: false)
        var before: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            before[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        let result = try NEVRProcess.run(["convert", "--jobs", "2", folder.path, folder.path])
        XCTAssertNotEqual(result.status, 0, "refused conversions are failures: \(result.stdout)")
        XCTAssertTrue(result.stderr.contains("is one of the input files"), result.stderr)
        XCTAssertTrue(result.stderr.contains("would write the same output"), result.stderr)
        for (name, data) in before {
            XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(name)), data, "\(name) was changed")
        }
        let partial = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") }
        XCTAssertEqual(partial, [])
    }

    func testSIGTERMDuringConvertLeavesNoPartialOutput() throws {
        let input = dir.appendingPathComponent("long.echoreplay")
        try write(input, frames: 6_000, zipped: true)
        let output = dir.appendingPathComponent("long.nevrcap")
        let process = Process()
        process.executableURL = try NEVRProcess.binary()
        process.arguments = ["convert", input.path, output.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the conversion is writing (its temporary file exists), then stop it.
        let deadline = Date().addingTimeInterval(60)
        var sawPartial = false
        while Date() < deadline, process.isRunning {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            if names.contains(where: { $0.hasSuffix(".partial") }) {
                sawPartial = true
                break
            }
            usleep(5_000)
        }
        guard sawPartial, process.isRunning else {
            process.waitUntilExit()
            throw XCTSkip("the conversion finished before it could be interrupted")
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "no output may look complete")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(names.filter { $0.hasSuffix(".partial") }, [], "the temporary file is removed")
    }

    func testDamagedCaptureConvertsWhatIsReadableAndExitsNonZero() throws {
        let writer = try NevrcapWriter(url: dir.appendingPathComponent("clean.nevrcap"), header: NevrcapHeader(captureID: "c"),
                                       options: .init(framesPerZstdFrame: 5, secondsPerZstdFrame: 0))
        var processor = FrameProcessor()
        for i in 0..<20 {
            try writer.write(try processor.process(session: session, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 1_000 + Int64(i) * 16)))
        }
        try writer.close()
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("clean.nevrcap")))
        let starts = (0..<(bytes.count - 3)).filter { bytes[$0] == 0x28 && bytes[$0 + 1] == 0xB5 && bytes[$0 + 2] == 0x2F && bytes[$0 + 3] == 0xFD }
        bytes.insert(contentsOf: [UInt8](repeating: 0xEE, count: 8), at: starts[2])
        let input = dir.appendingPathComponent("damaged.nevrcap")
        try Data(bytes).write(to: input)
        let output = dir.appendingPathComponent("damaged.echoreplay")
        let result = try NEVRProcess.run(["convert", input.path, output.path])
        XCTAssertEqual(result.status, 2, "exit status 2: damaged input (README, Exit status); \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("damaged"), result.stderr)
        XCTAssertTrue(result.stdout.contains("20 frames written"), result.stdout)
        let reader = try EchoReplayReader(url: output)
        var n = 0
        while try reader.next() != nil { n += 1 }
        XCTAssertEqual(n, 20)
    }

    func testVerifyFailsOnAHeaderOnlyCapture() throws {
        let url = dir.appendingPathComponent("header-only.nevrcap")
        try NevrcapWriter(url: url, header: NevrcapHeader(captureID: "h")).close()
        let result = try NEVRProcess.run(["verify", url.path])
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("no frame"), result.stdout)
    }

    func testRecordRefusesAPortAbove65535InsteadOfCrashing() throws {
        let result = try NEVRProcess.run(["record", "--url", "http://127.0.0.1:99999", "--out", dir.path, "--duration", "1s"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertLessThan(result.status, 128, "no crash (SIGILL is 132): \(result.status)")
        XCTAssertTrue(result.stderr.contains("99999") && result.stderr.contains("65535"), result.stderr)
    }

    func testWatchAndStreamRefuseAPortAbove65535InsteadOfWrapping() throws {
        let watch = try NEVRProcess.run(["watch", "ws://127.0.0.1:99999/subscribe"])
        XCTAssertNotEqual(watch.status, 0)
        XCTAssertTrue(watch.stderr.contains("65535"), watch.stderr)
        let file = dir.appendingPathComponent("s.echoreplay")
        try write(file, frames: 1, zipped: false)
        let stream = try NEVRProcess.run(["stream", file.path, "--to", "ws://127.0.0.1:99999/publish"])
        XCTAssertNotEqual(stream.status, 0)
        XCTAssertTrue(stream.stderr.contains("65535"), stream.stderr)
    }
}
