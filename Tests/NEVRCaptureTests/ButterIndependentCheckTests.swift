import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// `.butter` v1, v2 and v3 (Arena and Combat) built by an independent Python builder written from
/// the spec (Tests/Scripts/butter_check.py), with the values a reader must decode; our reader
/// must give them back field by field (floats exactly: the builder reproduces the half and
/// smallest-three quantization, so there is no tolerance except for derived axes).
final class ButterIndependentCheckTests: XCTestCase {
    private var dir: URL!
    private let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/butter_check.py").path

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("butter-py")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testReadsPythonBuiltFilesOfEveryVersion() throws {
        try ExternalTool.run("python3", [script, "build", dir.path])
        let expect = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("expect.json"))) as? [String: Any])
        let files = try XCTUnwrap(expect["files"] as? [String: [String: Any]])
        XCTAssertEqual(Set(files.keys), ["v1", "v2", "v3", "v3-combat"])
        for (name, e) in files.sorted(by: { $0.key < $1.key }) {
            let reader = try ButterReader(url: dir.appendingPathComponent(name + ".butter"))
            XCTAssertEqual(Int(reader.version), e["version"] as? Int, name)
            XCTAssertEqual(reader.sessionID, expect["session_id"] as? String)
            XCTAssertEqual(reader.sessionIP, expect["session_ip"] as? String)
            XCTAssertEqual(reader.clientName, expect["client_name"] as? String)
            XCTAssertEqual(reader.players.map(\.name), ["PlayerA", "PlayerB", "PlayerC"])
            let combat = e["combat"] as? Bool ?? false
            XCTAssertEqual(reader.matchType, combat ? "Echo_Combat_Private" : "Echo_Arena_Private")
            var frames: [Frame] = []
            while let f = try reader.next() { frames.append(f) }
            let wanted = try XCTUnwrap(e["frames"] as? [[String: Any]])
            XCTAssertEqual(frames.count, wanted.count, name)
            for (f, w) in zip(frames, wanted) { try check(f, w, name, combat: combat, version: reader.version) }
        }
    }

    private func check(_ f: Frame, _ w: [String: Any], _ name: String, combat: Bool, version: UInt8) throws {
        let s = f.session
        let at = "\(name) frame \(f.index)"
        XCTAssertEqual(f.timestamp.milliseconds, (w["timestamp_ms"] as? Int).map(Int64.init), at)
        // Float comparisons: every value is float32 by construction, and Foundation's JSON
        // parser is not exact for doubles on Linux.
        func fl(_ v: Double?) -> Float? { v.map { Float($0) } }
        func fl(_ v: [Double]?) -> [Float]? { v?.map { Float($0) } }
        XCTAssertEqual(fl(s.gameClock), fl(w["game_clock"] as? Double), at)
        XCTAssertEqual(s.gameStatus, w["game_status"] as? String, at)
        XCTAssertEqual([s.bluePoints, s.orangePoints].compactMap { $0 }, w["points"] as? [Double], at)
        XCTAssertEqual(s.totalRoundCount, 3)
        XCTAssertEqual(s.blueRoundScore, 1)
        XCTAssertEqual(s.orangeRoundScore, 2)
        let p = try XCTUnwrap(w["pause"] as? [String: Any])
        XCTAssertEqual(s.pause?.pausedState, p["paused_state"] as? String, at)
        XCTAssertEqual(s.pause?.pausedRequestedTeam, p["paused_requested_team"] as? String, at)
        XCTAssertEqual(fl(s.pause?.pausedTimer), fl(p["paused_timer"] as? Double), at)
        XCTAssertEqual(s.blueTeamRestartRequest, 1, at)
        XCTAssertEqual([s.leftShoulderPressed, s.rightShoulderPressed, s.leftShoulderPressed2, s.rightShoulderPressed2].compactMap { $0 }, w["inputs"] as? [Double], at)
        if let ls = w["last_score"] as? [String: Any] {
            XCTAssertEqual(s.lastScore?.team, ls["team"] as? String, at)
            XCTAssertEqual(s.lastScore?.goalType, ls["goal_type"] as? String, at)
            XCTAssertEqual(s.lastScore?.personScored, ls["person_scored"] as? String, at)
            XCTAssertEqual(s.lastScore?.assistScored, ls["assist_scored"] as? String, at)
            XCTAssertEqual(fl(s.lastScore?.discSpeed), fl(ls["disc_speed"] as? Double), at)
            XCTAssertEqual(s.lastScore?.pointAmount.map(Int.init), ls["point_amount"] as? Int, at)
        } else {
            XCTAssertNil(s.lastScore, at)
        }
        if let d = w["disc_position"] as? [Double] {
            XCTAssertEqual(fl(s.disc?.position.map { [$0.x, $0.y, $0.z] }), fl(d), at)
        }
        XCTAssertEqual(s.possession.map { [Int($0.teamIndex), Int($0.playerIndex)] }, w["possession"] as? [Int], at)
        XCTAssertEqual(s.teams?[0].stats?.points.map(Int.init), w["blue_team_stats_points"] as? Int, at)
        let players = try XCTUnwrap(w["players"] as? [[String: Any]])
        var flat: [(Int, Player)] = []
        s.forEachPlayer { t, p in flat.append((t, p)) }
        XCTAssertEqual(flat.count, players.count, at)
        for ((t, pl), e) in zip(flat, players) {
            XCTAssertEqual(t, e["team"] as? Int, at)
            XCTAssertEqual(pl.slot.map(Int.init), e["slot"] as? Int, at)
            XCTAssertEqual(pl.name, e["name"] as? String, at)
            XCTAssertEqual(pl.userID, (e["userid"] as? NSNumber)?.uint64Value, at)
            XCTAssertEqual(pl.number.map(Int.init), e["number"] as? Int, at)
            XCTAssertEqual(pl.level.map(Int.init), e["level"] as? Int, at)
            XCTAssertEqual(pl.ping.map(Int.init), e["ping"] as? Int, at)
            XCTAssertEqual(pl.stats?.points.map(Int.init), e["points"] as? Int, at)
            XCTAssertEqual(pl.stunned, e["stunned"] as? Bool, at)
            XCTAssertEqual(pl.possession, e["possession"] as? Bool, at)
            XCTAssertEqual(pl.holdingRight, e["holding_right"] as? String, at)
            XCTAssertEqual(fl(pl.head?.position.map { [$0.x, $0.y, $0.z] }), fl(e["head_position"] as? [Double]), at)
            let fw = try XCTUnwrap(e["head_forward"] as? [Double])
            let got = try XCTUnwrap(pl.head?.forward, at)
            XCTAssertEqual(got.x, fw[0], accuracy: 1e-6, at)
            XCTAssertEqual(got.y, fw[1], accuracy: 1e-6, at)
            XCTAssertEqual(got.z, fw[2], accuracy: 1e-6, at)
            if combat {
                XCTAssertEqual(pl.weapon, "blaster", at)
                XCTAssertEqual(pl.ordnance, "burst", at)
                XCTAssertEqual(pl.tacMod, "shield", at)
                XCTAssertEqual(pl.arm, "right", at)
            }
        }
        if let bones = w["bones"] as? [[Double]] {
            let ub = try XCTUnwrap(f.bones?.userBones, at)
            XCTAssertEqual(ub.count, bones.count, at)
            for (u, b) in zip(ub, bones) {
                XCTAssertEqual(u.translations.map { Array($0.prefix(9)) }, fl(b), at)
                XCTAssertEqual(u.orientations?.count, 92)
            }
        } else {
            XCTAssertNil(f.bones, at)
        }
    }

    func testHostileHeadersFailCleanly() throws {
        XCTAssertThrowsError(try ButterReader(bytes: [])) { XCTAssertTrue("\($0)".contains("cut short"), "\($0)") }
        XCTAssertThrowsError(try ButterReader(bytes: [9, 0, 0])) { XCTAssertEqual(($0 as? ButterError)?.reason, .unsupportedVersion(9)) }
        // Version 3, interval 300, gzip, empty client name, then a header cut inside the session id.
        XCTAssertThrowsError(try ButterReader(bytes: [3, 0x2C, 0x01, 1, 0, 1, 2, 3]))
        // A chunk table claiming 2^32-1 chunks.
        var h: [UInt8] = [3, 0x2C, 0x01, 1, 0] + [UInt8](repeating: 0xAB, count: 16) + [1, 2, 3, 4, 0, 3, 0, 5]
        h += [0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try ButterReader(bytes: h)) { XCTAssertTrue("\($0)".contains("chunks"), "\($0)") }
        // Compression 6 needs Spark's dictionary.
        var d: [UInt8] = [3, 0x2C, 0x01, 6, 0] + [UInt8](repeating: 0xAB, count: 16) + [1, 2, 3, 4, 0, 3, 0, 5]
        d += [0, 0, 0, 0]
        XCTAssertThrowsError(try ButterReader(bytes: d)) { XCTAssertEqual(($0 as? ButterError)?.reason, .needsDictionary) }
    }

    func testCorruptChunkIsReportedAndReadingGoesOn() throws {
        try ExternalTool.run("python3", [script, "build", dir.path])
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("v1.butter")))
        let reader0 = try ButterReader(bytes: bytes)
        let firstChunk = reader0.chunkSizes[0]
        let start = bytes.count - reader0.chunkSizes.reduce(0, +)
        // Break the keyframe marker that opens chunk 0 (uncompressed in v1): chunk 0 is skipped.
        XCTAssertGreaterThan(firstChunk, 2)
        bytes[start] = 0
        bytes[start + 1] = 0
        let reader = try ButterReader(bytes: bytes, label: "broken.butter")
        var frames = 0
        var errors: [ButterError] = []
        while true {
            do {
                guard try reader.next() != nil else { break }
                frames += 1
            } catch {
                XCTAssertTrue(error.isRecoverable)
                XCTAssertTrue(error.description.hasPrefix("broken.butter: chunk 0"), error.description)
                errors.append(error)
            }
        }
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(frames, 4, "the second chunk is read in full")
    }
}
