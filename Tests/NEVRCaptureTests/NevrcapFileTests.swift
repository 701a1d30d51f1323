import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRCapture

final class NevrcapFileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevrcap")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private let header = NevrcapHeader(
        captureID: "test-capture", createdAt: Timestamp(seconds: 1_637_442_333, nanos: 407_000_000),
        metadata: [.init(key: "source", value: "unit-test"), .init(key: "format", value: "nevrcap")])

    private func writeFile(_ name: String, frames: Int, header: NevrcapHeader?, options: NevrcapWriter.Options = .init()) throws -> URL {
        let url = dir.appendingPathComponent(name)
        let writer = try NevrcapWriter(url: url, header: header, options: options)
        for i in 0..<frames { try writer.write(NevrcapFixtures.frame(i, bones: i % 2 == 0, events: i == 1 ? NevrcapFixtures.everyEvent : [])) }
        try writer.close()
        return url
    }

    /// Reads until the end; returns the frames and the error that ended reading, if any.
    private func readAll(_ reader: NevrcapReader) -> ([Frame], NevrcapError?) {
        var frames: [Frame] = []
        while true {
            do {
                guard let f = try reader.next() else { return (frames, nil) }
                frames.append(f)
            } catch {
                return (frames, error)
            }
        }
    }

    /// Uncompressed record stream: varint(len) record for the header then each frame.
    private func records(header: NevrcapHeader?, frames: Int) -> [UInt8] {
        var out: [UInt8] = []
        func append(_ r: [UInt8]) {
            var n = UInt64(r.count)
            while n >= 0x80 { out.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
            out.append(UInt8(n))
            out += r
        }
        if let header {
            var h: [UInt8] = []
            NevrcapWire.encode(header, into: &h)
            append(h)
        }
        for i in 0..<frames { append(NevrcapFixtures.frame(i).encoded) }
        return out
    }

    func testWriteThenReadKeepsEveryFrame() throws {
        let url = try writeFile("a.nevrcap", frames: 50, header: header)
        let reader = try NevrcapReader(url: url)
        XCTAssertEqual(reader.header, header)
        let (frames, error) = readAll(reader)
        XCTAssertNil(error)
        XCTAssertEqual(reader.state, .clean)
        XCTAssertEqual(frames.count, 50)
        for (i, f) in frames.enumerated() {
            XCTAssertEqual(f, NevrcapFixtures.frame(i, bones: i % 2 == 0, events: i == 1 ? NevrcapFixtures.everyEvent : []))
        }
        var clean = NevrcapDecodeNotes()
        clean.lastSessionKeptPresence = true  // every session we write carries key_presence
        XCTAssertEqual(reader.notes, clean)
    }

    func testZstdFrameEndsEveryNFramesAndEverySecond() throws {
        // 16 ms apart: by count (every 10 frames) 10 zstd frames for 100 frames.
        let url = dir.appendingPathComponent("n.nevrcap")
        let w = try NevrcapWriter(url: url, header: header, options: .init(framesPerZstdFrame: 10, secondsPerZstdFrame: 0))
        for i in 0..<100 { try w.write(NevrcapFixtures.frame(i)) }
        XCTAssertEqual(w.zstdFramesEnded, 10)
        // Everything up to the last ended zstd frame is on disk before close (crash safety).
        let onDisk = try [UInt8](Data(contentsOf: url))
        XCTAssertEqual(onDisk.count, w.compressedBytes)
        let (early, _) = readAll(try NevrcapReader(bytes: onDisk))
        XCTAssertEqual(early.count, 100)
        try w.close()
        XCTAssertEqual(w.zstdFramesEnded, 10, "close() adds no empty zstd frame")

        // By time: 1 s of capture at 16 ms = 63 frames per zstd frame.
        let w2 = try NevrcapWriter(inMemory: "t", header: nil, options: .init(framesPerZstdFrame: 0, secondsPerZstdFrame: 1))
        for i in 0..<126 { try w2.write(NevrcapFixtures.frame(i)) }
        XCTAssertEqual(w2.zstdFramesEnded, 1)
        try w2.close()
        XCTAssertEqual(w2.zstdFramesEnded, 2)
        XCTAssertEqual(readAll(try NevrcapReader(bytes: w2.compressedData)).0.count, 126)
    }

    func testZstdToolDecompressesOurFile() throws {
        let url = try writeFile("z.nevrcap", frames: 20, header: header, options: .init(framesPerZstdFrame: 7))
        let out = dir.appendingPathComponent("z.raw")
        try ExternalTool.run("zstd", ["-q", "-d", "-f", url.path, "-o", out.path])
        let raw = try [UInt8](Data(contentsOf: out))
        XCTAssertEqual(raw, records(header: header, frames: 0) + rawRecordsOfWrittenFile(20))
    }

    private func rawRecordsOfWrittenFile(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        for i in 0..<n {
            let r = NevrcapFixtures.frame(i, bones: i % 2 == 0, events: i == 1 ? NevrcapFixtures.everyEvent : []).encoded
            var len = UInt64(r.count)
            while len >= 0x80 { out.append(UInt8(len & 0x7F) | 0x80); len >>= 7 }
            out.append(UInt8(len))
            out += r
        }
        return out
    }

    func testHeaderlessFileReadsEveryFrame() throws {
        let url = try writeFile("h.nevrcap", frames: 5, header: nil)
        let reader = try NevrcapReader(url: url)
        XCTAssertNil(reader.header)
        let (frames, error) = readAll(reader)
        XCTAssertNil(error)
        XCTAssertEqual(frames.map(\.index), [0, 1, 2, 3, 4])
    }

    func testConcatenatedZstdFramesSplitMidRecord() throws {
        let raw = records(header: header, frames: 6)
        for cut in [1, 5, raw.count / 3, raw.count / 2 + 1, raw.count - 1] {
            let file = Zstd.compress(Array(raw[..<cut])) + Zstd.compress(Array(raw[cut...]))
            let reader = try NevrcapReader(bytes: file)
            XCTAssertEqual(reader.header, header)
            let (frames, error) = readAll(reader)
            XCTAssertNil(error, "cut \(cut)")
            XCTAssertEqual(frames, (0..<6).map { NevrcapFixtures.frame($0) }, "cut \(cut)")
        }
    }

    func testTruncationInsideVarintRecordAndZstdFrameRecoversCompleteFrames() throws {
        let raw = records(header: header, frames: 4)
        // Record boundaries: find where frame 3 starts (after header + 3 frames).
        var h: [UInt8] = []
        NevrcapWire.encode(header, into: &h)
        let frameBytes = NevrcapFixtures.frame(0).encoded.count
        XCTAssertGreaterThan(frameBytes, 128, "two-byte length varints")
        let boundary3 = raw.count - (NevrcapFixtures.frame(3).encoded.count + 2)

        // Inside the length varint of frame 3 (first of its two bytes), inside its body:
        // both in a complete zstd frame.
        for (cut, place) in [(boundary3 + 1, "length varint"), (boundary3 + 40, "inside a record")] {
            let reader = try NevrcapReader(bytes: Zstd.compress(Array(raw[..<cut])))
            let (frames, error) = readAll(reader)
            XCTAssertEqual(frames.count, 3, place)
            XCTAssertEqual(error?.isTruncation, true, place)
            XCTAssertEqual(error?.framesRecovered, 3, place)
            XCTAssertEqual(error?.recordIndex, 4, place)
            XCTAssertEqual(error?.byteOffset, boundary3, place)
            XCTAssertEqual(reader.state, .truncated)
            XCTAssertNil(try reader.next(), "nothing after truncation")
        }

        // Inside a zstd frame: the compressed file cut short. Every frame that was fully
        // decompressed before the cut is recovered.
        let url = try writeFile("t.nevrcap", frames: 40, header: header, options: .init(framesPerZstdFrame: 10))
        let full = try [UInt8](Data(contentsOf: url))
        for fraction in [0.3, 0.55, 0.8, 0.99] {
            let cut = Int(Double(full.count) * fraction)
            let reader = try NevrcapReader(bytes: Array(full[..<cut]))
            let (frames, error) = readAll(reader)
            XCTAssertEqual(error?.isTruncation, true, "\(fraction)")
            XCTAssertEqual(error?.framesRecovered, frames.count)
            XCTAssertGreaterThanOrEqual(frames.count, Int(Double(40) * fraction) - 10, "at least every ended zstd frame")
            for (i, f) in frames.enumerated() { XCTAssertEqual(f.index, UInt32(i)) }
        }

        // A clean end exactly at a record boundary is not a truncation.
        let clean = try NevrcapReader(bytes: Zstd.compress(Array(raw[..<boundary3])))
        let (frames, error) = readAll(clean)
        XCTAssertNil(error)
        XCTAssertEqual(frames.count, 3)
        XCTAssertEqual(clean.state, .clean)
    }

    func testRecordLengthIsCapped() throws {
        // Header, then a record claiming 2^40 bytes.
        var raw = records(header: header, frames: 1)
        raw += [0x80, 0x80, 0x80, 0x80, 0x80, 0x20]
        let reader = try NevrcapReader(bytes: Zstd.compress(raw))
        let (frames, error) = readAll(reader)
        XCTAssertEqual(frames.count, 1)
        guard case .recordTooLong(let length, _)? = error?.reason else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(length, 1 << 40)
        XCTAssertEqual(error?.recordIndex, 2)
        XCTAssertTrue(error!.description.contains("record 2"))
    }

    func testMalformedRecordIsSkippedAndReadingContinues() throws {
        var raw = records(header: header, frames: 1)
        raw += [3, 0x0A, 0x05, 0x41]  // a record whose string field claims 5 bytes but has 1
        raw += records(header: nil, frames: 2)
        let reader = try NevrcapReader(bytes: Zstd.compress(raw))
        var frames: [Frame] = []
        var errors: [NevrcapError] = []
        while true {
            do {
                guard let f = try reader.next() else { break }
                frames.append(f)
            } catch {
                errors.append(error)
            }
        }
        XCTAssertEqual(frames.map(\.index), [0, 0, 1])
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.recordIndex, 2)
        XCTAssertEqual(errors.first?.isRecoverable, true)
        XCTAssertEqual(reader.recordsSkipped, 1)
        XCTAssertEqual(reader.state, .clean)
    }

    func testNotZstdIsAClearError() throws {
        XCTAssertThrowsError(try NevrcapReader(bytes: Array("{\"sessionid\":1}".utf8), label: "x.nevrcap")) { error in
            guard let e = error as? NevrcapError, case .zstd = e.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(e.description.hasPrefix("x.nevrcap: zstd error in record 0"))
        }
    }

    func testEmptyWriterProducesAValidEmptyStream() throws {
        let url = try writeFile("e.nevrcap", frames: 0, header: nil)
        let reader = try NevrcapReader(url: url)
        XCTAssertNil(reader.header)
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.state, .clean)
    }

    func testRandomCorruptionNeverCrashes() throws {
        let url = try writeFile("r.nevrcap", frames: 12, header: header, options: .init(framesPerZstdFrame: 4))
        let compressed = try [UInt8](Data(contentsOf: url))
        let raw = records(header: header, frames: 12)
        var rng = SeededGenerator(seed: 0xC0FFEE)
        var outcomes = [String: Int]()
        for round in 0..<300 {
            // Corrupt either the compressed bytes or the record stream (re-compressed, so the
            // protobuf decoder sees the damage rather than zstd's checksum).
            var bytes = round % 2 == 0 ? compressed : raw
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if round % 7 == 0 { bytes.removeLast(Int(rng.next() % UInt64(bytes.count))) }
            let input = round % 2 == 0 ? bytes : Zstd.compress(bytes)
            do {
                let reader = try NevrcapReader(bytes: input, options: .init(maxRecordLength: 1 << 20))
                var n = 0
                while n < 10_000 {
                    do {
                        guard try reader.next() != nil else { break }
                    } catch let e as NevrcapError where e.isRecoverable {
                        outcomes["skipped", default: 0] += 1
                    }
                    n += 1
                }
                outcomes["read", default: 0] += 1
            } catch {
                XCTAssertFalse(String(describing: error).isEmpty)
                outcomes["error", default: 0] += 1
            }
        }
        XCTAssertEqual(outcomes.values.reduce(0, +) - (outcomes["skipped"] ?? 0), 300)
    }
}

/// Runs an external tool the tests need (zstd, python3, protoc); fails with a clear message
/// when it is missing rather than passing silently.
enum ExternalTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func find(_ name: String) throws -> URL {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw Failure(description: "\(name) is not installed (run scripts/bootstrap.sh)")
    }

    @discardableResult
    static func run(_ name: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = try find(name)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(String(decoding: errData, as: UTF8.self))")
        }
        return data
    }
}
