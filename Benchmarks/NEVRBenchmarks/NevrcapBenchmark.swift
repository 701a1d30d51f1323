import Foundation
import NEVRCapture
import NEVRCore

/// `NEVRBenchmarks nevrcap [SECONDS]`: `.nevrcap` write and read throughput, bytes per frame,
/// on frames derived from the real 2021 10-player frame (varied per frame so zstd sees
/// realistic change) with synthetic 23-bone skeletons.
enum NevrcapBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let frame = URL(fileURLWithPath: args.string("frame") ?? ((ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"] ?? "../shared/data") + "/session-2021-11-20-arena-private-5v5.json"))
        try run(frame: frame, seconds: args.seconds)
        let frames = try makeFrames(frame: frame, count: 600, bones: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try runConversion(frames: frames, seconds: args.seconds, directory: directory)
        try runPeakMemory(frames: frames, longFrames: Int(args.double("long-frames") ?? 36_000), directory: directory)
    }

    static func run(frame frameURL: URL, seconds: Double) throws {
        let frames = try makeFrames(frame: frameURL, count: 2_000, bones: true)
        let framesNoBones = frames.map { var f = $0; f.bones = nil; return f }
        print("nevrcap: \(frames.count) distinct frames from the real 2021 frame (10 players), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for (label, set) in [("with bones", frames), ("session only", framesNoBones)] {
            var encoded: [UInt8] = []
            for f in set { NevrcapWire.encode(f, into: &encoded) }
            let protoPerFrame = Double(encoded.count) / Double(set.count)

            // Encode only (protobuf into the reused buffer, no zstd).
            var sink: [UInt8] = []
            sink.reserveCapacity(64 << 10)
            let encodeRate = measure(seconds: seconds) { n in
                let f = set[n % set.count]
                sink.removeAll(keepingCapacity: true)
                NevrcapWire.encode(f, into: &sink)
            }

            // Write: protobuf + zstd level 1 into memory (writer defaults: zstd frame every second of capture).
            var compressed: [UInt8] = []
            let writeRate = try measureBatches(seconds: seconds) { () throws -> Int in
                let w = try NevrcapWriter(inMemory: "bench", header: NevrcapHeader(captureID: "bench"))
                for f in set { try w.write(f) }
                try w.close()
                compressed = w.compressedData
                return set.count
            }

            // Read: zstd + protobuf -> typed frames.
            let readRate = try measureBatches(seconds: seconds) { () throws -> Int in
                let r = try NevrcapReader(bytes: compressed)
                var n = 0
                while try r.next() != nil { n += 1 }
                precondition(n == set.count)
                return n
            }

            // Decode only (protobuf -> typed frame, no zstd).
            let records = set.map { f -> [UInt8] in var b: [UInt8] = []; NevrcapWire.encode(f, into: &b); return b }
            var checksum = 0
            let decodeRate = measure(seconds: seconds) { n in
                let f = records[n % records.count].withUnsafeBytes { try! NevrcapWire.decodeFrame($0) }
                checksum &+= Int(f.index)
            }
            let onDisk = Double(compressed.count) / Double(set.count)
            print("  [\(label)] protobuf \(Int(protoPerFrame)) B/frame, .nevrcap \(String(format: "%.0f", onDisk)) B/frame on disk")
            print("  [\(label)] encode only  \(encodeRate.text)  (\(mbps(encodeRate.cpu, protoPerFrame)) MB/CPU-s protobuf)")
            print("  [\(label)] write        \(writeRate.text)  (protobuf + zstd -1; target >= 100,000, floor 30,000)")
            print("  [\(label)] decode only  \(decodeRate.text)")
            print("  [\(label)] read         \(readRate.text)  (zstd + protobuf; target >= 200,000, floor 50,000)")
            if checksum == 42 { print("") }
        }
    }

    /// `.echoreplay -> .nevrcap` end to end (ZIP inflate, JSON parse, event detection,
    /// protobuf, zstd) on one core and on all cores, and bytes per frame of both formats.
    static func runConversion(frames: [Frame], seconds: Double, directory: URL) throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for withBones in [true, false] {
            let label = withBones ? "with bones" : "session only"
            let source = directory.appendingPathComponent("bench-\(withBones).echoreplay")
            let writer = try EchoReplayWriter(url: source, options: .init(zipped: true, includeBones: withBones))
            for f in frames { try writer.write(f) }
            try writer.close()
            let echoBytes = try FileManager.default.attributesOfItem(atPath: source.path)[.size] as! Int
            let out = directory.appendingPathComponent("bench-\(withBones).nevrcap")
            let one = try measureBatches(seconds: seconds) { () throws -> Int in
                try CaptureConversion.echoReplayToNevrcap(from: source, to: out).framesWritten
            }
            let capBytes = try FileManager.default.attributesOfItem(atPath: out.path)[.size] as! Int
            print("  [\(label)] bytes/frame: .echoreplay (zipped) \(echoBytes / frames.count), .nevrcap \(capBytes / frames.count) (\(String(format: "%.2f", Double(capBytes) / Double(echoBytes))) x)")
            print("  [\(label)] convert .echoreplay -> .nevrcap, 1 thread:  \(one.text)  (floor 10,000, target 40,000 per core)")

            // All cores: one file per thread, converted concurrently.
            let copies = (0..<cores).map { directory.appendingPathComponent("bench-\(withBones)-\($0).echoreplay") }
            for c in copies { try? FileManager.default.removeItem(at: c); try FileManager.default.copyItem(at: source, to: c) }
            let start = DispatchTime.now().uptimeNanoseconds
            let cpu0 = processCPUNanoseconds()
            let deadline = start + UInt64(seconds * 1e9)
            let total = Counter()
            DispatchQueue.concurrentPerform(iterations: cores) { i in
                repeat {
                    let n = (try? CaptureConversion.echoReplayToNevrcap(from: copies[i], to: copies[i].appendingPathExtension("nevrcap")).framesWritten) ?? 0
                    total.add(n)
                } while DispatchTime.now().uptimeNanoseconds < deadline
            }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let cpu = Double(processCPUNanoseconds() - cpu0) / 1e9
            print("  [\(label)] convert .echoreplay -> .nevrcap, \(cores) threads: \(fmt(Double(total.value) / wall)) frames/wall-s in total (\(fmt(Double(total.value) / cpu).trimmingCharacters(in: .whitespaces)) frames/CPU-s)")
            for c in copies {
                try? FileManager.default.removeItem(at: c)
                try? FileManager.default.removeItem(at: c.appendingPathExtension("nevrcap"))
            }
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var value = 0
        func add(_ n: Int) { lock.lock(); value += n; lock.unlock() }
    }

    /// Peak resident memory of `.echoreplay -> .nevrcap` on a long recording, measured in a
    /// child process (`nevrcap-rss IN OUT`) so this process's frame sets do not count.
    static func runPeakMemory(frames: [Frame], longFrames: Int, directory: URL) throws {
        for count in [longFrames / 10, longFrames] {
            let source = directory.appendingPathComponent("long-\(count).echoreplay")
            let writer = try EchoReplayWriter(url: source, options: .init(zipped: true, includeBones: true, compressionLevel: 1))
            for i in 0..<count {
                var f = frames[i % frames.count]
                f.timestamp = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16)
                try writer.write(f)
            }
            try writer.close()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["nevrcap-rss", source.path, directory.appendingPathComponent("long.nevrcap").path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let minutes = Double(count) / 60 / 60
            print("  peak RSS converting \(count) frames (\(String(format: "%.0f", minutes)) min at 60 Hz, with bones): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
            try? FileManager.default.removeItem(at: source)
        }
    }

    /// Child mode: converts IN to OUT and prints the peak resident set (VmHWM).
    static func runRSSChild(_ arguments: [String]) throws {
        guard arguments.count >= 2 else { throw BenchmarkError(description: "nevrcap-rss IN OUT") }
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try CaptureConversion.echoReplayToNevrcap(from: URL(fileURLWithPath: arguments[0]), to: URL(fileURLWithPath: arguments[1]))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) } ?? "unknown (no /proc)"
        print("VmHWM \(hwm), \(summary.framesWritten) frames in \(String(format: "%.1f", seconds)) s")
    }

    /// `count` frames: the real frame with the clock, disc and player kinematics moved per frame.
    static func makeFrames(frame: URL, count: Int, bones: Bool) throws -> [Frame] {
        let bytes = try [UInt8](Data(contentsOf: frame))
        let base = try GameJSONReader.parseSession(bytes)
        var frames: [Frame] = []
        frames.reserveCapacity(count)
        for i in 0..<count {
            var s = base
            let t = Double(i) / 60
            s.gameClock = (s.gameClock ?? 300) - t
            func q(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
            func move(_ v: Vector3?, _ k: Double) -> Vector3? {
                guard let v else { return nil }
                let dx: Double = 0.02 * sin(t + k)
                let dy: Double = 0.01 * cos(t * 1.3 + k)
                let dz: Double = 0.03 * sin(t * 0.7 + k)
                return Vector3(q(v.x + dx), q(v.y + dy), q(v.z + dz))
            }
            func movePose(_ pose: Pose?, _ k: Double) -> Pose? {
                guard var pose else { return nil }
                pose.position = move(pose.position, k)
                pose.forward = move(pose.forward, k + 0.05)
                return pose
            }
            if var disc = s.disc {
                disc.position = move(disc.position, 0.5)
                disc.velocity = move(disc.velocity, 1.5)
                s.disc = disc
            }
            if var teams = s.teams {
                for ti in teams.indices {
                    guard var players = teams[ti].players else { continue }
                    for pi in players.indices {
                        let k = Double(ti * 5 + pi)
                        var p = players[pi]
                        p.head = movePose(p.head, k)
                        p.body = movePose(p.body, k + 0.1)
                        p.leftHand = movePose(p.leftHand, k + 0.2)
                        p.rightHand = movePose(p.rightHand, k + 0.3)
                        p.velocity = move(p.velocity, k + 0.4)
                        players[pi] = p
                    }
                    teams[ti].players = players
                }
                s.teams = teams
            }
            var b: PlayerBones?
            if bones {
                b = PlayerBones(
                    userBones: (0..<10).map { p in
                        let pd = Double(p)
                        let translations: [Float] = (0..<69).map { (k: Int) -> Float in Float(sin(t + Double(k) + pd)) * 0.5 }
                        let orientations: [Float] = (0..<92).map { (k: Int) -> Float in Float(cos(t * 0.5 + Double(k * 3) + pd)) }
                        return UserBones(slot: Int32(p), translations: translations, orientations: orientations)
                    }, errCode: 0)
            }
            frames.append(Frame(index: UInt32(i), timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16), session: s, bones: b))
        }
        return frames
    }

    /// A throughput measured two ways: per wall-clock second and per second of this
    /// thread's CPU time (the shared machines are often oversubscribed; CPU time is what the
    /// code costs, wall time what a user waits).
    struct Rate {
        var wall: Double
        var cpu: Double
        var text: String { "\(NevrcapBenchmark.fmt(cpu)) frames/CPU-s (\(NevrcapBenchmark.fmt(wall).trimmingCharacters(in: .whitespaces)) frames/wall-s)" }
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func processCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Calls `body` with 0, 1, 2, ... for about `seconds`.
    static func measure(seconds: Double, _ body: (Int) -> Void) -> Rate {
        for n in 0..<200 { body(n) }  // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        let cpu0 = threadCPUNanoseconds()
        let deadline = start + UInt64(seconds * 1e9)
        var n = 0
        var now = start
        while now < deadline {
            for _ in 0..<64 { body(n); n += 1 }
            now = DispatchTime.now().uptimeNanoseconds
        }
        let cpu = Double(threadCPUNanoseconds() - cpu0) / 1e9
        return Rate(wall: Double(n) / (Double(now - start) / 1e9), cpu: Double(n) / cpu)
    }

    /// Runs `batch` (returning frames handled) repeatedly for about `seconds`.
    static func measureBatches(seconds: Double, _ batch: () throws -> Int) throws -> Rate {
        _ = try batch()  // warm-up
        let start = DispatchTime.now().uptimeNanoseconds
        let cpu0 = threadCPUNanoseconds()
        let deadline = start + UInt64(seconds * 1e9)
        var frames = 0
        var now = start
        repeat {
            frames += try batch()
            now = DispatchTime.now().uptimeNanoseconds
        } while now < deadline
        let cpu = Double(threadCPUNanoseconds() - cpu0) / 1e9
        return Rate(wall: Double(frames) / (Double(now - start) / 1e9), cpu: Double(frames) / cpu)
    }

    static func fmt(_ rate: Double) -> String {
        let n = Int(rate.rounded())
        var s = String(n)
        var i = s.count - 3
        while i > 0 { s.insert(",", at: s.index(s.startIndex, offsetBy: i)); i -= 3 }
        return s.count < 9 ? String(repeating: " ", count: 9 - s.count) + s : s
    }

    static func mbps(_ rate: Double, _ bytes: Double) -> String { String(format: "%.0f", rate * bytes / 1e6) }
}
