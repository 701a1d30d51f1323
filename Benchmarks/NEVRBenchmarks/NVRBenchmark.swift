import CZstd
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport

/// `NEVRBenchmarks nvr [--seconds S] [--match-seconds M] [--hour-frames N] [--sizes-only] [--dump DIR]`: `.nvr` size against
/// zipped `.echoreplay`, `.nevrcap`, `zstd -19` and `xz -9` of the plain text on the same frames;
/// encode/decode rates against `.nevrcap` write/read; seek latency in a long 60 Hz file; disc-only
/// decode; entropy coders on the residual streams; peak memory. All ratios are measured in one run.
enum NVRBenchmark {
    struct Doc {
        var time: Timestamp
        var session: [UInt8]
        var bones: [UInt8]?
        var frame: Frame
    }

    static func run(_ args: BenchmarkArguments) throws {
        let seconds = args.seconds
        let matchSeconds = args.double("match-seconds") ?? 120
        let base = try GameJSONReader.parseSession(BenchmarkInputs.frame2021(args))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nvr-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        print("nvr: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Int(matchSeconds)) s per data set, rates per CPU-second of this thread")
        print("")
        print("| data set | frames | zipped .echoreplay B/frame | .nevrcap | zstd -19 text | xz -9 text | .nvr v2 | .nvr v3 | v2 / zip | v3 / zip | .nvr / nevrcap | .nvr / zstd-19 | .nvr / xz |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        var sets: [(String, [Doc])] = []
        for rate in [60.0, 30.0, 15.0] {
            for bones in [false, true] {
                let docs = simulated(rate: rate, seconds: matchSeconds, bones: bones)
                sets.append(("(a) simulated \(Int(rate)) Hz\(bones ? ", bones" : "")", docs))
            }
        }
        for rate in [60.0, 30.0, 15.0] {
            for bones in [false, true] {
                sets.append(("(b) real frame + random walk \(Int(rate)) Hz\(bones ? ", bones" : "")", randomWalk(base, rate: rate, seconds: matchSeconds, bones: bones)))
            }
        }
        // `--dump DIR`: the frames of every data set as plain `.echoreplay` text (timestamp, tab,
        // session JSON, tab, bones JSON), for prototyping coders outside Swift on the same frames.
        if let dump = args.string("dump") {
            for (i, (_, docs)) in sets.enumerated() {
                try Data(plainText(docs)).write(to: URL(fileURLWithPath: dump).appendingPathComponent("set\(i).txt"))
            }
        }
        for (label, docs) in sets {
            try sizes(label, docs, dir: dir)
        }
        print("")
        let (_, walk30) = sets.first { $0.0 == "(b) real frame + random walk 30 Hz" }!
        let (_, sim30) = sets.first { $0.0 == "(a) simulated 30 Hz" }!
        let (_, walk30b) = sets.first { $0.0 == "(b) real frame + random walk 30 Hz, bones" }!
        for version in [2, 3] {
            try streams("(b) random walk 30 Hz", walk30, version: version)
            try streams("(a) simulated 30 Hz", sim30, version: version)
        }
        print("")
        // `--sizes-only`: the size tables alone (they do not depend on the build; a debug
        // build gives the same bytes in a fraction of a release build's compile time).
        if args.string("sizes-only") != nil { return }
        try entropy("(b) random walk 30 Hz", walk30)
        try entropy("(a) simulated 30 Hz", sim30)
        print("")
        try rates("(b) random walk 30 Hz, session only", walk30, seconds: seconds)
        try rates("(b) random walk 30 Hz, with bones", walk30b, seconds: seconds)
        try rates("(a) simulated 30 Hz, session only", sim30, seconds: seconds)
        print("")
        try seek(base, frames: Int(args.double("hour-frames") ?? 216_000), dir: dir)
    }

    // MARK: Data

    static func simulated(rate: Double, seconds: Double, bones: Bool) -> [Doc] {
        var sim = MatchSimulator(options: SimulationOptions(seed: 21, duration: max(seconds, 30), rate: rate, players: 10, bones: bones))
        var processor = FrameProcessor()
        var docs: [Doc] = []
        while let f = sim.next() {
            let frame = processor.process(session: f.session, bones: f.bones, timestamp: f.timestamp)
            docs.append(Doc(time: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: f.bones.map { GameJSONWriter.bytes($0) }, frame: frame))
        }
        return docs
    }

    static func randomWalk(_ base: Session, rate: Double, seconds: Double, bones: Bool) -> [Doc] {
        var gen = RandomWalkFrames(base: base, options: .init(rate: rate, seed: 3, bones: bones))
        var processor = FrameProcessor()
        var docs: [Doc] = []
        for _ in 0..<Int(seconds * rate) {
            let f = gen.next()
            let frame = processor.process(session: f.session, bones: f.bones, timestamp: f.timestamp)
            docs.append(Doc(time: f.timestamp, session: f.json, bones: f.bones.map { GameJSONWriter.bytes($0) }, frame: frame))
        }
        return docs
    }

    static func nvr(_ docs: [Doc], options: NVRWriter.Options = .init()) throws -> NVRWriter {
        let w = try NVRWriter(inMemory: "bench.nvr", options: options)
        for d in docs { try w.write(session: d.session, bones: d.bones, timestamp: d.time, events: d.frame.events) }
        try w.finish()
        return w
    }

    static func nevrcap(_ docs: [Doc]) throws -> [UInt8] {
        let w = try NevrcapWriter(inMemory: "bench", header: NevrcapHeader(captureID: "bench"))
        for d in docs { try w.write(d.frame) }
        try w.close()
        return w.compressedData
    }

    /// The plain `.echoreplay` text of the frames (what zstd -19 and xz -9 are given).
    static func plainText(_ docs: [Doc]) -> [UInt8] {
        var out: [UInt8] = []
        for d in docs {
            out.append(contentsOf: d.time.iso8601.replacingOccurrences(of: "T", with: " ").utf8)
            out.append(0x09)
            out.append(contentsOf: d.session)
            if let b = d.bones {
                out.append(0x09)
                out.append(contentsOf: b)
            }
            out.append(0x0A)
        }
        return out
    }

    static func zstd(_ bytes: [UInt8], level: Int32) -> Int {
        let bound = ZSTD_compressBound(bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { d in bytes.withUnsafeBytes { s in ZSTD_compress(d.baseAddress, bound, s.baseAddress, s.count, level) } }
        return ZSTD_isError(n) != 0 ? -1 : n
    }

    static func xz(_ bytes: [UInt8], dir: URL) throws -> Int {
        let input = dir.appendingPathComponent("plain.txt")
        try Data(bytes).write(to: input)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
        p.arguments = ["-9", "-c", "-T1", input.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data.count
    }

    static func zippedEchoReplay(_ docs: [Doc], dir: URL) throws -> Int {
        let url = dir.appendingPathComponent("bench.echoreplay")
        let w = try EchoReplayWriter(url: url)
        for d in docs { try w.write(timestamp: d.time, session: d.session, bones: d.bones) }
        try w.close()
        return try Data(contentsOf: url).count
    }

    static func sizes(_ label: String, _ docs: [Doc], dir: URL) throws {
        let n = Double(docs.count)
        let zip = Double(try zippedEchoReplay(docs, dir: dir)) / n
        let cap = Double(try nevrcap(docs).count) / n
        let text = plainText(docs)
        let z19 = Double(zstd(text, level: 19)) / n
        let x9 = Double(try xz(text, dir: dir)) / n
        let w = try nvr(docs)
        // Lossless check on the spot: every frame reads back byte for byte.
        let r = try NVRReader(bytes: w.data)
        var i = 0
        while let rec = try r.nextRecord() {
            precondition(rec.session == docs[i].session && rec.bones == docs[i].bones, "frame \(i) differs")
            i += 1
        }
        precondition(i == docs.count)
        let v = Double(w.bytesWritten) / n
        // Version 2 (no clock kind, keyframe models or sibling headers) on the same frames, for before/after.
        let w1 = try nvr(docs, options: .init(formatVersion: 2))
        let v1 = Double(w1.bytesWritten) / n
        func f(_ x: Double) -> String { String(format: "%.0f", x) }
        func q(_ x: Double) -> String { String(format: "%.3f", x) }
        print("| \(label) | \(docs.count) | \(f(zip)) | \(f(cap)) | \(f(z19)) | \(f(x9)) | \(f(v1)) | \(f(v)) | \(q(v1 / zip)) | \(q(v / zip)) | \(q(v / cap)) | \(q(v / z19)) | \(q(v / x9)) |")
    }

    static func streams(_ label: String, _ docs: [Doc], version: Int = 3) throws {
        let w = try nvr(docs, options: .init(formatVersion: version))
        let n = Double(docs.count)
        var parts: [String] = []
        for (id, t) in w.streamTotals.sorted(by: { $0.key < $1.key }) {
            parts.append("\(id.name) \(String(format: "%.1f", Double(t.stored) / n))")
        }
        parts.append("templates \(String(format: "%.1f", Double(w.templateBytes) / n))")
        print("\(label): .nvr v\(version) bytes/frame by stream: " + parts.joined(separator: ", ") + " (total \(String(format: "%.1f", Double(w.bytesWritten) / n)))")
    }

    // MARK: Entropy coders on the residual streams

    static func entropy(_ label: String, _ docs: [Doc]) throws {
        // The column streams as the writer produces them before compression.
        var raw: [NVRStreamID: [[UInt8]]] = [:]
        let w = try NVRWriter(inMemory: "bench.nvr", options: .init(compressionLevel: 0))
        w.rawStreamObserver = { id, bytes in raw[id, default: []].append(bytes) }
        for d in docs { try w.write(session: d.session, bones: d.bones, timestamp: d.time) }
        try w.finish()
        let n = Double(docs.count)
        var line: [String] = []
        var totals = (raw: 0, z3: 0, z9: 0, z19: 0, rans: 0)
        for id in [NVRStreamID.misc, .disc, .teams] {
            for s in raw[id] ?? [] {
                totals.raw += s.count
                totals.z3 += zstd(s, level: 3)
                totals.z9 += zstd(s, level: 9)
                totals.z19 += zstd(s, level: 19)
                let coded = RANS.encode(s)
                precondition(RANS.decode(coded, count: s.count) == s, "rANS round trip")
                totals.rans += coded.count
            }
        }
        for (name, v) in [("varint residuals", totals.raw), ("zstd -3", totals.z3), ("zstd -9", totals.z9), ("zstd -19", totals.z19), ("order-0 rANS", totals.rans)] {
            line.append("\(name) \(String(format: "%.1f", Double(v) / n))")
        }
        print("\(label): column streams (misc+disc+teams) B/frame: " + line.joined(separator: ", "))
    }

    // MARK: Rates

    static func rates(_ label: String, _ docs: [Doc], seconds: Double) throws {
        let count = docs.count
        var data: [UInt8] = []
        let nvrWrite = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            data = try nvr(docs).data
            return count
        }
        let capWrite = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            _ = try nevrcap(docs)
            return count
        }
        // nevrcap from the JSON bytes (what `convert .echoreplay -> .nevrcap` does): parse + write.
        let capWriteFromJSON = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let w = try NevrcapWriter(inMemory: "bench", header: NevrcapHeader(captureID: "bench"))
            for d in docs {
                let s = try GameJSONReader.parseSession(d.session)
                let b = try d.bones.map { b throws(GameJSONError) in try GameJSONReader.parseBones(b) }
                try w.write(Frame(index: 0, timestamp: d.time, session: s, bones: b, events: d.frame.events))
            }
            try w.close()
            return count
        }
        let cap = try nevrcap(docs)
        let capRead = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try NevrcapReader(bytes: cap)
            var n = 0
            while try r.next() != nil { n += 1 }
            return n
        }
        let nvrRecords = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try NVRReader(bytes: data)
            var n = 0
            while try r.nextRecord() != nil { n += 1 }
            return n
        }
        let nvrTyped = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try NVRReader(bytes: data)
            var n = 0
            while try r.next() != nil { n += 1 }
            return n
        }
        let nvrDisc = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try NVRReader(bytes: data)
            r.projection = [.disc]
            var n = 0
            while try r.next() != nil { n += 1 }
            return n
        }
        func ratio(_ a: NevrcapBenchmark.Rate, _ b: NevrcapBenchmark.Rate) -> String { String(format: "%.2fx", a.cpu / b.cpu) }
        print("\(label) (\(count) frames):")
        print("  .nevrcap write (typed frames)      \(capWrite.text)")
        print("  .nevrcap write (parse JSON + write) \(capWriteFromJSON.text)")
        print("  .nvr write (from JSON bytes)       \(nvrWrite.text)  = \(ratio(nvrWrite, capWrite)) of nevrcap typed write, \(ratio(nvrWrite, capWriteFromJSON)) of parse+write")
        print("  .nevrcap read (typed frames)       \(capRead.text)")
        print("  .nvr read -> JSON bytes            \(nvrRecords.text)  = \(ratio(nvrRecords, capRead)) of nevrcap read")
        print("  .nvr read -> typed frames          \(nvrTyped.text)  = \(ratio(nvrTyped, capRead)) of nevrcap read")
        print("  .nvr disc column only -> typed     \(nvrDisc.text)  = \(ratio(nvrDisc, capRead)) of nevrcap read")
    }

    // MARK: Seek in a long file, memory

    static func seek(_ base: Session, frames: Int, dir: URL) throws {
        let url = dir.appendingPathComponent("hour.nvr")
        var gen = RandomWalkFrames(base: base, options: .init(rate: 60, seed: 8))
        let w = try NVRWriter(url: url)
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<frames {
            let f = gen.next()
            try w.write(session: f.json, bones: nil, timestamp: f.timestamp)
        }
        try w.finish()
        let writeSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let r = try NVRReader(url: url)
        var rng = SeededGenerator(seed: 99)
        var latencies: [Double] = []
        var typedLatencies: [Double] = []
        for i in 0..<400 {
            let target = Int(rng.next() % UInt64(frames))
            let s = DispatchTime.now().uptimeNanoseconds
            try r.seek(frame: target)
            if i % 2 == 0 {
                guard let rec = try r.nextRecord(), rec.frameIndex == target else { throw BenchmarkError(description: "seek failed") }
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6)
            } else {
                guard let f = try r.next(), f.index == UInt32(target) else { throw BenchmarkError(description: "seek failed") }
                typedLatencies.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6)
            }
        }
        // The last 60 frames, against reading the whole file.
        let s1 = DispatchTime.now().uptimeNanoseconds
        try r.seek(frame: frames - 60)
        var tail = 0
        while try r.nextRecord() != nil { tail += 1 }
        let tailMs = Double(DispatchTime.now().uptimeNanoseconds - s1) / 1e6
        let s2 = DispatchTime.now().uptimeNanoseconds
        let full = try NVRReader(url: url)
        var all = 0
        while try full.nextRecord() != nil { all += 1 }
        let fullMs = Double(DispatchTime.now().uptimeNanoseconds - s2) / 1e6
        func pct(_ a: [Double], _ p: Double) -> String { String(format: "%.3f", a.sorted()[min(a.count - 1, Int(Double(a.count) * p))]) }
        let size = try Data(contentsOf: url, options: .alwaysMapped).count
        print("long file: \(frames) frames at 60 Hz (\(String(format: "%.1f", Double(frames) / 216_000)) h), \(size / 1_000_000) MB, written in \(String(format: "%.1f", writeSeconds)) s wall (generation included), \(r.blocks.count) blocks")
        print("  seek(frame:) + next record (JSON): median \(pct(latencies, 0.5)) ms, p99 \(pct(latencies, 0.99)) ms (wall, \(latencies.count) random frames)")
        print("  seek(frame:) + next typed frame:   median \(pct(typedLatencies, 0.5)) ms, p99 \(pct(typedLatencies, 0.99)) ms")
        print("  last 60 frames: \(String(format: "%.2f", tailMs)) ms vs the whole file \(String(format: "%.0f", fullMs)) ms (\(tail) / \(all) frames)")
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "unknown"
        print("  peak resident memory of the whole benchmark process (all data sets in memory, then the long file streamed): \(hwm)")
    }
}

