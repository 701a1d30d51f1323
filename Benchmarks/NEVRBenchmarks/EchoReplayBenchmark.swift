import Foundation
import NEVRCapture
import NEVRCore

#if canImport(Glibc)
import Glibc
private let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
#elseif canImport(Darwin)
import Darwin
private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// `.echoreplay` write and read throughput on a recording of frames derived from the real
/// 2021 frame (`BenchmarkInputs.frameSet`, cycled; `--frames N`, default 5000), zipped
/// (`--level L`, zlib level, default the writer's) and plain, with the process's peak RSS to show
/// that memory stays flat however large the recording.
enum EchoReplayBenchmark {
    static func run(_ args: BenchmarkArguments) throws {
        let frames = try BenchmarkInputs.frameSet(from: try BenchmarkInputs.frame2021(args))
        let count = Int(args.double("frames") ?? 5000)
        let level = Int32(args.double("level") ?? Double(EchoReplayWriter.Options().compressionLevel))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-bench-echoreplay-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let textBytes = (0 ..< count).reduce(0) { $0 + EchoReplayTimestamp.length + 1 + frames[$1 % frames.count].count + 2 }
        let start = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
        print("echoreplay: \(count) frames (\(frames.count) distinct, derived from the 2021 frame), \(mb(textBytes)) MB of text, zlib level \(level)")

        let clock = ContinuousClock()
        for zipped in [true, false] {
            let url = dir.appendingPathComponent(zipped ? "bench.echoreplay" : "bench-plain.echoreplay")
            let writeTime = try clock.measure {
                let writer = try EchoReplayWriter(url: url, options: .init(zipped: zipped, compressionLevel: level))
                for i in 0 ..< count {
                    let t = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64(i) * 16_000_000)
                    try writer.write(timestamp: t, session: frames[i % frames.count], bones: nil)
                }
                try writer.close()
            }
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            var read = 0
            let readTime = try clock.measure {
                let reader = try EchoReplayReader(url: url)
                while let r = try reader.next() { read += r.session.count > 0 ? 1 : 0 }
            }
            guard read == count else { throw BenchmarkError(description: "read \(read) frames, wrote \(count)") }
            var viewed = 0
            var checksum = 0
            let viewTime = try clock.measure {
                let reader = try EchoReplayReader(url: url)
                while try reader.nextView({ checksum &+= Int($0.session[$0.session.count / 2]) }) != nil { viewed += 1 }
            }
            guard viewed == count else { throw BenchmarkError(description: "viewed \(viewed) frames, wrote \(count)") }
            let label = zipped ? "zipped" : "plain "
            print("  \(label) write: \(rate(count, writeTime)) frames/s, \(mbps(textBytes, writeTime)) MB/s of text (file \(mb(size)) MB)")
            print("  \(label) read:  \(rate(count, readTime)) frames/s, \(mbps(textBytes, readTime)) MB/s of text")
            print("  \(label) view:  \(rate(count, viewTime)) frames/s, \(mbps(textBytes, viewTime)) MB/s of text (nextView, no copy; checksum \(checksum))")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF_WHO, &usage)
        print("  peak RSS of the whole run: \(usage.ru_maxrss / 1024) MB")
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func rate(_ n: Int, _ d: Duration) -> String { String(format: "%.0f", Double(n) / seconds(d)) }
    private static func mbps(_ bytes: Int, _ d: Duration) -> String { String(format: "%.0f", Double(bytes) / 1e6 / seconds(d)) }
    private static func mb(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }
}
