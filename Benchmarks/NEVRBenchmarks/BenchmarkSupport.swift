import Foundation
import NEVRCore
import NEVRTestSupport

/// `--name value` options of a benchmark mode.
struct BenchmarkArguments {
    var values: [String: String] = [:]
    /// Arguments not starting with `--` (and not an option's value), in order.
    var positional: [String] = []

    init(_ args: [String]) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let name = String(a.dropFirst(2))
                if i + 1 < args.count, !args[i + 1].hasPrefix("--") {
                    values[name] = args[i + 1]
                    i += 2
                } else {
                    values[name] = ""
                    i += 1
                }
            } else {
                positional.append(a)
                i += 1
            }
        }
    }

    func string(_ name: String) -> String? { values[name] }
    func double(_ name: String) -> Double? { values[name].flatMap(Double.init) }
    var seconds: Double { double("seconds") ?? 2.0 }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
}

enum BenchmarkInputs {
    /// The real 2021 frame: `--frame PATH`, `$NEVR_SHARED_DATA`, or `../shared/data` beside the package.
    static func frame2021(_ args: BenchmarkArguments) throws -> [UInt8] {
        let name = "session-2021-11-20-arena-private-5v5.json"
        var candidates: [String] = []
        if let p = args.string("frame") { candidates.append(p) }
        if let d = ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"] { candidates.append(d + "/" + name) }
        candidates.append("../shared/data/" + name)
        for path in candidates {
            if let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        }
        throw BenchmarkError(description: "cannot read the 2021 frame (tried \(candidates.joined(separator: ", "))); pass --frame PATH")
    }

    /// Frames derived from the real one: every position, velocity and stat perturbed and
    /// 2 to 10 players per frame (players dropped or repeated with new slots), written in
    /// the game's spelling. Deterministic.
    static func frameSet(from frame: [UInt8], count: Int = 64) throws -> [[UInt8]] {
        let base = try GameJSONReader.parseSession(frame)
        var rng = SeededGenerator(seed: 0xBEEF)
        var frames: [[UInt8]] = []
        let allPlayers = (base.teams ?? []).prefix(2).map { $0.players ?? [] }
        for n in 0..<count {
            var s = base
            let perTeam = [1, 2, 3, 4, 5, 5, 4, 5][n % 8]
            var teams = s.teams ?? []
            for t in 0..<min(2, teams.count) {
                var players: [Player] = []
                for j in 0..<perTeam {
                    var p = allPlayers[t][(j + n) % allPlayers[t].count]
                    p.slot = Int32(t * 5 + j)
                    p.head = p.head.map { perturb($0, &rng) }
                    p.body = p.body.map { perturb($0, &rng) }
                    p.leftHand = p.leftHand.map { perturb($0, &rng) }
                    p.rightHand = p.rightHand.map { perturb($0, &rng) }
                    p.velocity = p.velocity.map { perturb($0, &rng) }
                    p.ping = Int32.random(in: 10...150, using: &rng)
                    p.stats?.possessionTime = Double(Float(Double.random(in: 0...300, using: &rng)))
                    players.append(p)
                }
                teams[t].players = players
            }
            s.teams = teams
            if let position = s.disc?.position { s.disc?.position = perturb(position, &rng) }
            s.gameClock = Double(Float(Double.random(in: 0...600, using: &rng)))
            frames.append(GameJSONWriter.bytes(s))
        }
        return frames
    }

    /// Moves a vector by a few millimetres, kept on the game's 1/1000 grid.
    static func perturb(_ v: Vector3, _ rng: inout SeededGenerator) -> Vector3 {
        func q(_ x: Double) -> Double {
            let k = (Float(x) / 0.001).rounded() + Float(Int.random(in: -50...50, using: &rng))
            return Double(k * 0.001)
        }
        return Vector3(q(v.x), q(v.y), q(v.z))
    }

    static func perturb(_ p: Pose, _ rng: inout SeededGenerator) -> Pose {
        Pose(
            position: p.position.map { perturb($0, &rng) }, forward: p.forward, left: p.left, up: p.up)
    }
}

/// CPU time of the calling thread, in seconds. The machine is shared by several builds at
/// once, so wall-clock rates mostly measure the scheduler; CPU time measures the work.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs `body` (which processes `framesPerCall` frames of `bytesPerCall` bytes) for about
/// `seconds` of this thread's CPU time after a short warm-up, in ten equal windows, and
/// returns the best window's frames and MB per CPU-second. scripts/bench.sh measures
/// orjson the same way (`time.thread_time`, best of ten windows).
func measure(seconds: Double, framesPerCall: Int, bytesPerCall: Int, _ body: () throws -> Void) rethrows -> (fps: Double, mbps: Double) {
    let warmUp = threadCPUSeconds() + 0.2
    while threadCPUSeconds() < warmUp { try body() }
    var best = 0.0
    let window = seconds / 10
    for _ in 0..<10 {
        var calls = 0
        let start = threadCPUSeconds()
        var now = start
        repeat {
            try body()
            calls += 1
            now = threadCPUSeconds()
        } while now - start < window
        best = max(best, Double(calls) / (now - start))
    }
    return (best * Double(framesPerCall), best * Double(bytesPerCall) / 1e6)
}

func format(_ v: Double, _ digits: Int = 0) -> String {
    String(format: "%.\(digits)f", v)
}

func machineSummary() -> String {
    "cores: \(ProcessInfo.processInfo.activeProcessorCount)"
}
