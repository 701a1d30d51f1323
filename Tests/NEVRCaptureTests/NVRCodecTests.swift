import Foundation
import NEVRCore
import NEVRSimulator
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

/// `.nvr` codec: byte-exact round trips of real, simulated and random-walk frames, exceptions
/// stored exactly, blocks, index, seeking, projection, events, cut and damaged files.
final class NVRCodecTests: XCTestCase {
    struct Doc: Equatable {
        var time: Timestamp
        var session: [UInt8]
        var bones: [UInt8]?
        var events: [Event] = []
    }

    func write(_ docs: [Doc], options: NVRWriter.Options = .init()) throws -> (bytes: [UInt8], writer: NVRWriter) {
        let w = try NVRWriter(inMemory: "test.nvr", metadata: [.init(key: "source", value: "test")], options: options)
        for d in docs { try w.write(session: d.session, bones: d.bones, timestamp: d.time, events: d.events) }
        try w.finish()
        return (w.data, w)
    }

    func readAll(_ bytes: [UInt8]) throws -> (docs: [Doc], reader: NVRReader) {
        let r = try NVRReader(bytes: bytes, label: "test.nvr")
        var out: [Doc] = []
        while let rec = try r.nextRecord() { out.append(Doc(time: rec.timestamp, session: rec.session, bones: rec.bones, events: rec.events)) }
        return (out, r)
    }

    func assertRoundTrip(_ docs: [Doc], options: NVRWriter.Options = .init(), file: StaticString = #filePath, line: UInt = #line) throws -> NVRWriter {
        let (bytes, writer) = try write(docs, options: options)
        let (back, reader) = try readAll(bytes)
        XCTAssertTrue(reader.isIndexed, file: file, line: line)
        XCTAssertNil(reader.cut, file: file, line: line)
        XCTAssertEqual(reader.damagedBlocks, [], file: file, line: line)
        XCTAssertEqual(back.count, docs.count, file: file, line: line)
        for (i, (a, b)) in zip(docs, back).enumerated() where a != b {
            XCTFail("frame \(i) differs: \(String(decoding: b.session.prefix(300), as: UTF8.self))", file: file, line: line)
            break
        }
        return writer
    }

