import Foundation
import NEVRCore
import NEVRSimulator

/// `NEVRBenchmarks simulate [--seconds S]`: match simulator throughput (frames/s) for the
/// demo's match (seed 3, 8 players, 120 s at 60 Hz = 7,200 frames), simulating only, with
/// every frame written as game JSON, and with bones.
enum SimulatorBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let seconds = args.seconds
        print("simulate: seed 3, 8 players and a spectator, 120 s of game time at 60 Hz per pass (7,200 frames)")
        print("| case | frames | seconds | frames/s | game-time speed-up | JSON MB/s |")
        print("|---|---:|---:|---:|---:|---:|")
        for (label, bones, json) in [("simulate only", false, false), ("simulate + GameJSONWriter", false, true),
                                     ("simulate + bones + GameJSONWriter", true, true)] {
            var frames = 0
            var bytes = 0
            var out: [UInt8] = []
            out.reserveCapacity(64 << 10)
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                var sim = MatchSimulator(options: SimulationOptions(seed: 3, duration: 120, rate: 60, players: 8, bones: bones))
                while let f = sim.next() {
                    if json {
                        out.removeAll(keepingCapacity: true)
                        GameJSONWriter.write(f.session, into: &out)
                        if let b = f.bones { GameJSONWriter.write(b, into: &out) }
                        bytes += out.count
                    }
                    frames += 1
                }
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds
            let rate = Double(frames) / elapsed
            let mbps = json ? String(format: "%.0f", Double(bytes) / elapsed / 1e6) : "-"
            print("| \(label) | \(frames) | \(String(format: "%.2f", elapsed)) | \(String(format: "%.0f", rate)) | "
                + "\(String(format: "%.0fx", rate / 60)) | \(mbps) |")
        }
    }
}
