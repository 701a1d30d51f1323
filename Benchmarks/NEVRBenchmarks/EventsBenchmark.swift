import Foundation
import NEVRCore

/// `NEVRBenchmarks events`: event detection alone on 10-player frames, and full
/// `FrameProcessor.process` (parse + detect) against parse alone on the same bytes,
/// measured in the same run.
///
/// `NEVRBenchmarks events-allocs N` runs N detections and exits; `scripts/bench.sh events`
/// runs it under valgrind for two values of N and prints the difference in heap
/// allocations per frame (the steady-state count; setup allocations cancel out).
enum EventsBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let bytes = try BenchmarkInputs.frame2021(args)
        let frames = try steadyStateFrames(count: 1000, from: bytes)
        print("events: real 2021 frame (\(bytes.count) B, \(frames[0].playerCount) players); \(frames.count) varied frames; \(machineSummary())")

        // Detection alone: each call is one detect over the next varied frame.
        var detector = EventDetector()
        var i = 0, events = 0
        let detect = measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: 0) {
            events &+= detector.detect(frames[i]).count
            i = i == frames.count - 1 ? 0 : i + 1
        }
        print("  detect only            \(format(1e6 / detect.fps, 3)) us/frame (\(format(detect.fps)) frames/s; \(events) events on cycle wraps)")

        // The same without the derived (Spark-style) detectors: their cost as a ratio.
        var options = EventDetectionOptions()
        options.derived.enabled = false
        var seedOnly = EventDetector(options: options)
        var j = 0, seedEvents = 0
        let seed = measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: 0) {
            seedEvents &+= seedOnly.detect(frames[j]).count
            j = j == frames.count - 1 ? 0 : j + 1
        }
        print("  detect, derived off    \(format(1e6 / seed.fps, 3)) us/frame (\(format(seed.fps)) frames/s; \(seedEvents) events); "
              + "derived detectors cost \(format(seed.fps / detect.fps, 2))x the seed's detection time")

        // Parse alone versus parse + detect on the same bytes.
        var sink = 0
        let parse = try measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: bytes.count) {
            sink &+= try GameJSONReader.parseSession(bytes).playerCount
        }
        var processor = FrameProcessor()
        let t = Timestamp(millisecondsSinceEpoch: 0)
        let process = try measure(seconds: args.seconds, framesPerCall: 1, bytesPerCall: bytes.count) {
            sink &+= Int(try processor.process(session: bytes, bones: nil, timestamp: t).index & 1)
        }
        print("  parse only             \(format(parse.fps)) frames/s, \(format(parse.mbps, 1)) MB/s")
        print("  process (parse+detect) \(format(process.fps)) frames/s, \(format(process.mbps, 1)) MB/s; "
              + "\(format((parse.fps / process.fps - 1) * 100, 1))% slower than parse alone")
        if sink == 42 { print("") }
    }

    /// `events-allocs N`: N detections over the varied frames, for an external allocation counter.
    static func runAllocations(_ args: BenchmarkArguments) throws {
        let n = args.positional.first.flatMap(Int.init) ?? 10_000
        let frames = try steadyStateFrames(count: 1000, from: try BenchmarkInputs.frame2021(args))
        var detector = EventDetector()
        var events = 0
        for i in 0..<n { events &+= detector.detect(frames[i % frames.count]).count }
        print("events-allocs: \(n) detections, \(events) events")
    }

    /// The real frame in live play, varied the way consecutive frames differ: the clock
    /// runs, the disc and everyone move, possession time grows. Nothing fires except
    /// where the cycle wraps (the clock jumps back; counters stay, so no stat events).
    static func steadyStateFrames(count: Int, from bytes: [UInt8]) throws -> [Session] {
        var base = try GameJSONReader.parseSession(bytes)
        base.gameStatus = "playing"
        return (0..<count).map { i in
            var s = base
            let t = Double(i) / 60
            s.gameClock = 300 - t
            s.gameClockDisplay = "04:" + format(59.99 - t.truncatingRemainder(dividingBy: 59), 2)
            s.disc?.position = Vector3(t, 1, -t)
            for ti in (s.teams ?? []).indices {
                for pi in (s.teams![ti].players ?? []).indices {
                    s.teams![ti].players![pi].velocity = Vector3(t, 0, 1)
                    // Heads move with the velocity (no playspace abuse in steady state).
                    if let h = base.teams![ti].players![pi].head?.position {
                        s.teams![ti].players![pi].head?.position = Vector3(h.x + t * t / 2, h.y, h.z + t)
                    }
                    s.teams![ti].players![pi].stats?.possessionTime? += t
                }
            }
            return s
        }
    }
}
