import XCTest
import NEVRCore
import NEVRTestSupport
@testable import NEVRSimulator

/// The simulated frames as the game would send them: written with `GameJSONWriter`.
final class SimulatorJSONTests: XCTestCase {
    func testSameSeedSameBytesDifferentSeedDifferentBytes() {
        func bytes(_ seed: UInt64) -> [UInt8] {
            var sim = MatchSimulator(options: SimulationOptions(seed: seed, duration: 30, rate: 30, bones: true))
            var out: [UInt8] = []
            while let f = sim.next() {
                GameJSONWriter.write(f.session, into: &out)
                GameJSONWriter.write(f.bones!, into: &out)
                for e in f.truth { out.append(contentsOf: e.jsonLine.utf8) }
            }
            return out
        }
        let a = bytes(11)
        XCTAssertEqual(a, bytes(11))
        XCTAssertNotEqual(a, bytes(12))
        XCTAssertGreaterThan(a.count, 900 * 8_000)
    }

    /// Our reader gives back exactly the frame that was written (values are the doubles
    /// nearest the printed text, as the reader produces them).
    func testEveryFrameRoundTripsThroughOurReader() throws {
        for f in standardRun.frames {
            let json = GameJSONWriter.bytes(f.session)
            XCTAssertEqual(try GameJSONReader.parseSession(json), f.session, "frame \(f.index)")
        }
        var sim = MatchSimulator(options: SimulationOptions(seed: 2, duration: 30, rate: 5, bones: true))
        while let f = sim.next() {
            let back = try GameJSONReader.parseBones(GameJSONWriter.bytes(f.bones!))
            XCTAssertEqual(back.errCode, f.bones!.errCode)
            XCTAssertEqual(back.userBones?.count, f.bones!.userBones!.count)
            for (a, b) in zip(back.userBones ?? [], f.bones!.userBones!) {
                XCTAssertEqual(a.slot, b.slot)
                for (x, y) in zip(a.translations!, b.translations!) where x != y { XCTFail("bone_t \(x) != \(y)") }
                for (x, y) in zip(a.orientations!, b.orientations!) where x != y || x.sign != y.sign { XCTFail("bone_o \(x) != \(y)") }
                XCTAssertEqual(a, b)
            }
        }
    }

    /// 8-10 people in the frame (7-9 players and the spectator): 8-14 KB like the real frame.
    func testFrameSizesAreThoseOfRealFrames() {
        for players in [7, 8, 9] {
            var sim = MatchSimulator(options: SimulationOptions(seed: 3, duration: 60, rate: 5, players: players))
            var sizes: [Int] = []
            while let f = sim.next() { sizes.append(GameJSONWriter.bytes(f.session).count) }
            XCTAssertGreaterThanOrEqual(sizes.min()!, 8_000, "\(players) players")
            XCTAssertLessThanOrEqual(sizes.max()!, 14_000, "\(players) players")
        }
    }

    /// Python's `json` parses every frame, and every object's keys come in the order of the
    /// real 2021 frame's (the 2022 additions `is_emote_playing` and `rules_changed_*` aside).
    func testPythonParsesEveryFrameWithTheRealFramesKeyOrder() throws {
        let dir = try SharedData.temporaryDirectory("nevr-sim-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("frames.jsonl")
        var out: [UInt8] = []
        for f in standardRun.frames {
            GameJSONWriter.write(f.session, into: &out)
            out.append(0x0A)
        }
        try Data(out).write(to: file)
        let real = SharedData.directory.appendingPathComponent(SharedData.frame2021).path
        let report = try PythonCheck.run(script: Self.keyOrderScript, arguments: [real, file.path])
        let lines = report.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "frames \(standardRun.frames.count)")
        XCTAssertEqual(Array(lines.dropFirst()), [], "key order problems")
    }

    /// Walks each frame with `object_pairs_hook` and compares the key sequence of every
    /// object with the real frame's object at the same path.
    static let keyOrderScript = #"""
import json, sys
ADDED = {"is_emote_playing", "rules_changed_by", "rules_changed_at"}
OPTIONAL = {"players", "stats"}  # a team without players has neither
def walk(node, path, out):
    if isinstance(node, list) and node and isinstance(node[0], tuple):
        out.setdefault(path, []).append([k for k, _ in node])
        for k, v in node:
            walk(v, path + "/" + k, out)
    elif isinstance(node, list):
        for v in node:
            walk(v, path + "[]", out)
hook = lambda pairs: list(pairs)
real = {}
walk(json.load(open(sys.argv[1]), object_pairs_hook=hook), "", real)
order = {p: max(seqs, key=len) for p, seqs in real.items()}
n = 0
problems = []
for line in open(sys.argv[2]):
    frame = json.loads(line, object_pairs_hook=hook)
    n += 1
    seen = {}
    walk(frame, "", seen)
    for path, seqs in seen.items():
        want = order.get(path)
        if want is None:
            problems.append("frame %d: path %s not in the real frame" % (n - 1, path)); continue
        for keys in seqs:
            extra = [k for k in keys if k not in want and k not in ADDED]
            missing = [k for k in want if k not in keys and k not in OPTIONAL]
            common = [k for k in keys if k in want]
            if extra or missing or common != [k for k in want if k in keys]:
                problems.append("frame %d %s: extra %s missing %s order %s" % (n - 1, path, extra, missing, common))
print("frames %d" % n)
for p in problems[:20]:
    print(p)
"""#
}
