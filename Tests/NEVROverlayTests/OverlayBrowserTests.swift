import Foundation
import NEVRTestSupport
import XCTest

/// `nevr overlay --replay` on a simulated match, checked from outside: a Python client speaks
/// Spark's WebSocket protocol and reads the HTTP endpoints, and headless Chromium (Debian's
/// `chromium`, installed by scripts/bootstrap.sh) loads every page and checks its DOM
/// (Tests/Scripts/overlay_browser_check.py; the truth comes from reading the recording in Python).
final class OverlayBrowserTests: XCTestCase {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func executable(_ name: String) -> URL? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return path.map { URL(fileURLWithPath: "\($0)/\(name)") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    static func nevrBinary() throws -> URL {
        var candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nevr"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("nevr"),
            SharedData.packageRoot.appendingPathComponent(".build/debug/nevr"),
        ]
        if let env = ProcessInfo.processInfo.environment["NEVR_BINARY"], !env.isEmpty { candidates.insert(URL(fileURLWithPath: env), at: 0) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "nevr is not built (swift build); tried \(candidates.map(\.path))")
        }
        return found
    }

    /// Runs a process to the end; stdout and stderr go to files (no pipe can fill and block it).
    static func run(_ executable: URL, _ arguments: [String], in dir: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let outURL = dir.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outURL, encoding: .utf8), try String(contentsOf: errURL, encoding: .utf8))
    }

    func testOverlayPagesInHeadlessChromiumAndSparkProtocolFromPython() throws {
        guard let python = Self.executable("python3") else { throw Failure(description: "python3 is missing (scripts/bootstrap.sh)") }
        guard Self.executable("chromium") != nil else {
            throw Failure(description: "chromium is missing: scripts/bootstrap.sh installs Debian's chromium")
        }
        let nevr = try Self.nevrBinary()
        let dir = try SharedData.temporaryDirectory("nevr-overlay-browser")
        defer { try? FileManager.default.removeItem(at: dir) }
        let match = dir.appendingPathComponent("match.echoreplay")
        let sim = try Self.run(nevr, ["simulate", "--seed", "3", "--duration", "2m", "--players", "10", "--rate", "30", "--out", match.path], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)

        let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/overlay_browser_check.py")
        let shots = dir.appendingPathComponent("shots")
        let result = try Self.run(
            python, [script.path, "--nevr", nevr.path, "--replay", match.path, "--rate", "1.5", "--screenshots", shots.path], in: dir)
        XCTAssertEqual(result.status, 0, "browser check failed:\n\(result.stderr)")
        guard result.status == 0 else { return }
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let browser = try XCTUnwrap(report["browser"] as? [String: Any])
        let minimap = try XCTUnwrap(browser["minimap"] as? [String: Any])
        XCTAssert((8...10).contains(minimap["markers"] as? Int ?? 0))
        let truth = try XCTUnwrap(report["truth"] as? [String: Any])
        let scorer = try XCTUnwrap(truth["first_scorer"] as? String)
        XCTAssert((browser["feed_first_goal"] as? String ?? "").contains(scorer))
        XCTAssert((9...10).contains(browser["stats_rows"] as? Int ?? 0), "the simulated lobby has 9 or 10 players on the teams")
        let spark = try XCTUnwrap(report["spark_ws"] as? [String: Int])
        XCTAssertGreaterThan(spark["frame_10hz"] ?? 0, 0)
        for page in ["scoreboard", "minimap", "feed", "stats", "speed", "all"] {
            let png = try Data(contentsOf: shots.appendingPathComponent("overlay-\(page).png"))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], page)
        }
    }
}
