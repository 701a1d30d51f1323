import Foundation
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// `.tape` writer and reader against each other, verification holes, and hostile input.
final class TapeFileTests: XCTestCase {
    static func simulated(seconds: Double = 8, bones: Bool = true) -> [Frame] {
        var sim = MatchSimulator(options: SimulationOptions(seed: 5, duration: seconds, rate: 30, players: 8, bones: bones))
        var frames: [Frame] = []
        while let f = sim.next() { frames.append(f.frame) }
        return frames
    }

    static func header(_ extra: (inout TapeHeader) -> Void = { _ in }) -> TapeHeader {
        var h = TapeHeader()
        h.captureID = "t"
        h.createdAt = Timestamp(seconds: 1_764_576_000, nanos: 0)
        h.formatVersion = 2
        h.echoArena = TapeArenaHeader()
        extra(&h)
        return h
    }

    static func v2Frames(_ frames: [Frame]) -> [TapeFrame] {
        var encoder = TapeFrameEncoder(createdAt: frames[0].timestamp)
        return frames.map { encoder.encode($0) }
    }

    func testEveryContainerReadsBackTheSameV2Frames() throws {
        let frames = Self.v2Frames(Self.simulated())
        for container in TapeWriter.Container.allCases {
            let writer = try TapeWriter(inMemory: "\(container)", header: Self.header(), options: .init(container: container, keyframeInterval: 50))
            for f in frames { try writer.write(f) }
            try writer.finish()
            let reader = try TapeReader(bytes: writer.data)
            var back: [TapeFrame] = []
            while let f = try reader.next() { back.append(f) }
            XCTAssertEqual(back, frames, "\(container)")
            XCTAssertEqual(reader.state, .clean)
            XCTAssertEqual(reader.footer?.frameCount, UInt32(frames.count))
            XCTAssertEqual(reader.footer?.keyframeIndex.count, (frames.count + 49) / 50)
            XCTAssertEqual(reader.notes, NevrcapDecodeNotes(), "nothing unknown in our own file")
        }
    }

    func testVerifyViaTapeReportsOnlyDocumentedHoles() {
        let receipt = TapeVerification.verify(frames: Self.simulated())
        XCTAssertEqual(receipt.framesOut, receipt.framesIn)
        XCTAssertEqual(receipt.losses, [:], "differences outside tape.md §7: \(receipt.comparison.differences.prefix(5))")
        XCTAssertTrue(receipt.isLossless)
        XCTAssertLessThanOrEqual(receipt.maxOrientationDeviation, TapeVerification.orientationTolerance)
        XCTAssertGreaterThan(receipt.comparison.fieldsCompared, 10_000)
        // The simulator fills last_throw: its hole must be named, not hidden.
        XCTAssertNotNil(receipt.holes.keys.first { $0.hasPrefix("last_throw") }, "\(receipt.holes)")
    }

