import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// Cross-checks with an independent implementation: Python's `protobuf` package running code
/// that `protoc` generates from `proto/`, and the `zstd` tool (Tests/Scripts/nevrcap_check.py).
/// Needs python3, protoc, zstd and pip `protobuf` (scripts/bootstrap.sh installs them); fails,
/// never skips, when one is missing.
final class NevrcapIndependentCheckTests: XCTestCase {
    private var dir: URL!
    private let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/nevrcap_check.py").path

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevrcap-py")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testPythonProtobufDecodesOurFile() throws {
        let url = dir.appendingPathComponent("ours.nevrcap")
        let header = NevrcapHeader(
            captureID: "swift-written", createdAt: Timestamp(seconds: 1_637_442_333, nanos: 407_000_000),
            metadata: [.init(key: "source", value: "swift"), .init(key: "converter", value: "nevr 0.1.0")])
        let writer = try NevrcapWriter(url: url, header: header, options: .init(framesPerZstdFrame: 3))
        let frames = (0..<7).map { NevrcapFixtures.frame($0, bones: $0 != 2, events: $0 == 1 ? NevrcapFixtures.everyEvent : []) }
        for f in frames { try writer.write(f) }
        try writer.close()

        let json = try ExternalTool.run("python3", [script, "dump", url.path])
        let dump = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(dump["records"] as? Int, 8)
        let h = try XCTUnwrap(dump["header"] as? [String: Any])
        XCTAssertEqual(h["capture_id"] as? String, "swift-written")
        XCTAssertEqual((h["created_at"] as? [String: Any])?["nanos"] as? Int, 407_000_000)
        XCTAssertEqual(h["metadata"] as? [String: String], ["source": "swift", "converter": "nevr 0.1.0"])

