import Foundation
import NEVRTestSupport
import XCTest

/// `nevr cat`, `nevr convert` both ways and `nevr verify` keep unknown keys and `null`s at
/// every nesting level (the frame: ExtrasJSON in NEVRTestSupport).
final class ExtrasCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("extras-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func line(_ stamp: String) -> String { stamp + "\t" + ExtrasJSON.session + "\t " + ExtrasJSON.bones + "\r\n" }

    func testCatConvertBothWaysAndVerifyKeepEveryExtra() throws {
        let source = dir.appendingPathComponent("x.echoreplay")
        let text = line("2026/11/30 10:00:00.100") + line("2026/11/30 10:00:00.600")
        try Data(text.utf8).write(to: source)

        let verifySource = try NEVRProcess.run(["verify", source.path])
        XCTAssertEqual(verifySource.status, 0, verifySource.stdout + verifySource.stderr)
        XCTAssertTrue(verifySource.stdout.contains("differences:        0"), verifySource.stdout)

        let cap = dir.appendingPathComponent("x.nevrcap")
        let toCap = try NEVRProcess.run(["convert", source.path, cap.path])
        XCTAssertEqual(toCap.status, 0, toCap.stderr)

        let cat = try NEVRProcess.run(["cat", cap.path])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(cat.stdout, ExtrasJSON.session + "\n" + ExtrasJSON.session + "\n")

        let verifyCap = try NEVRProcess.run(["verify", cap.path])
        XCTAssertEqual(verifyCap.status, 0, verifyCap.stdout + verifyCap.stderr)
        XCTAssertTrue(verifyCap.stdout.contains("differences:        0"), verifyCap.stdout)

        let back = dir.appendingPathComponent("back.echoreplay")
        let toReplay = try NEVRProcess.run(["convert", cap.path, back.path])
        XCTAssertEqual(toReplay.status, 0, toReplay.stderr)
        let catBack = try NEVRProcess.run(["cat", back.path])
        XCTAssertEqual(catBack.status, 0, catBack.stderr)
        XCTAssertEqual(catBack.stdout, ExtrasJSON.session + "\n" + ExtrasJSON.session + "\n")
    }
}
