import Foundation
import NEVRCore
import NEVRHub
import NIOConcurrencyHelpers

// nevr-hub-bench: WebSocket hub throughput and latency on loopback, everything in one
// process (hub, one publisher, N subscribers share the machine's cores).
//
//   NEVRHubBenchmark [--publish-cost] [--nats nats://127.0.0.1:4222] [--frame PATH] [--subscribers 1,10,100] [--formats json,binary] [--frames N] [--latency-seconds S]
//
// Throughput: one publisher sends N copies of the 10-player frame as fast as the codec's
// window allows; the figure is frames/s delivered to every subscriber (N / time until the
// last subscriber has all N). Latency: the publisher sends at 60 Hz; each frame's timestamp
// is the wall clock at publish time, each subscriber subtracts it from the wall clock at
// receipt (after decoding the message), and the median and p99 over all receipts are printed.

struct Args {
    var frame = "../shared/data/session-2021-11-20-arena-private-5v5.json"
    var subscribers = [1, 10, 100]
    var formats: [StreamFormat] = [.json, .binary]
    var frames = 2000
    var latencySeconds = 3.0
    /// Only the in-process publish cost (full rings, 50 matches, 100 subscribers).
    var publishCostOnly = false
    /// Only the cluster table: one node vs two nodes over this NATS server.
    var nats: String?

    init(_ argv: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            return i < argv.count ? argv[i] : ""
        }
        while i < argv.count {
            switch argv[i] {
            case "--frame": frame = value()
            case "--subscribers": subscribers = value().split(separator: ",").compactMap { Int($0) }
            case "--formats": formats = value().split(separator: ",").compactMap { StreamFormat(rawValue: String($0)) }
            case "--frames": frames = Int(value()) ?? frames
            case "--latency-seconds": latencySeconds = Double(value()) ?? latencySeconds
            case "--publish-cost": publishCostOnly = true
            case "--nats": nats = value()
            default: FileHandle.standardError.write(Data("unknown option \(argv[i])\n".utf8)); exit(2)
            }
            i += 1
        }
    }
}

func wallClock() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
}

/// Counts frames and collects latencies for one subscriber.
final class Receipts: Sendable {
    let state = NIOLockedValueBox<(frames: Int, latenciesNs: [Int64], other: Int)>((0, [], 0))
    var frames: Int { state.withLockedValue { $0.frames } }
}

func runCase(session: [UInt8], format: StreamFormat, subscribers: Int, frames: Int, paced: Bool, seconds: Double) async throws
    -> (elapsed: Double, sent: Int, receipts: [Receipts], hub: StreamHub.Statistics)
{
    var config = HubServer.Configuration(port: 0)
    config.hub.subscriberQueue = 1_000_000  // measure delivery, not the slow-subscriber policy
    let server = HubServer(configuration: config)
    let (ports, cont) = AsyncStream.makeStream(of: Int.self)
    let serving = Task { try await server.run { cont.yield($0) } }
    guard let port = await ports.first(where: { _ in true }) else { fatalError("hub did not start") }

    let receipts = (0..<subscribers).map { _ in Receipts() }
    var tasks: [Task<Void, Error>] = []
    for r in receipts {
        tasks.append(
            Task {
                try await WebSocketSubscriber.run(url: "ws://127.0.0.1:\(port)/subscribe?match=all&format=\(format.rawValue)") { m in
                    let now = wallClock()
                    if case .frame(let f) = m {
                        r.state.withLockedValue { s in
                            s.frames += 1
                            s.latenciesNs.append(now.nanosecondsSinceEpoch - f.timestamp.nanosecondsSinceEpoch)
                        }
                    } else if case .header = m {
                    } else {
                        r.state.withLockedValue { $0.other += 1 }
                    }
                }
            })
    }
    while server.hub.statistics.subscribers < subscribers { try await Task.sleep(for: .milliseconds(5)) }

    var options = WebSocketCodec.Options(format: format)
    options.memoryBufferFrames = frames + 16
    let codec = try WebSocketCodec(url: "ws://127.0.0.1:\(port)/publish", options: options)
    let total = paced ? Int(seconds * 60) : frames
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<total {
        if paced { try await Task.sleep(until: start + .nanoseconds(Int64(Double(i) / 60 * 1e9)), clock: clock) }
        try codec.streamRaw(session: session, bones: nil, timestamp: wallClock())
    }
    while receipts.contains(where: { $0.frames < total }) {
        try await Task.sleep(for: .microseconds(200))
        if clock.now - start > .seconds(120) { break }
    }
    let elapsed = (clock.now - start) / .seconds(1)
    await codec.close(timeout: .seconds(5))
    let stats = server.hub.statistics
    for t in tasks { t.cancel() }
    serving.cancel()
    _ = try? await serving.value
    return (elapsed, total, receipts, stats)
}