    func t(_ i: Int, rate: Double = 30) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: 1_637_442_333_407_000_000 + Int64(Double(i) / rate * 1e9))
    }

    // MARK: Real frames

    func testEveryRealFrameRoundTripsByteForByte() throws {
        for name in SharedData.allFrames {
            let bytes = try SharedData.bytes(name)
            let docs = (0..<5).map { Doc(time: t($0), session: bytes) }
            _ = try assertRoundTrip(docs)
        }
    }

    func testRealFrameIsCodedAsValuesNotVerbatim() throws {
        let bytes = try SharedData.bytes(SharedData.frame2021)
        let w = try assertRoundTrip((0..<30).map { Doc(time: t($0), session: bytes) })
        XCTAssertEqual(w.verbatimDocuments, 0)
        // Every kinematic number of the real frame is on the grid, and 30 identical frames
        // cost far less than one frame's text after the first block.
        var tok = NVRTokenizer()
        var hints: [UInt8] = []
        XCTAssertTrue(bytes.withUnsafeBufferPointer { tok.tokenize($0, hints: &hints) })
        let grid = tok.kinds.filter { $0 == NVRValueKind.grid.rawValue }.count
        let raw = tok.kinds.filter { $0 == NVRValueKind.rawNumber.rawValue }.count
        XCTAssertGreaterThan(grid, 500)
        XCTAssertEqual(raw, 0)
        XCTAssertLessThan(w.bytesWritten, bytes.count)
    }

    func testGameSpellingKindsOnTheRealFrame() throws {
        // The real frame's numbers: grid (multiply) for kinematics, float32 for the rest, no verbatim text.
        let bytes = try SharedData.bytes(SharedData.frame2021)
        var tok = NVRTokenizer()
        var hints: [UInt8] = []
        XCTAssertTrue(bytes.withUnsafeBufferPointer { tok.tokenize($0, hints: &hints) })
        let counts = Dictionary(grouping: tok.kinds, by: { $0 }).mapValues(\.count)
        XCTAssertNotNil(counts[NVRValueKind.float32.rawValue])
        XCTAssertNotNil(counts[NVRValueKind.integer.rawValue])
        XCTAssertNotNil(counts[NVRValueKind.string.rawValue])
        XCTAssertNotNil(counts[NVRValueKind.literal.rawValue])
    }

    // MARK: Simulated and random-walk frames

    func testSimulatedMatchWithBonesAndEventsRoundTrips() throws {
        var sim = MatchSimulator(options: SimulationOptions(seed: 3, duration: 30, rate: 4, players: 4, bones: true))
        var processor = FrameProcessor()
        var docs: [Doc] = []
        var typed: [Frame] = []
        while let f = sim.next() {
            let json = GameJSONWriter.bytes(f.session)
            let bones = f.bones.map { GameJSONWriter.bytes($0) }
            let frame = processor.process(session: f.session, bones: f.bones, timestamp: f.timestamp)
            docs.append(Doc(time: f.timestamp, session: json, bones: bones, events: frame.events))
            typed.append(frame)
        }
        XCTAssertGreaterThan(docs.flatMap(\.events).count, 5)
        let w = try assertRoundTrip(docs)
        XCTAssertEqual(w.verbatimDocuments, 0)
        // Typed frames read back equal the typed frames parsed from the same bytes.
        let r = try NVRReader(bytes: w.data)
        var i = 0
        while let f = try r.next() {
            XCTAssertEqual(f.session, try GameJSONReader.parseSession(docs[i].session), "frame \(i)")
            XCTAssertEqual(f.events, typed[i].events)
            i += 1
        }
        XCTAssertEqual(i, docs.count)
    }

    func testRandomWalkFramesRoundTripAndCompress() throws {
        let base = try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
        var gen = RandomWalkFrames(base: base, options: .init(rate: 30, seed: 5, bones: true))
        var docs: [Doc] = []
        for _ in 0..<45 {
            let f = gen.next()
            docs.append(Doc(time: f.timestamp, session: f.json, bones: f.bones.map { GameJSONWriter.bytes($0) }))
        }
        let w = try assertRoundTrip(docs)
        XCTAssertEqual(w.verbatimDocuments, 0)
        let sessionText = docs.reduce(0) { $0 + $1.session.count }
        XCTAssertLessThan(w.streamTotals.filter { $0.key != .bones }.values.reduce(0) { $0 + $1.stored }, sessionText / 20)
    }

    /// Version 2's velocity and orientation predictors: on random-walk frames (velocity
    /// printed, orientations turning) both versions round-trip byte for byte, version 2 is
    /// smaller in the player and disc streams, and each reader reports the version written.
    func testVersion2PredictorsShrinkKinematicsAndVersion1StillWrites() throws {
        let base = try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
        var gen = RandomWalkFrames(base: base, options: .init(rate: 30, seed: 9))
        var docs: [Doc] = []
        for _ in 0..<60 {
            let f = gen.next()
            docs.append(Doc(time: f.timestamp, session: f.json, bones: nil))
        }
        let v1 = try assertRoundTrip(docs, options: .init(formatVersion: 1))
        let v2 = try assertRoundTrip(docs, options: .init(formatVersion: 2))
        XCTAssertEqual(try readAll(v1.data).reader.version, 1)
        XCTAssertEqual(try readAll(v2.data).reader.version, 2)
        for id in [NVRStreamID.teams, .disc] {
            let a = v1.streamTotals[id]?.stored ?? 0
            let b = v2.streamTotals[id]?.stored ?? 0
            XCTAssertLessThan(Double(b), Double(a) * 0.95, "\(id.name): version 2 \(b) B, version 1 \(a) B")
        }
        // The varint + zstd columns (methods 0/1) carry the same predictors.
        _ = try assertRoundTrip(docs, options: .init(arithmeticColumns: false, formatVersion: 2))
    }

    /// Version 3 (clock kind, keyframe models, sibling headers, class 0 = constant after row 0):
    /// a simulated match round-trips byte for byte in versions 2 and 3, version 3 is smaller in
    /// total and in the teams and strings streams, `game_clock_display` is no longer in the
    /// string table, and each reader reports the version written.
    func testVersion3IsSmallerThanVersion2AndBothRoundTrip() throws {
        let docs = simulated(6, rate: 30)  // 180 frames: three round trips in a debug build add up (CI time)
        let v2 = try assertRoundTrip(docs, options: .init(formatVersion: 2))
        let v3 = try assertRoundTrip(docs, options: .init(formatVersion: 3))
        XCTAssertEqual(try readAll(v2.data).reader.version, 2)
        XCTAssertEqual(try readAll(v3.data).reader.version, 3)
        XCTAssertEqual(NVRWriter.Options().formatVersion, 3)
        XCTAssertLessThan(Double(v3.data.count), Double(v2.data.count) * 0.95, "version 3 \(v3.data.count) B, version 2 \(v2.data.count) B")
        for id in [NVRStreamID.teams, .strings] {
            let a = v2.streamTotals[id]?.stored ?? 0
            let b = v3.streamTotals[id]?.stored ?? 0
            XCTAssertLessThan(b, a, "\(id.name): version 3 \(b) B, version 2 \(a) B")
        }
        // The varint + zstd columns (methods 0/1) carry the clock kind too.
        _ = try assertRoundTrip(docs, options: .init(arithmeticColumns: false, formatVersion: 3))
    }

    /// The clock kind takes only strings its spelling reproduces (two-digit minutes or more,
    /// seconds below 60, two-digit hundredths); every other string that looks like a clock stays
    /// a string, byte for byte, in both column codings.
    func testClockKindReproducesOnlyCanonicalClocks() throws {
        let clocks = ["00:00.00", "10:00.00", "04:59.87", "99:59.99", "100:00.00", "357913:56.47"]
        let strings = ["7:00.00", "00:60.00", "007:00.00", "10:00.0", "10:00.000", "-1:00.00", "1a:00.00", "10:00:00", "357913:56.49"]
        for text in clocks {
            let bytes = Array(text.utf8)
            let x = bytes.withUnsafeBufferPointer { NVRNumbers.clock($0) }
            XCTAssertNotNil(x, text)
            if let x {
                let spelled = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { out in
                    Array(UnsafeBufferPointer(start: out.baseAddress!, count: NVRNumbers.spellClock(x, into: out.baseAddress!)))
                }
                XCTAssertEqual(spelled, bytes, text)
            }
        }
        for text in strings { XCTAssertNil(Array(text.utf8).withUnsafeBufferPointer { NVRNumbers.clock($0) }, text) }
        let docs = (0..<40).map { i in
            let a = clocks[i % clocks.count]
            let b = strings[i % strings.count]
            return Doc(time: t(i), session: Array("{\"game_clock_display\":\"\(a)\",\"odd\":\"\(b)\",\"n\":\(i)}".utf8))
        }
        _ = try assertRoundTrip(docs)
        _ = try assertRoundTrip(docs, options: .init(arithmeticColumns: false))
    }

    /// Property: whatever is done to the frames (off-grid values, disagreeing derived fields,
    /// unknown keys, reordered keys, JavaScript spelling, odd strings, missing keys, other
    /// shapes), every frame comes back byte for byte.
    func testMutatedFramesRoundTripByteForByte() throws {
        let base = try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
        var gen = RandomWalkFrames(base: base, options: .init(rate: 60, seed: 11))
        var r = SeededGenerator(seed: 0x5EED)
        var docs: [Doc] = []
        for i in 0..<80 {
            var s = gen.next().session
            let m = r.next() % 12
            if m == 3 { s.teams?[0].stats?.points = 77 }  // team stats that disagree with the players' sum
            if m == 4 { s.teams?[1].players?[0].body?.position = Vector3(1.234, 2.0, -3.5) }  // body != head
            var json = String(decoding: GameJSONWriter.bytes(s), as: UTF8.self)
            switch m {
            case 0:  // off-grid float32
                let spelled = String(decoding: GameFloatFormatter.spelling(Double(Float(r.unit() * 10 - 5))), as: UTF8.self)
                json = json.replacingOccurrences(of: "\"position\":[", with: "\"position\":[\(spelled),", options: [], range: json.range(of: "\"position\":["))
            case 1:  // JavaScript spelling of whole floats
                json = json.replacingOccurrences(of: ".0,", with: ",")
            case 2:  // unknown key and key order
                json = "{\"zz_unknown\":{\"a\":[1,2,\"x\\u00e9\\n\"],\"b\":null}," + json.dropFirst()
            case 3, 4:
                break
            case 5:  // odd number spellings
                json = json.replacingOccurrences(of: "\"ping\":", with: "\"ping\":-0.0e+00,\"ping2\":1E5,\"ping3\":12345678901234567890,\"ping4\":")
            case 6:  // whitespace (pretty JSON)
                json = json.replacingOccurrences(of: ",\"", with: ", \n  \"")
            case 7:  // a missing key (other shape)
                json = json.replacingOccurrences(of: "\"possession\":[", with: "\"possessio\":[")
            case 8:  // not JSON at all
                json = String(json.prefix(Int(r.next() % 500)))
            case 9:  // tiny body
                json = "{\"err_code\":-6,\"err_description\":\"Endpoint is restricted in this match type\"}"
            default:
                break
            }
            docs.append(Doc(time: t(i, rate: 60), session: Array(json.utf8), bones: i % 7 == 0 ? Array("{\"err_code\":0}".utf8) : nil))
        }
        _ = try assertRoundTrip(docs)
        _ = try assertRoundTrip(docs, options: .init(maxBlockFrames: 7, compressionLevel: 0))
    }

    func testValueKindsReproduceTheirText() throws {
        // Every spelling the writer may meet comes back as it was.
        var samples: [String] = ["0.0", "-0.0", "600.0", "600", "0.1", "-1.7870001", "-0.047000002", "6.6384706e-7", "1e20",
            "1.0E-5", "12345678901234567890", "-0", "0", "-12", "3.4028235e38", "1.401298e-45", "0.30000001", "49.230003"]
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<1000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite { samples.append(String(decoding: GameFloatFormatter.spelling(Double(f)), as: UTF8.self)) }
            let k = Int64(rng.next() % 200_001) - 100_000
            samples.append(String(decoding: GameFloatFormatter.spelling(Double(Float(k) * Float(0.001))), as: UTF8.self))
            samples.append(String(decoding: GameFloatFormatter.spelling(Double(k) / 1000), as: UTF8.self))
            samples.append(String(Double(k) / 1000))
        }
        let json = "[" + samples.joined(separator: ",") + "]"
        _ = try assertRoundTrip([Doc(time: t(0), session: Array(json.utf8))])
    }

    // MARK: Seeking, projection, events

    func simulated(_ seconds: Double, rate: Double, bones: Bool = false) -> [Doc] {
        var sim = MatchSimulator(options: SimulationOptions(seed: 9, duration: max(seconds, 30), rate: rate, players: 8, bones: bones))
        var processor = FrameProcessor()
        var docs: [Doc] = []
        while let f = sim.next(), docs.count < Int(seconds * rate) {
            let frame = processor.process(session: f.session, bones: f.bones, timestamp: f.timestamp)
            docs.append(Doc(time: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: f.bones.map { GameJSONWriter.bytes($0) }, events: frame.events))
        }
        return docs
    }

    func testSeekByFrameAndTime() throws {
        let docs = simulated(12, rate: 30)
        let (bytes, _) = try write(docs, options: .init(maxBlockFrames: 10))
        let r = try NVRReader(bytes: bytes)
        XCTAssertGreaterThanOrEqual(r.blocks.count, 36, "10 frames per block at most")
        for target in [0, 1, 9, 10, 11, 199, 300, docs.count - 1] {
            try r.seek(frame: target)
            let rec = try XCTUnwrap(r.nextRecord())
            XCTAssertEqual(rec.frameIndex, target)
            XCTAssertEqual(rec.session, docs[target].session)
            XCTAssertEqual(rec.timestamp, docs[target].time)
        }
        try r.seek(frame: docs.count)
        XCTAssertNil(try r.nextRecord())
        for target in [0, 17, 250, docs.count - 1] {
            // A time between two frames finds the later one.
            let time = Timestamp(nanosecondsSinceEpoch: docs[target].time.nanosecondsSinceEpoch - 1)
            try r.seek(time: time)
            XCTAssertEqual(try r.nextRecord()?.frameIndex, target)
        }
        try r.seek(time: Timestamp(nanosecondsSinceEpoch: docs.last!.time.nanosecondsSinceEpoch + 1))
        XCTAssertNil(try r.nextRecord())
        XCTAssertThrowsError(try r.seek(frame: -1))
    }

    func testProjectionDecodesOnlyTheDiscAndScores() throws {
        let docs = simulated(5, rate: 30)
        let (bytes, _) = try write(docs)
        let r = try NVRReader(bytes: bytes)
        r.projection = [.disc, .misc]
        var i = 0
        while let rec = try r.nextRecord() {
            let s = try GameJSONReader.parseSession(rec.session)
            let full = try GameJSONReader.parseSession(docs[i].session)
            XCTAssertNil(s.teams)
            XCTAssertEqual(s.disc, full.disc)
            XCTAssertEqual(s.bluePoints, full.bluePoints)
            XCTAssertEqual(s.gameClock, full.gameClock)
            XCTAssertEqual(s.gameStatus, full.gameStatus)
            i += 1
        }
        XCTAssertEqual(i, docs.count)
    }

    func testEventsComeFromTheEventStreamsAndIndex() throws {
        let docs = simulated(30, rate: 15)
        let expected = docs.enumerated().flatMap { i, d in d.events.map { (i, $0) } }
        XCTAssertGreaterThan(expected.count, 10)
        let (bytes, _) = try write(docs)
        let r = try NVRReader(bytes: bytes)
        let events = try r.events()
        XCTAssertEqual(events.map(\.frame), expected.map(\.0))
        XCTAssertEqual(events.map(\.event), expected.map(\.1))
        let goals = expected.filter { $0.1.kind == .playerPass }.map(\.0)
        XCTAssertEqual(r.indexedFrames(of: .playerPass), goals)
        XCTAssertEqual(try r.events(kinds: [.playerPass]).map(\.frame), goals)
    }

    func testAsyncSequenceOfFrames() async throws {
        let docs = simulated(3, rate: 30)
        let (bytes, _) = try write(docs)
        let r = try NVRReader(bytes: bytes)
        var n = 0
        for try await frame in r.frames {
            XCTAssertEqual(frame.session, try GameJSONReader.parseSession(docs[n].session))
            n += 1
        }
        XCTAssertEqual(n, docs.count)
    }

    // MARK: Cut and damaged files

    func testCutFileReadsFromTheStartAndSaysSo() throws {
        let docs = simulated(1, rate: 30)
        let (bytes, writer) = try write(docs, options: .init(maxBlockFrames: 5))
        XCTAssertGreaterThanOrEqual(writer.blocksWritten, 6)
        var cuts = Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 12)))
        cuts += [bytes.count - 1, bytes.count - 16, bytes.count - 17]
        for n in cuts {
            let prefix = Array(bytes.prefix(n))
            guard let r = try? NVRReader(bytes: prefix) else {
                XCTAssertLessThan(n, NVRFileLayout.fileHeaderLength)
                continue
            }
            XCTAssertFalse(r.isIndexed)
            XCTAssertNotNil(r.cut)
            var got: [[UInt8]] = []
            while let rec = try r.nextRecord() { got.append(rec.session) }
            XCTAssertEqual(got, Array(docs.prefix(got.count)).map(\.session), "cut at \(n)")
            // At most the open block is lost: everything but the last block survives a cut
            // after the last block's end.
            if n >= bytes.count - 17 { XCTAssertEqual(got.count, docs.count, "cut at \(n)") }
        }
    }

    func testDamagedFilesNeverCrashOrHang() throws {
        let docs = simulated(0.5, rate: 30, bones: true)
        let (bytes, _) = try write(docs, options: .init(maxBlockFrames: 5, compressionLevel: 1))
        var rng = SeededGenerator(seed: 7)
        for round in 0..<40 {
            var b = bytes
            let flips = 1 + Int(rng.next() % 8)
            for _ in 0..<flips {
                let at = Int(rng.next() % UInt64(b.count))
                b[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            if round % 10 == 0 { b = Array(b.prefix(Int(rng.next() % UInt64(b.count)))) }
            guard let r = try? NVRReader(bytes: b) else { continue }
            var n = 0
            while let rec = try? r.nextRecord() {
                n += 1
                _ = rec
                if n > docs.count * 2 { XCTFail("too many frames from a damaged file"); break }
            }
            _ = try? r.events()
            try? r.seek(frame: Int(rng.next() % 200))
            _ = try? r.nextRecord()
        }
        // Damage inside one block: that block is reported, the others are read.
        let r0 = try NVRReader(bytes: bytes)
        let victim = r0.blocks[1]
        var b = bytes
        b[victim.offset + victim.length / 2] ^= 0xFF
        let r = try NVRReader(bytes: b)
        var n = 0
        while try r.nextRecord() != nil { n += 1 }
        XCTAssertEqual(n, docs.count - victim.frameCount)
        XCTAssertEqual(r.damagedBlocks.count, 1)
        XCTAssertEqual(r.damagedBlocks.first?.block, 1)
        XCTAssertTrue(r.damagedBlocks.first?.description.contains("CRC") ?? false)
    }

    func testVerificationComparesEveryFrameWithTheSource() throws {
        var docs = simulated(1, rate: 30, bones: true)
        // Valid JSON the game-JSON writer does not spell this way (1E5): not game-spelled.
        docs.append(Doc(time: t(999), session: Array("{\"game_clock\":1E5,\"y\":[600]}".utf8), bones: nil))
        var i = 0
        let report = try NVRVerification.roundTrip(options: .init(maxBlockFrames: 8)) {
            guard i < docs.count else { return nil }
            defer { i += 1 }
            return NVRVerification.Source(timestamp: docs[i].time, session: docs[i].session, bones: docs[i].bones, events: docs[i].events)
        }
        XCTAssertTrue(report.isLossless, "\(report)")
        XCTAssertEqual(report.frames, docs.count)
        XCTAssertEqual(report.sessionByteExact, docs.count)
        XCTAssertEqual(report.bonesByteExact, docs.count - 1)
        XCTAssertEqual(report.eventsOut, docs.flatMap(\.events).count)
        var sha = SHA256()
        for d in docs { sha.update(d.session); sha.update([0x0A]) }
        XCTAssertEqual(report.sessionSHA256, sha.finalizeHex())

        let (bytes, _) = try write(docs)
        let fileReport = try NVRVerification.check(NVRReader(bytes: bytes))
        XCTAssertEqual(fileReport.frames, docs.count)
        XCTAssertEqual(fileReport.gameSpelled, docs.count - 1)
        XCTAssertEqual(fileReport.sessionSHA256, report.sessionSHA256)
        XCTAssertTrue(fileReport.problems.isEmpty)
        let cut = try NVRVerification.check(NVRReader(bytes: Array(bytes.prefix(bytes.count / 2))))
        XCTAssertFalse(cut.problems.isEmpty)
    }

    func testNotAnNVRFile() throws {
        XCTAssertThrowsError(try NVRReader(bytes: Array("{\"a\":1}\n".utf8) + [UInt8](repeating: 0, count: 20), label: "x.nvr")) { e in
            XCTAssertEqual((e as? NVRError)?.reason, .notNVR)
            XCTAssertTrue("\(e)".contains("x.nvr"))
        }
    }

    func testFileOnDiskRoundTrips() throws {
        let dir = try SharedData.temporaryDirectory("nvr-file")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.nvr")
        let docs = simulated(1, rate: 60, bones: true)
        let w = try NVRWriter(url: url, metadata: [.init(key: "source", value: "test")])
        for d in docs { try w.write(session: d.session, bones: d.bones, timestamp: d.time, events: d.events) }
        try w.finish()
        let r = try NVRReader(url: url)
        XCTAssertEqual(r.metadata, [.init(key: "source", value: "test")])
        var back: [Doc] = []
        while let rec = try r.nextRecord() { back.append(Doc(time: rec.timestamp, session: rec.session, bones: rec.bones, events: rec.events)) }
        XCTAssertEqual(back, docs)
    }
}
