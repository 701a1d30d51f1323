import Foundation
import NEVRCore

/// `nevr-bench events`: event detection alone on 10-player frames, and full
/// `FrameProcessor.process` (parse + detect) against parse alone on the same bytes.
///
/// `nevr-bench events-allocs N` runs N detections and exits; `scripts/bench.sh`
/// runs it under valgrind for two values of N and prints the difference in heap
/// allocations per frame (the steady-state allocation count).
enum EventsBenchmark {
    static func run(arguments: [String]) throws {
        let seconds = Double(ProcessInfo.processInfo.environment["SECONDS_PER_CASE"] ?? "") ?? 2
        let bytes = try realFrameBytes()
        let frames = try steadyStateFrames(count: 1000, from: bytes)
        print("events: real 2021 frame (\(bytes.count) B, \(frames[0].playerCount) players), \(frames.count) varied frames, \(seconds) s per case")

        // Detection alone: the frames cycle; each step is one detect call.
        var detector = EventDetector()
        var eventCount = 0
        let detect = measure(seconds: seconds) { n in
            for i in 0..<n { eventCount &+= detector.detect(frames[i % frames.count]).count }
        }
        print(String(format: "  detect only:        %8.3f us/frame  (%.0f frames/s, %d events seen)",
                     1e6 / detect, detect, eventCount))

        // Parse alone versus parse + detect, same bytes, same run.
        var sink = 0
        let parse = try measureThrowing(seconds: seconds) { n in
            for _ in 0..<n { sink &+= try GameJSONReader.parseSession(bytes).playerCount }
        }
        var processor = FrameProcessor()
        let timestamp = Timestamp(millisecondsSinceEpoch: 0)
        let process = try measureThrowing(seconds: seconds) { n in
            for _ in 0..<n { sink &+= Int(try processor.process(session: bytes, bones: nil, timestamp: timestamp).index & 1) }
        }
        let mb = Double(bytes.count) / 1e6
        print(String(format: "  parse only:         %8.0f frames/s  %7.1f MB/s", parse, parse * mb))
        print(String(format: "  process (parse+detect): %4.0f frames/s  %7.1f MB/s  = %.1f%% slower than parse alone",
                     process, process * mb, (parse / process - 1) * 100))
        if sink == 42 { print("") }
    }

    /// `events-allocs N`: N detections over the varied frames (for an external allocation counter).
    static func runAllocations(arguments: [String]) throws {
        let n = arguments.first.flatMap(Int.init) ?? 10_000
        let frames = try steadyStateFrames(count: 1000, from: try realFrameBytes())
        var detector = EventDetector()
        var events = 0
        for i in 0..<n { events &+= detector.detect(frames[i % frames.count]).count }
        print("events-allocs: \(n) detections, \(events) events")
    }

    static func realFrameBytes() throws -> [UInt8] {
        let folder = ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"] ?? "../shared/data"
        let path = folder + "/session-2021-11-20-arena-private-5v5.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventsBenchmarkError("cannot read \(path) (set NEVR_SHARED_DATA)")
        }
        return [UInt8](data)
    }

    /// The real frame in live play, varied the way consecutive frames differ: the clock
    /// runs, everyone moves, possession time grows. No events fire, except where the
    /// cycle wraps (the clock and counters jump back, which the detectors re-baseline).
    static func steadyStateFrames(count: Int, from bytes: [UInt8]) throws -> [Session] {
        var base = try GameJSONReader.parseSession(bytes)
        base.gameStatus = "playing"
        return (0..<count).map { i in
            var s = base
            let t = Double(i) / 60
            s.gameClock = 300 - t
            s.gameClockDisplay = "04:\(String(format: "%05.2f", 59.99 - t.truncatingRemainder(dividingBy: 59)))"
            s.disc?.position = Vector3(t, 1, -t)
            for ti in (s.teams ?? []).indices {
                for pi in (s.teams![ti].players ?? []).indices {
                    s.teams![ti].players![pi].velocity = Vector3(t, 0, 1)
                    s.teams![ti].players![pi].stats?.possessionTime? += t
                }
            }
            return s
        }
    }

    /// Calls `body(n)` with growing n until `seconds` pass; returns iterations per second.
    static func measure(seconds: Double, _ body: (Int) -> Void) -> Double {
        body(1000)  // warm up
        var n = 1000
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            body(n)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if elapsed >= seconds { return Double(n) / elapsed }
            n = elapsed < 0.01 ? n * 10 : Int(Double(n) * seconds / elapsed * 1.05) + 1
        }
    }

    static func measureThrowing(seconds: Double, _ body: (Int) throws -> Void) throws -> Double {
        var failure: Error?
        let rate = measure(seconds: seconds) { n in
            guard failure == nil else { return }
            do { try body(n) } catch { failure = error }
        }
        if let failure { throw failure }
        return rate
    }
}

struct EventsBenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