        let decoded = try XCTUnwrap(dump["frames"] as? [[String: Any]])
        XCTAssertEqual(decoded.count, frames.count)
        for (f, d) in zip(frames, decoded) {
            XCTAssertEqual(d["frame_index"] as? Int, Int(f.index))
            let ts = try XCTUnwrap(d["timestamp"] as? [String: Any])
            XCTAssertEqual(ts["seconds"] as? Int, Int(f.timestamp.seconds))
            XCTAssertEqual(ts["nanos"] as? Int, Int(f.timestamp.nanos))
            XCTAssertEqual(d["has_bones"] as? Bool, f.bones != nil)
            XCTAssertEqual(d["event_kinds"] as? [String], f.events.map(\.kind.name))
            let s = try XCTUnwrap(d["session"] as? [String: Any])
            try checkSession(s, f.session)
            if let bones = f.bones?.userBones {
                let db = try XCTUnwrap(d["bones"] as? [[String: Any]])
                XCTAssertEqual(db.count, bones.count)
                for (u, du) in zip(bones, db) {
                    XCTAssertEqual(du["slot"] as? Int, Int(u.slot ?? 0))
                    XCTAssertEqual((du["bone_t"] as? [Double])?.map { Float($0) }, u.translations)
                    XCTAssertEqual((du["bone_o"] as? [Double])?.map { Float($0) }, u.orientations)
                }
            }
        }
        // The every-event frame: spot-check payloads as Python decoded them.
        let events = try XCTUnwrap(decoded[1]["events"] as? [[String: Any]])
        XCTAssertEqual((events[5]["scoreboard_updated"] as? [String: Any])?["game_clock_display"] as? String, "03:12.44")
        XCTAssertEqual((events[3]["round_ended"] as? [String: Any])?["winning_team"] as? String, "ROLE_ORANGE_TEAM")
        XCTAssertEqual((events[10]["disc_possession_changed"] as? [String: Any])?["player_slot"] as? Int, -1)
        XCTAssertEqual(((events[6]["player_joined"] as? [String: Any])?["player"] as? [String: Any])?["display_name"] as? String, "player-1-2 ✓")
        XCTAssertEqual((events[24]["generic_event"] as? [String: Any])?["data"] as? [String: String], ["team": "blue", "ms": "2150"])
    }

    private func checkSession(_ d: [String: Any], _ s: Session) throws {
        // MessageToDict omits proto3 zero values: compare with 0 / "" / false defaults.
        func num(_ key: String) -> Double { (d[key] as? NSNumber)?.doubleValue ?? 0 }
        XCTAssertEqual(d["session_id"] as? String ?? "", s.sessionID ?? "")
        XCTAssertEqual(d["game_status"] as? String ?? "", s.gameStatus ?? "")
        XCTAssertEqual(num("game_clock"), s.gameClock ?? 0)
        XCTAssertEqual(num("blue_points"), s.bluePoints ?? 0)
        XCTAssertEqual(num("orange_team_restart_request"), Double(s.orangeTeamRestartRequest ?? 0))
        XCTAssertEqual(num("left_shoulder_pressed2"), s.leftShoulderPressed2 ?? 0)
        XCTAssertEqual(d["possession"] as? [Int], s.possession.map { [Int($0.teamIndex), Int($0.playerIndex)] })
        XCTAssertEqual((d["disc"] as? [String: Any])?["position"] as? [Double], s.disc?.position.map { [$0.x, $0.y, $0.z] })
        XCTAssertEqual((d["last_throw"] as? [String: Any])?["throw_move_penalty"] as? Double, s.lastThrow?.throwMovePenalty)
        XCTAssertEqual((d["last_score"] as? [String: Any])?["goal_type"] as? String, s.lastScore?.goalType)
        XCTAssertEqual((d["pause"] as? [String: Any])?["paused_timer"] as? Double, s.pause?.pausedTimer)
        XCTAssertEqual((d["player"] as? [String: Any])?["vr_up"] as? [Double], s.player?.vrUp.map { [$0.x, $0.y, $0.z] })
        XCTAssertEqual(num("payload_checkpoint"), Double(s.payloadCheckpoint ?? 0))
        let teams = try XCTUnwrap(d["teams"] as? [[String: Any]])
        XCTAssertEqual(teams.count, s.teams?.count)
        for (t, dt) in zip(s.teams ?? [], teams) {
            XCTAssertEqual(dt["team_name"] as? String, t.name)
            XCTAssertEqual(dt["has_possession"] as? Bool ?? false, t.possession ?? false)
            let players = dt["players"] as? [[String: Any]] ?? []
            XCTAssertEqual(players.count, t.players?.count ?? 0)
            for (p, dp) in zip(t.players ?? [], players) {
                XCTAssertEqual(dp["display_name"] as? String, p.name)
                XCTAssertEqual(dp["account_number"] as? String, p.userID.map(String.init))  // uint64 as JSON string
                XCTAssertEqual((dp["slot_number"] as? Int) ?? 0, Int(p.slot ?? 0))
                XCTAssertEqual((dp["level"] as? Int) ?? 0, Int(p.level ?? 0))
                XCTAssertEqual((dp["packet_loss_ratio"] as? Double) ?? 0, p.packetLossRatio ?? 0)
                XCTAssertEqual(dp["is_stunned"] as? Bool ?? false, p.stunned ?? false)
                XCTAssertEqual(dp["right_holding_onto"] as? String ?? "", p.holdingRight ?? "")
                XCTAssertEqual(dp["weapon"] as? String, p.weapon)
                XCTAssertEqual(dp["arm"] as? String, p.arm)
                XCTAssertEqual((dp["head"] as? [String: Any])?["position"] as? [Double], p.head?.position.map { [$0.x, $0.y, $0.z] })
                XCTAssertEqual((dp["left_hand"] as? [String: Any])?["pos"] as? [Double], p.leftHand?.position.map { [$0.x, $0.y, $0.z] })
                XCTAssertEqual((dp["right_hand"] as? [String: Any])?["up"] as? [Double], p.rightHand?.up.map { [$0.x, $0.y, $0.z] })
                XCTAssertEqual(dp["velocity"] as? [Double], p.velocity.map { [$0.x, $0.y, $0.z] })
                let st = dp["stats"] as? [String: Any]
                XCTAssertEqual((st?["shots_taken"] as? Int) ?? 0, Int(p.stats?.shotsTaken ?? 0))
                XCTAssertEqual((st?["possession_time"] as? Double) ?? 0, p.stats?.possessionTime ?? 0)
            }
        }
    }

    /// A protoc-generated tool that decodes and re-encodes our file (here Python `protobuf`)
    /// keeps key presence (`optional` fields, `key_presence`) and every `extras` entry.
    func testAFileReencodedByPythonKeepsPresenceAndExtras() throws {
        let url = dir.appendingPathComponent("ours.nevrcap")
        let writer = try NevrcapWriter(url: url, header: NevrcapHeader(captureID: "plain header"))
        var frames = (0..<3).map { NevrcapFixtures.frame($0, bones: $0 != 2, events: $0 == 1 ? NevrcapFixtures.everyEvent : []) }
        frames.append(
            Frame(
                index: 3, timestamp: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
                session: try GameJSONReader.parseSession(Array(ExtrasJSON.session.utf8)),
                bones: try GameJSONReader.parseBones(Array(ExtrasJSON.bones.utf8))))
        for f in frames { try writer.write(f) }
        try writer.close()

        let again = dir.appendingPathComponent("python-reencoded.nevrcap")
        try ExternalTool.run("python3", [script, "reencode", url.path, again.path])
        let reader = try NevrcapReader(url: again)
        var back: [Frame] = []
        while let f = try reader.next() {
            XCTAssertFalse(CaptureConversion.needsKeyRestore(header: reader.header, notes: reader.notes))
            back.append(f)
        }
        // A protobuf `map` (GenericEvent.data) has no order: Python writes its entries in its own.
        XCTAssertEqual(back.map(Self.sortingMaps), frames.map(Self.sortingMaps))
        XCTAssertEqual(reader.notes.unknownFields, 0)
        XCTAssertEqual(String(decoding: GameJSONWriter.bytes(back[3].session), as: UTF8.self), ExtrasJSON.session)
    }

    /// `f` with the entries of every generic event's data map sorted by key.
    static func sortingMaps(_ f: Frame) -> Frame {
        var f = f
        f.events = f.events.map { e in
            guard case .generic(let type, let data, let payload) = e else { return e }
            return .generic(eventType: type, data: data.sorted { $0.key < $1.key }, payload: payload)
        }
        return f
    }

    func testWeReadAFileBuiltByPythonAndTheZstdTool() throws {
        let url = dir.appendingPathComponent("python.nevrcap")
        try ExternalTool.run("python3", [script, "build", url.path])
        let reader = try NevrcapReader(url: url)
        let header = try XCTUnwrap(reader.header)
        XCTAssertEqual(header.captureID, "python-built")
        XCTAssertEqual(header.createdAt, Timestamp(seconds: 1_637_442_333, nanos: 407_000_000))
        XCTAssertEqual(header[metadata: "source"], "nevrcap_check.py")
        XCTAssertEqual(header[metadata: "format"], "nevrcap")
        var frames: [Frame] = []
        while let f = try reader.next() { frames.append(f) }
        XCTAssertEqual(reader.state, .clean)
        XCTAssertEqual(frames.count, 5)
        for (i, f) in frames.enumerated() {
            XCTAssertEqual(f.index, UInt32(i))
            XCTAssertEqual(f.timestamp, Timestamp(seconds: 1_637_442_333 + Int64(i), nanos: 500_000_000))
            XCTAssertEqual(f.session.sessionID, "PY-SESSION")
            XCTAssertEqual(f.session.gameClock, 300.5 - Double(i))
            // `blue_points` is `optional`: the 0 Python set on frame 0 is written and read back.
            XCTAssertEqual(f.session.bluePoints, Double(i))
            XCTAssertEqual(f.session.possession, DiscHolder(teamIndex: 1, playerIndex: Int32(i % 5)))
            XCTAssertEqual(f.session.disc?.position, Vector3(0.5, 1.25, -2.0 - Double(i)))
            XCTAssertEqual(f.session.teams?.map(\.name), ["BLUE TEAM", "ORANGE TEAM"])
            let p = try XCTUnwrap(f.session.teams?[1].players?[2])
            XCTAssertEqual(p.name, "p12")
            XCTAssertEqual(p.slot, 7)
            XCTAssertEqual(p.userID, 4_000_000_000_000_007)
            XCTAssertEqual(p.stunned, true)
            XCTAssertEqual(p.head?.position, Vector3(2, 1.5, -1))
            XCTAssertEqual(p.leftHand?.position, Vector3(0.1, 0.2, 0.3))
            XCTAssertEqual(p.stats?.saves, 2)
            XCTAssertEqual(p.stats?.possessionTime, 3)
            // 2025-era nested bones.
            let bones = try XCTUnwrap(f.bones?.userBones)
            XCTAssertEqual(bones.map(\.slot), [nil, 1])  // player_index 0 omitted by proto3
            XCTAssertEqual(bones[1].translations, (0..<69).map { Float(0.25 * Double($0)) })
            XCTAssertEqual(bones[1].orientations, [Float](repeating: 0.5, count: 92))
            let expected: [Event] = [.playerSave(slot: Int32(i), total: Int32(i + 1))]
            if i == 3 {
                XCTAssertEqual(f.events, expected + [.unknown(fieldNumber: 99, payload: [0x08, 7])])
            } else {
                XCTAssertEqual(f.events, expected)
            }
        }
        XCTAssertEqual(reader.notes.unknownEvents, 1)
        XCTAssertEqual(reader.notes.legacyBones, 20)

        // Rebuilt as .echoreplay, the keys proto3 dropped come back for the frame's era
        // (Sept 2020+: players have `head`), with zero values.
        let out = dir.appendingPathComponent("python.echoreplay")
        let summary = try CaptureConversion.nevrcapToEchoReplay(from: url, to: out)
        XCTAssertEqual(summary.framesWritten, 5)
        XCTAssertTrue(summary.notes.contains { $0.contains("restored") })
        let lines = try EchoReplayReader(url: out)
        let first = try GameJSONReader.parseSession(try XCTUnwrap(lines.next()).session)
        XCTAssertEqual(first.bluePoints, 0)
        XCTAssertEqual(first.privateMatch, false)
        XCTAssertEqual(first.orangeTeamRestartRequest, 0)
        XCTAssertEqual(first.teams?[0].players?[0].slot, 0)
        XCTAssertEqual(first.teams?[0].players?[0].stunned, false)
        XCTAssertEqual(first.teams?[0].players?[0].ping, 20)
        XCTAssertNil(first.lastThrow, "no 2021 objects invented")
        XCTAssertNil(first.totalRoundCount)
    }
}
