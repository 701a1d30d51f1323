import Foundation
import NEVRAnalysis
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// `RecordingDiff` on two captures built from the real 2021 frame with known edits: the
/// expected groups, counts and differences are written down from the edits, not computed.
final class RecordingDiffTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("nevr-diff") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func write(_ name: String, _ sessions: [Session]) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let w = try EchoReplayWriter(url: url)
        for (i, s) in sessions.enumerated() {
            // 30 Hz from one start, so frame i of A pairs with frame i of B.
            try w.write(timestamp: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000 + Int64(i) * 33), session: GameJSONWriter.bytes(s), bones: nil)
        }
        try w.close()
        return url
    }

    func testKnownEditsAreGroupedCountedAndMeasured() throws {
        let base = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021))
        XCTAssertNotNil(base.disc)
        XCTAssertGreaterThanOrEqual(base.teams?.first?.players?.count ?? 0, 2)
        var a: [Session] = [], b: [Session] = []
        for i in 0..<6 {
            var x = base, y = base
            x.gameClock = 100 - Double(i)
            y.gameClock = 100 - Double(i)
            if i >= 2 {
                // Frames 2..5: player 1's head moves 0.5 m in x in B only.
                y.teams![0].players![1].head!.position!.x += 0.5
            }
            if i == 3 {
                // Frame 3: B has another session id and no disc.
                y.sessionID = "00000000-0000-0000-0000-000000000000"
                y.disc = nil
            }
            if i == 4 {
                // Frame 4: B's blue team has one player fewer.
                y.teams![0].players!.removeLast()
            }
            a.append(x)
            b.append(y)
        }
        let diff = try RecordingDiff.run(try write("a.echoreplay", a), try write("b.echoreplay", b))
        XCTAssertEqual(diff.pairs, 6)
        XCTAssertEqual(diff.identicalPairs, 2)
        XCTAssertEqual(diff.unpairedA, 0)
        XCTAssertEqual(diff.unpairedB, 0)
        let byPath = Dictionary(uniqueKeysWithValues: diff.paths.map { ($0.path, $0) })

        let head = try XCTUnwrap(byPath["teams[].players[].head.position[]"])
        // Frames 2, 3, 4, 5 (in frame 4 the removed last player also counts, as only-in-A leaves).
        XCTAssertEqual(head.frames, 4)
        XCTAssertEqual(head.maxDifference, 0.5, accuracy: 0.002)
        XCTAssertEqual(head.first.0, 2)
        XCTAssertEqual(head.first.1, 2)
        XCTAssertTrue(head.example.hasPrefix("teams[0].players[1].head.position[0]: "), head.example)

        let session = try XCTUnwrap(byPath["sessionid"])
        XCTAssertEqual(session.frames, 1)
        XCTAssertEqual(session.maxDifference, 0)
        XCTAssertEqual(session.first.0, 3)

        // No disc in B's frame 3: every disc leaf is only in A, once.
        let disc = try XCTUnwrap(byPath["disc.position[]"])
        XCTAssertEqual(disc.frames, 1)
        XCTAssertEqual(disc.onlyInA, 3)
        XCTAssertEqual(disc.onlyInB, 0)

        // The removed player: its leaves are only in A, in frame 4 only.
        let name = try XCTUnwrap(byPath["teams[].players[].name"])
        XCTAssertEqual(name.frames, 1)
        XCTAssertEqual(name.onlyInA, 1)
        XCTAssertEqual(name.first.0, 4)

        // Velocities were not edited: only the removed player's three are reported, as only in A.
        let velocity = try XCTUnwrap(byPath["teams[].players[].velocity[]"])
        XCTAssertEqual(velocity.frames, 1)
        XCTAssertEqual(velocity.onlyInA, 3)
        XCTAssertEqual(velocity.maxDifference, 0)
        // Nothing else was edited.
        XCTAssertNil(byPath["game_clock"])
        XCTAssertNil(byPath["orange_points"])
        XCTAssertNil(byPath["teams[].stats.points"])
    }

    func testACaptureAgainstItselfHasNoDifferences() throws {
        let base = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021))
        let url = try write("same.echoreplay", Array(repeating: base, count: 4))
        let diff = try RecordingDiff.run(url, url)
        XCTAssertEqual(diff.pairs, 4)
        XCTAssertEqual(diff.identicalPairs, 4)
        XCTAssertTrue(diff.paths.isEmpty)
        XCTAssertTrue(diff.text().contains("no differences"))
    }
}
