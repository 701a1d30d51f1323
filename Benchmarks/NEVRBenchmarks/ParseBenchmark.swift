import Foundation
import NEVRCore

/// `parse`: `/session` bytes -> `Session` on the real 2021 frame and on a derived
/// multi-player frame set; compared with orjson figures measured by scripts/bench.sh
/// seconds earlier on the same bytes (`--orjson-frame`, `--orjson-set`, frames/s).
enum ParseBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let frame = try BenchmarkInputs.frame2021(args)
        let set = try BenchmarkInputs.frameSet(from: frame)
        if let path = args.string("dump-set") {
            // One frame per line, for the orjson reference run.
            var out: [UInt8] = []
            for f in set { out += f; out.append(0x0A) }
            try Data(out).write(to: URL(fileURLWithPath: path))
            print("wrote \(set.count) frames to \(path)")
            return
        }
        if let fixed = args.double("fixed") {
            // A fixed amount of work for `perf stat -e cycles:u` (immune to time-sharing).
            var sink = 0
            for _ in 0..<Int(fixed) { sink &+= try GameJSONReader.parseSession(frame).teams?.count ?? 0 }
            print("parsed the 2021 frame \(Int(fixed)) times (\(sink))")
            return
        }
        let setBytes = set.reduce(0) { $0 + $1.count }
        print("parse (\(machineSummary()); frames per CPU-second of one thread, best of 10 windows; release)")

        var sink = 0
        let single = try measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: frame.count) {
            let s = try GameJSONReader.parseSession(frame)
            sink &+= s.teams?.count ?? 0
        }
        report("real 2021 frame (\(frame.count) B, 10 players)", single, reference: args.double("orjson-frame"))

        let multi = try measure(seconds: args.seconds, framesPerCall: set.count, bytesPerCall: setBytes) {
            for f in set {
                let s = try GameJSONReader.parseSession(f)
                sink &+= s.teams?.count ?? 0
            }
        }
        report(
            "derived set (\(set.count) frames, 2-10 players, avg \(setBytes / set.count) B)", multi,
            reference: args.double("orjson-set"))
        if sink == 42 { print("") }  // keeps the work observable
    }

    static func report(_ label: String, _ r: (fps: Double, mbps: Double), reference: Double?) {
        var line = "  \(label): \(format(r.fps)) frames/s, \(format(r.mbps, 1)) MB/s"
        if let reference {
            line += "; orjson.loads \(format(reference)) frames/s; ratio \(format(r.fps / reference, 2))x"
        }
        print(line)
    }
}
