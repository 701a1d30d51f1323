import Foundation
import NEVRTestSupport
import XCTest

/// `.nvr` through the CLI: `nevr convert` both ways, `nevr cat` equal to the source's lines
/// and to the independent Python decoder's output (Tests/Scripts/nvr_decode.py).
final class NVRCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nvr-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func python(_ arguments: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", SharedData.packageRoot.appendingPathComponent("Tests/Scripts/nvr_decode.py").path] + arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "nvr_decode.py", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: String(decoding: errors, as: UTF8.self)])
        }
        return data
    }

    func testConvertCatAndPythonAgreeByteForByte() throws {
        let source = dir.appendingPathComponent("m.echoreplay")
        let sim = try NEVRProcess.run(["simulate", "--seed", "3", "--duration", "30s", "--rate", "30", "--bones", "--out", source.path])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let nvr = dir.appendingPathComponent("m.nvr")
        let convert = try NEVRProcess.run(["convert", source.path, nvr.path])
        XCTAssertEqual(convert.status, 0, convert.stderr)

        let catSource = try NEVRProcess.run(["cat", source.path])
        let catNVR = try NEVRProcess.run(["cat", nvr.path])
        XCTAssertEqual(catNVR.status, 0, catNVR.stderr)
        XCTAssertGreaterThan(catNVR.stdoutBytes.count, 100_000)
        XCTAssertEqual(catNVR.stdoutBytes, catSource.stdoutBytes, "nevr cat of the .nvr equals the recorded lines")
        XCTAssertEqual(try python(["cat", nvr.path]), catNVR.stdoutBytes, "the independent decoder prints the same lines")

        // And back: .nvr -> .echoreplay gives the same lines again.
        let back = dir.appendingPathComponent("back.echoreplay")
        let reverse = try NEVRProcess.run(["convert", nvr.path, back.path])
        XCTAssertEqual(reverse.status, 0, reverse.stderr)
        XCTAssertEqual(try NEVRProcess.run(["cat", back.path]).stdoutBytes, catSource.stdoutBytes)
        let size = try Data(contentsOf: nvr).count
        let zip = try Data(contentsOf: source).count
        XCTAssertLessThan(size, zip / 2, ".nvr \(size) B vs zipped .echoreplay \(zip) B")
    }

    func testCutNVRIsReadAndReportedAsDamaged() throws {
        let source = dir.appendingPathComponent("m.echoreplay")
        XCTAssertEqual(try NEVRProcess.run(["simulate", "--seed", "4", "--duration", "30s", "--rate", "30", "--out", source.path]).status, 0)
        let nvr = dir.appendingPathComponent("m.nvr")
        XCTAssertEqual(try NEVRProcess.run(["convert", source.path, nvr.path]).status, 0)
        let data = try Data(contentsOf: nvr)
        try data.prefix(data.count / 2).write(to: nvr)
        let cat = try NEVRProcess.run(["cat", nvr.path])
        XCTAssertEqual(cat.status, 2, "damaged input exits 2")
        XCTAssertTrue(cat.stderr.contains("no index"), cat.stderr)
        let lines = cat.stdoutBytes.split(separator: 0x0A).count
        XCTAssertGreaterThan(lines, 100)
        XCTAssertEqual(try python(["cat", nvr.path]), cat.stdoutBytes)
    }
}
