import Foundation
import NEVRAnalysis
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// `NEVRBenchmarks stats [--matches N] [--duration S]`: `nevr stats` over N simulated
/// matches written as `.echoreplay` files, with every core and with one, in the same run
/// (wall-clock frames/s; the ratio is the parallel speed-up on this machine now).
enum StatsBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let matches = Int(args.values["matches"] ?? "") ?? 100
        let duration = Double(args.values["duration"] ?? "") ?? 60
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-stats-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var frames = 0
        for m in 0..<matches {
            var sim = MatchSimulator(options: SimulationOptions(seed: UInt64(m + 1), duration: duration, rate: 30, players: 10))
            let writer = try EchoReplayWriter(url: dir.appendingPathComponent(String(format: "m%03d.echoreplay", m)))
            while let f = sim.next() {
                try writer.write(timestamp: f.timestamp, session: GameJSONWriter.bytes(f.session), bones: nil)
                frames += 1
            }
            try writer.close()
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("stats: \(matches) simulated matches of \(Int(duration)) s at 30 Hz, 10 players, \(frames) frames; \(machineSummary())")
        func timed(_ jobs: Int) throws -> Double {
            let start = Date()
            let run = try StatsRun.run(paths: [dir.path], jobs: jobs)
            let seconds = Date().timeIntervalSince(start)
            precondition(run.frames == frames, "stats read \(run.frames) of \(frames) frames")
            return Double(frames) / seconds
        }
        let one = try timed(1)
        let all = try timed(cores)
        print("  1 job              \(format(one)) frames/s")
        print("  \(cores) jobs (all cores) \(format(all)) frames/s; \(format(all / one, 2))x one job")
    }
}