/// A small static order-0 rANS byte coder (32-bit state, 12-bit frequencies), only to compare
/// with zstd on the residual streams.
enum RANS {
    static let scaleBits: UInt32 = 12
    static let lower: UInt32 = 1 << 23

    static func frequencies(_ data: [UInt8]) -> [UInt32] {
        var counts = [Int](repeating: 0, count: 256)
        for b in data { counts[Int(b)] += 1 }
        let total = max(data.count, 1)
        var freq = [UInt32](repeating: 0, count: 256)
        var sum: UInt32 = 0
        for i in 0..<256 where counts[i] > 0 {
            freq[i] = max(1, UInt32(Double(counts[i]) * Double(1 << scaleBits) / Double(total)))
            sum += freq[i]
        }
        // Fix the sum to exactly 4096 by adjusting the most frequent symbol.
        if let top = (0..<256).max(by: { freq[$0] < freq[$1] }), sum > 0 {
            freq[top] = UInt32(Int(freq[top]) + (1 << Int(scaleBits)) - Int(sum))
        }
        return freq
    }

    /// Frequency table (256 x 2 bytes, a fair upper bound of its cost) + 4-byte state + bytes.
    static func encode(_ data: [UInt8]) -> [UInt8] {
        let freq = frequencies(data)
        var cum = [UInt32](repeating: 0, count: 257)
        for i in 0..<256 { cum[i + 1] = cum[i] + freq[i] }
        var x: UInt32 = lower
        var out: [UInt8] = []
        for b in data.reversed() {
            let f = freq[Int(b)]
            let xMax = ((lower >> scaleBits) << 8) * f
            while x >= xMax {
                out.append(UInt8(x & 0xFF))
                x >>= 8
            }
            x = ((x / f) << scaleBits) + (x % f) + cum[Int(b)]
        }
        var header: [UInt8] = []
        for f in freq { header.append(UInt8(f & 0xFF)); header.append(UInt8(f >> 8)) }
        for i in 0..<4 { header.append(UInt8((x >> (8 * UInt32(i))) & 0xFF)) }
        return header + out.reversed()
    }

    static func decode(_ coded: [UInt8], count: Int) -> [UInt8] {
        var freq = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 { freq[i] = UInt32(coded[2 * i]) | UInt32(coded[2 * i + 1]) << 8 }
        var cum = [UInt32](repeating: 0, count: 257)
        for i in 0..<256 { cum[i + 1] = cum[i] + freq[i] }
        var symbol = [UInt8](repeating: 0, count: 1 << Int(scaleBits))
        for s in 0..<256 where freq[s] > 0 { for j in cum[s]..<cum[s + 1] { symbol[Int(j)] = UInt8(s) } }
        var x: UInt32 = 0
        for i in 0..<4 { x |= UInt32(coded[512 + i]) << (8 * UInt32(i)) }
        var p = 516
        var out: [UInt8] = []
        out.reserveCapacity(count)
        let mask = UInt32(1 << scaleBits) - 1
        for _ in 0..<count {
            let slot = x & mask
            let s = symbol[Int(slot)]
            out.append(s)
            x = freq[Int(s)] * (x >> scaleBits) + slot - cum[Int(s)]
            while x < lower && p < coded.count {
                x = (x << 8) | UInt32(coded[p])
                p += 1
            }
        }
        return out
    }
}
