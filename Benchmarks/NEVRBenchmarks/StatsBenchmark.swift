import Foundation
import NEVRAnalysis
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// `NEVRBenchmarks stats [--matches N] [--duration S] [--rounds R]`: `nevr stats` (its
/// library, `StatsRun.run`, which the command only prints) over N simulated matches written
/// as `.echoreplay` files, with every core and with one, alternating R times in the same run
/// (wall-clock frames/s, median of the rounds; the ratio is the parallel speed-up on this
/// machine now).
enum StatsBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let matches = Int(args.values["matches"] ?? "") ?? 100
        let duration = Double(args.values["duration"] ?? "") ?? 60
        let rounds = max(1, Int(args.values["rounds"] ?? "") ?? 3)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-stats-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var frames = 0
        var bytes = 0
        for m in 0..<matches {
            var sim = MatchSimulator(options: SimulationOptions(seed: UInt64(m + 1), duration: duration, rate: 30, players: 10))
            let url = dir.appendingPathComponent(String(format: "m%03d.echoreplay", m))
            let writer = try EchoReplayWriter(url: url)
            while let f = sim.next() {
                try writer.write(timestamp: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: nil)
                frames += 1
            }
            try writer.close()
            bytes += (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("stats: \(matches) simulated matches of \(Int(duration)) s at 30 Hz, 10 players, \(frames) frames, "
              + "\(bytes / 1_000_000) MB of .echoreplay; \(rounds) alternating rounds; \(machineSummary())")
        func timed(_ jobs: Int) throws -> Double {
            let start = Date()
            let run = try StatsRun.run(paths: [dir.path], jobs: jobs)
            let seconds = Date().timeIntervalSince(start)
            precondition(run.frames == frames, "stats read \(run.frames) of \(frames) frames")
            precondition(run.matches.count == matches, "stats found \(run.matches.count) of \(matches) matches")
            return Double(frames) / seconds
        }
        var one: [Double] = [], all: [Double] = []
        for _ in 0..<rounds {
            one.append(try timed(1))
            all.append(try timed(cores))
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        let list = { (v: [Double]) in v.map { format($0) }.joined(separator: ", ") }
        print("  1 job              \(format(median(one))) frames/s (rounds: \(list(one)))")
        print("  \(cores) jobs (all cores) \(format(median(all))) frames/s (rounds: \(list(all))); "
              + "\(format(median(all) / median(one), 2))x one job")
    }
}