/// Size of one frame message in `format` (measured on the frame, for the MB/s column).
func bytesOut(_ format: StreamFormat) -> Int { format == .json ? jsonMessageBytes : binaryMessageBytes }

func percentile(_ sorted: [Int64], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let idx = min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))
    return Double(sorted[idx]) / 1e6
}

let args = Args(Array(CommandLine.arguments.dropFirst()))
guard let data = FileManager.default.contents(atPath: args.frame) else {
    FileHandle.standardError.write(Data("NEVRHubBenchmark: \(args.frame): cannot read the frame\n".utf8))
    exit(1)
}
let session = [UInt8](data.filter { $0 != 0x0A })
if args.publishCostOnly {
    publishCost(session: session)
    exit(0)
}
if let nats = args.nats {
    // One node vs two nodes over NATS (ClusterCases.swift): --subscribers' largest value, --frames frames.
    try await clusterBenchmark(session: session, natsURL: nats, subscribers: args.subscribers.max() ?? 100, frames: args.frames)
    exit(0)
}
let jsonMessageBytes: Int = {
    var out: [UInt8] = []
    StreamJSON.appendFrame(match: "892E23E2-8272-4B07-85E8-5E291AC85F93", index: 0, timestamp: wallClock(), session: session[...], bones: nil, events: nil, into: &out)
    return out.count
}()
let binaryMessageBytes: Int = (try? StreamBinary.encode(Frame(index: 0, timestamp: wallClock(), session: GameJSONReader.parseSession(session))).count) ?? 0
print("hub benchmark: loopback, hub + 1 publisher + N subscribers in one process; \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("frame: \(args.frame) (\(session.count) bytes, 10 players, no bones); message: JSON \(jsonMessageBytes) B, binary \(binaryMessageBytes) B")
print("")
print("throughput: \(args.frames) frames published as fast as possible")
print("format  subscribers  frames/s per subscriber  messages/s out  MB/s out  complete  drops")
for format in args.formats {
    for n in args.subscribers {
        let frames = n >= 100 ? max(200, args.frames / 5) : args.frames
        let r = try await runCase(session: session, format: format, subscribers: n, frames: frames, paced: false, seconds: 0)
        let complete = r.receipts.allSatisfy { $0.frames == r.sent }
        let rate = Double(r.sent) / r.elapsed
        let bytesPerMessage = Double(r.hub.framesOut > 0 ? bytesOut(format) : 0)
        print(
            format.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(
                    format: " %11d  %23.0f  %14.0f  %8.0f  ", n, rate, rate * Double(n), rate * Double(n) * bytesPerMessage / 1e6)
                + (complete ? "     yes" : "      NO") + String(format: "  %5d", r.hub.subscribersDropped))
    }
}
print("")
print("latency: 60 Hz for \(args.latencySeconds) s, publisher -> every subscriber (wall clock, after decoding)")
print("format  subscribers  receipts  median ms  p99 ms  max ms  complete")
for format in args.formats {
    for n in args.subscribers {
        let r = try await runCase(session: session, format: format, subscribers: n, frames: 0, paced: true, seconds: args.latencySeconds)
        let all = r.receipts.flatMap { $0.state.withLockedValue { $0.latenciesNs } }.sorted()
        let complete = r.receipts.allSatisfy { $0.frames == r.sent }
        print(
            format.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(
                    format: " %11d  %8d  %9.2f  %6.2f  %6.2f  ", n, all.count, percentile(all, 0.5), percentile(all, 0.99),
                    percentile(all, 1.0))
                + (complete ? "yes" : "NO"))
    }
}