    func testRebuiltAxesAreOrthonormalAndSurviveASecondRoundTrip() throws {
        // The simulator's vectors are grid-rounded, not orthonormal: their quaternion is not
        // unit length. The axes read back must still be an orthonormal basis, so a file
        // converted from a .tape converts again without drifting.
        let frames = Self.simulated(seconds: 2, bones: false)
        let writer = TapeSessionWriter(inMemory: "x", captureID: "c")
        for f in frames { try writer.write(f) }
        try writer.finish()
        let reader = try TapeSessionReader(bytes: writer.data)
        var first: [Frame] = []
        while let f = try reader.next() { first.append(f) }
        XCTAssertEqual(first.count, frames.count)
        func dot(_ a: Vector3, _ b: Vector3) -> Double { a.x * b.x + a.y * b.y + a.z * b.z }
        var checked = 0
        for f in first {
            f.session.forEachPlayer { _, p in
                guard let h = p.head, let fw = h.forward, let l = h.left, let u = h.up else { return }
                for (a, b) in [(fw, fw), (l, l), (u, u)] { XCTAssertEqual(dot(a, b), 1, accuracy: 1e-6) }
                for (a, b) in [(fw, l), (fw, u), (l, u)] { XCTAssertEqual(dot(a, b), 0, accuracy: 1e-6) }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
        let second = TapeVerification.verify(frames: first)
        XCTAssertLessThan(second.maxOrientationDeviation, 1e-5, "an orthonormal basis comes back within float32 noise")
    }

    func testVerifyCountsARealLossAsALoss() {
        // A ping above UInt32 range cannot be stored; a player name change is kept. Make a real
        // loss: a negative ping clamps to 0 in uint32.
        var frames = Self.simulated(seconds: 1, bones: false)
        frames[3].session.teams![0].players![0].ping = -5
        let receipt = TapeVerification.verify(frames: frames)
        XCTAssertEqual(receipt.losses["teams[].players[].ping"], 1, "\(receipt.losses)")
        XCTAssertFalse(receipt.isLossless)
    }

    func testSessionReaderRebuildsWhatTheSessionWriterWrote() throws {
        let frames = Self.simulated(seconds: 4)
        let writer = TapeSessionWriter(inMemory: "x", captureID: "c")
        for f in frames { try writer.write(f) }
        try writer.finish()
        let reader = try TapeSessionReader(bytes: writer.data)
        var n = 0
        while let f = try reader.next() {
            let o = frames[n].session
            XCTAssertEqual(f.session.sessionID, o.sessionID)
            XCTAssertEqual(f.session.gameClockDisplay, o.gameClockDisplay, "derived display equals the engine's")
            XCTAssertEqual(f.session.possession, o.possession)
            XCTAssertEqual(f.session.teams?.map { $0.players?.map(\.name) }, o.teams?.map { $0.players?.map(\.name) })
            XCTAssertEqual(f.session.teams?.map { $0.stats?.points }, o.teams?.map { $0.stats?.points })
            XCTAssertEqual(f.bones, frames[n].bones)
            n += 1
        }
        XCTAssertEqual(n, frames.count)
    }

    func testUnknownHeaderFieldsSurviveARewrite() throws {
        var h = Self.header()
        h.unknownFields = [0xE8, 0x04, 0x07]  // field 77, varint 7
        let w = try TapeWriter(inMemory: "x", header: h)
        try w.finish()
        let r = try TapeReader(bytes: w.data)
        XCTAssertEqual(r.header.unknownFields, [0xE8, 0x04, 0x07])
        XCTAssertEqual(r.notes.unknownFields, 1)
    }

    func testVersionsOtherThanZeroAndTwoAreRejected() throws {
        for (version, ok) in [(0, true), (1, false), (2, true), (3, false)] {
            let w = try TapeWriter(inMemory: "x", header: Self.header { $0.formatVersion = UInt32(version) })
            try w.finish()
            if ok {
                XCTAssertNoThrow(try TapeReader(bytes: w.data))
            } else {
                XCTAssertThrowsError(try TapeReader(bytes: w.data, label: "v\(version).tape")) {
                    XCTAssertEqual(($0 as? TapeError)?.reason, .unsupportedVersion(UInt32(version)))
                    XCTAssertTrue("\($0)".hasPrefix("v\(version).tape: "))
                }
            }
        }
        // Pre-release flat layout: CaptureHeader field 3 was session_id (a string).
        let flat: [UInt8] = [0x0A, 0x05, 0x1A, 0x03] + Array("abc".utf8)
        XCTAssertThrowsError(try TapeReader(bytes: [UInt8(flat.count)] + flat)) {
            XCTAssertEqual(($0 as? TapeError)?.reason, .preReleaseLayout)
        }
    }

    func testWriterRefusesFrameIndexGaps() throws {
        let w = try TapeWriter(inMemory: "x", header: Self.header())
        try w.write(TapeFrame(frameIndex: 0))
        XCTAssertThrowsError(try w.write(TapeFrame(frameIndex: 2)))
    }

    func testFooterMismatchAndTrailingDataAreErrors() throws {
        var stream: [UInt8] = []
        func record(_ body: (inout ProtoWriter) -> Void) {
            var p = ProtoWriter()
            body(&p)
            stream += [UInt8(p.count)] + Array(p.bytes)
            p.deallocate()
        }
        record { TapeWire.encode(Self.header(), into: &$0) }
        record { TapeWire.encode(TapeFrame(frameIndex: 0), into: &$0) }
        var footer = TapeFooter()
        footer.frameCount = 5
        record { TapeWire.encode(footer, into: &$0) }
        let r = try TapeReader(bytes: stream)
        XCTAssertNotNil(try r.next())
        XCTAssertThrowsError(try r.next()) { XCTAssertEqual(($0 as? TapeError)?.reason, .footerMismatch(footer: 5, read: 1)) }
        let trailing = try TapeReader(bytes: stream + [0x00])
        _ = try trailing.next()
        XCTAssertThrowsError(try trailing.next()) { XCTAssertEqual(($0 as? TapeError)?.reason, .trailingData) }
    }

    func testHostileLengthsAndBudgets() throws {
        var h = ProtoWriter()
        TapeWire.encode(Self.header(), into: &h)
        let head = [UInt8(h.count)] + Array(h.bytes)
        h.deallocate()
        // A record claiming 200 MB with 3 bytes behind it: truncation, nothing huge allocated.
        let claim = head + [0x80, 0xDA, 0xC4, 0x5F, 1, 2, 3]
        let r = try TapeReader(bytes: claim)
        XCTAssertThrowsError(try r.next()) { XCTAssertTrue(($0 as? TapeError)?.isTruncation == true, "\($0)") }
        // Over the message limit.
        let small = try TapeReader(bytes: claim, options: .init(maxMessageSize: 1000))
        XCTAssertThrowsError(try small.next()) {
            guard case .messageTooLarge? = ($0 as? TapeError)?.reason else { return XCTFail("\($0)") }
        }
        // A length varint of 11 bytes.
        let long = try TapeReader(bytes: head + [UInt8](repeating: 0xFF, count: 11))
        XCTAssertThrowsError(try long.next()) { XCTAssertEqual(($0 as? TapeError)?.reason, .badLength) }
        // Decoded-bytes budget on a zstd file of zeros (a "bomb").
        let frames = Self.v2Frames(Self.simulated(seconds: 2, bones: false))
        let w = try TapeWriter(inMemory: "x", header: Self.header(), options: .init(container: .wholeStream))
        for f in frames { try w.write(f) }
        try w.finish()
        XCTAssertThrowsError(try { let budget = try TapeReader(bytes: w.data, options: .init(maxDecodedBytes: 4096)); while try budget.next() != nil {} }()) {
            guard case .budgetExceeded? = ($0 as? TapeError)?.reason else { return XCTFail("\($0)") }
        }
        let fewFrames = try TapeReader(bytes: w.data, options: .init(maxFrames: 3))
        XCTAssertThrowsError(try { while try fewFrames.next() != nil {} }())
        XCTAssertEqual(fewFrames.framesRead, 3)
    }

    func testCorruptSeekTableIsNamed() throws {
        let frames = Self.v2Frames(Self.simulated(seconds: 1, bones: false))
        let w = try TapeWriter(inMemory: "x", header: Self.header())
        for f in frames { try w.write(f) }
        try w.finish()
        var bytes = w.data
        // N (the u32 before the descriptor) claims one block more than the table holds.
        bytes[bytes.count - 9] &+= 1
        XCTAssertThrowsError(try TapeReader(bytes: bytes, label: "bad.tape")) {
            guard case .corruptSeekTable? = ($0 as? TapeError)?.reason else { return XCTFail("\($0)") }
        }
    }

    /// Random byte flips and cuts: every outcome is frames or a TapeError, never a crash or hang.
    func testRandomDamageNeverCrashes() throws {
        let frames = Self.v2Frames(Self.simulated(seconds: 3, bones: true))
        var files: [[UInt8]] = []
        for container in TapeWriter.Container.allCases {
            let w = try TapeWriter(inMemory: "x", header: Self.header(), options: .init(container: container, keyframeInterval: 20))
            for f in frames { try w.write(f) }
            try w.finish()
            files.append(w.data)
        }
        var rng = SeededGenerator(seed: 42)
        for i in 0..<240 {
            var bytes = files[i % files.count]
            let flips = Int.random(in: 1...8, using: &rng)
            for _ in 0..<flips { bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            if i % 5 == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count / 2, using: &rng)) }
            guard let reader = try? TapeSessionReader(bytes: bytes) else { continue }
            var steps = 0
            loop: while steps < 10_000 {
                steps += 1
                do {
                    switch try reader.step() {
                    case .frame: continue
                    case .skipped: continue
                    case .end, .truncated: break loop
                    }
                } catch {
                    break loop
                }
            }
            XCTAssertLessThan(steps, 10_000)
        }
    }
}
