import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// `NEVRBenchmarks tape [--seconds S]`: `.tape` write and read throughput and bytes per frame
/// against `.nevrcap` on the same frames in the same run (ratios are what to quote: the machine
/// is shared). Two frame sets: simulated (8 players) and real-derived (the 2021 10-player
/// frame varied per frame), each with and without bones. `.tape` read = zstd + protobuf +
/// rebuilding `/session` (typed frames); `.nevrcap` read = zstd + protobuf -> typed frames.
enum TapeBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let seconds = args.seconds
        var sim = MatchSimulator(options: SimulationOptions(seed: 9, duration: 70, rate: 30, players: 8, bones: true))
        var simulated: [Frame] = []
        while let f = sim.next() { simulated.append(f.frame) }
        let frameURL = URL(fileURLWithPath: args.string("frame") ?? ((ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"] ?? "../shared/data") + "/session-2021-11-20-arena-private-5v5.json"))
        let real = try NevrcapBenchmark.makeFrames(frame: frameURL, count: 2_000, bones: true)
        print("tape vs nevrcap: same frames, same run; rates per CPU-second of the benchmark thread")
        for (name, base) in [("simulated 8p", simulated), ("real-derived 10p", real)] {
            for bones in [true, false] {
                let set = bones ? base : base.map { var f = $0; f.bones = nil; return f }
                try compare("\(name), \(bones ? "with bones" : "no bones")", set, seconds)
            }
        }
    }

    static func compare(_ label: String, _ set: [Frame], _ seconds: Double) throws {
        var tapeBytes: [UInt8] = []
        let tapeWrite = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let w = TapeSessionWriter(inMemory: "bench", captureID: "bench", options: .init(detectEvents: false))
            for f in set { try w.write(f) }
            try w.finish()
            tapeBytes = w.data
            return set.count
        }
        var wholeBytes = 0
        do {
            let w = TapeSessionWriter(inMemory: "bench", captureID: "bench", options: .init(tape: .init(container: .wholeStream), detectEvents: false))
            for f in set { try w.write(f) }
            try w.finish()
            wholeBytes = w.data.count
        }
        let tapeRead = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try TapeSessionReader(bytes: tapeBytes)
            var n = 0
            while try r.next() != nil { n += 1 }
            precondition(n == set.count)
            return n
        }
        var nevrcapBytes: [UInt8] = []
        let nevrcapWrite = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let w = try NevrcapWriter(inMemory: "bench", header: NevrcapHeader(captureID: "bench"))
            for f in set { try w.write(f) }
            try w.close()
            nevrcapBytes = w.compressedData
            return set.count
        }
        let nevrcapRead = try NevrcapBenchmark.measureBatches(seconds: seconds) { () throws -> Int in
            let r = try NevrcapReader(bytes: nevrcapBytes)
            var n = 0
            while try r.next() != nil { n += 1 }
            return n
        }
        let echoBytes = try zippedEchoReplaySize(set)
        let n = Double(set.count)
        print("  [\(label)] \(set.count) frames")
        print("    bytes/frame   .tape per-block \(Int(Double(tapeBytes.count) / n)), whole-stream \(Int(Double(wholeBytes) / n)); .nevrcap \(Int(Double(nevrcapBytes.count) / n)); zipped .echoreplay \(Int(Double(echoBytes) / n)); tape/nevrcap \(String(format: "%.2f", Double(tapeBytes.count) / Double(nevrcapBytes.count))), tape/echoreplay \(String(format: "%.2f", Double(tapeBytes.count) / Double(echoBytes)))")
        print("    write         .tape \(tapeWrite.text); .nevrcap \(nevrcapWrite.text); tape/nevrcap \(String(format: "%.2f", tapeWrite.cpu / nevrcapWrite.cpu))")
        print("    read          .tape \(tapeRead.text); .nevrcap \(nevrcapRead.text); tape/nevrcap \(String(format: "%.2f", tapeRead.cpu / nevrcapRead.cpu))")
    }

    /// Size of the same frames as a zipped `.echoreplay` (game JSON, default zlib level), written
    /// to a temporary file that is removed again.
    static func zippedEchoReplaySize(_ set: [Frame]) throws -> Int {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-tape-bench-\(getpid()).echoreplay")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try EchoReplayWriter(url: url)
        for f in set { try writer.write(f) }
        try writer.close()
        return (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}
