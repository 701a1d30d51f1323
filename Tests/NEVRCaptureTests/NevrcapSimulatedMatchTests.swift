import Foundation
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// A whole simulated match (game key order and float spelling, bones, real events) through
/// `.echoreplay -> .nevrcap -> .echoreplay`, and `nevr verify` both ways.
final class NevrcapSimulatedMatchTests: XCTestCase {
    func testSimulatedMatchRoundTripsWithEventsAndVerifies() throws {
        let dir = try SharedData.temporaryDirectory("nevrcap-sim")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("sim.echoreplay")
        let writer = try EchoReplayWriter(url: source)
        var sessions: [[UInt8]] = []
        var sim = MatchSimulator(options: SimulationOptions(seed: 7, duration: 45, rate: 10, players: 8, bones: true))
        while let f = sim.next() {
            let json = GameJSONWriter.bytes(f.session)
            sessions.append(json)
            try writer.write(timestamp: f.timestamp, session: json, bones: f.bones.map { GameJSONWriter.bytes($0) })
        }
        try writer.close()
        XCTAssertGreaterThan(sessions.count, 400)

        let cap = dir.appendingPathComponent("sim.nevrcap")
        let summary = try CaptureConversion.echoReplayToNevrcap(from: source, to: cap)
        XCTAssertEqual(summary.framesWritten, sessions.count)
        XCTAssertEqual(summary.framesWithBones, sessions.count)
        XCTAssertGreaterThan(summary.eventsWritten, 0)

        // The events stored are exactly what the frame processor detects on the same lines.
        var processor = FrameProcessor()
        let reader = try NevrcapReader(url: cap)
        var eventsByKind: [EventKind: Int] = [:]
        for (i, json) in sessions.enumerated() {
            let expected = try processor.process(session: json, bones: nil, timestamp: Timestamp(nanosecondsSinceEpoch: 0))
            let stored = try XCTUnwrap(try reader.next(), "frame \(i)")
            XCTAssertEqual(stored.index, UInt32(i))
            XCTAssertEqual(stored.events, expected.events, "frame \(i)")
            for e in stored.events { eventsByKind[e.kind, default: 0] += 1 }
        }
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.state, .clean)
        XCTAssertGreaterThan(eventsByKind.count, 3, "\(eventsByKind)")

        // Back to .echoreplay: every line's session JSON byte for byte (the simulator spells
        // like the game), every timestamp.
        let back = dir.appendingPathComponent("back.echoreplay")
        _ = try CaptureConversion.nevrcapToEchoReplay(from: cap, to: back)
        let original = try EchoReplayReader(url: source)
        let rebuilt = try EchoReplayReader(url: back)
        var n = 0
        while let a = try original.next() {
            let b = try XCTUnwrap(try rebuilt.next())
            XCTAssertEqual(a.timestamp, b.timestamp, "line \(n)")
            XCTAssertEqual(a.session, b.session, "line \(n)")
            XCTAssertEqual(a.bones.map { try? GameJSONReader.parseBones($0) }, b.bones.map { try? GameJSONReader.parseBones($0) }, "line \(n)")
            n += 1
        }
        XCTAssertNil(try rebuilt.next())
        XCTAssertEqual(n, sessions.count)

        for url in [source, cap] {
            let receipt = try CaptureVerification.verify(url)
            XCTAssertTrue(receipt.isLossless, "\(url.lastPathComponent): \(receipt.comparison.differences)")
            XCTAssertEqual(receipt.framesOut, sessions.count)
        }
    }
}
