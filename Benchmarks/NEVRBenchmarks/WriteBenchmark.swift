import NEVRCore

/// `write`: `Session` -> game-spelled JSON bytes (what `.echoreplay` writing does).
enum WriteBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let frame = try BenchmarkInputs.frame2021(args)
        let session = try GameJSONReader.parseSession(frame)
        let set = try BenchmarkInputs.frameSet(from: frame).map { bytes in try GameJSONReader.parseSession(bytes) }
        if let fixed = args.double("fixed") {
            var out: [UInt8] = []
            for _ in 0..<Int(fixed) {
                out.removeAll(keepingCapacity: true)
                GameJSONWriter.write(session, into: &out)
            }
            print("wrote the 2021 frame \(Int(fixed)) times (\(out.count) B)")
            return
        }
        print("write (\(machineSummary()); frames per CPU-second of one thread, best of 10 windows; release)")

        var out: [UInt8] = []
        out.reserveCapacity(32 * 1024)
        var sink = 0
        let single = measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: frame.count) {
            out.removeAll(keepingCapacity: true)
            GameJSONWriter.write(session, into: &out)
            sink &+= out.count
        }
        print("  real 2021 frame (\(frame.count) B out): \(format(single.fps)) frames/s, \(format(single.mbps, 1)) MB/s")

        let setBytes = set.reduce(0) { $0 + GameJSONWriter.bytes($1).count }
        let multi = measure(seconds: args.seconds, framesPerCall: set.count, bytesPerCall: setBytes) {
            for s in set {
                out.removeAll(keepingCapacity: true)
                GameJSONWriter.write(s, into: &out)
                sink &+= out.count
            }
        }
        print("  derived set (\(set.count) frames, 2-10 players, avg \(setBytes / set.count) B out): \(format(multi.fps)) frames/s, \(format(multi.mbps, 1)) MB/s")
        if sink == 42 { print("") }
    }
}
