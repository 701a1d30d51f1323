import Foundation
import NEVRCore
import NEVRHub

#if NATS
import NEVRNATS
#endif

// `--nats URL`: the same frames through one node alone and through two nodes sharing a
// JetStream stream (publisher on node 1, subscribers on node 2), 1 and 50 matches, in one run.

/// The frame's session bytes with its session id replaced by match `m`'s (same length).
func sessionOfMatch(_ session: [UInt8], _ m: Int) -> [UInt8] {
    let id = Array("892E23E2-8272-4B07-85E8-5E291AC85F93".utf8)
    guard let range = session.firstRange(of: id) else { return session }
    var out = session
    out.replaceSubrange(range, with: Array(String(format: "892E23E2-8272-4B07-85E8-5E291AC8%04d", m).utf8))
    return out
}

/// A node serving until the returned task is cancelled; `relay` nil = the embedded hub.
func startNode(_ config: HubServer.Configuration, relay: (@Sendable (StreamHub) async throws -> any HubFrameRelay)?) async throws
    -> (server: HubServer, port: Int, task: Task<Void, Error>)
{
    let server: HubServer
    if let relay {
        let hub = StreamHub(configuration: config.hub, metrics: HubMetrics())
        server = HubServer(configuration: config, hub: hub, relay: try await relay(hub))
    } else {
        server = HubServer(configuration: config)
    }
    let (ports, cont) = AsyncStream.makeStream(of: Int.self)
    let task = Task { try await server.run { cont.yield($0) } }
    guard let port = await ports.first(where: { _ in true }) else { fatalError("hub did not start") }
    return (server, port, task)
}

/// Frames/s delivered to every subscriber: `frames` frames spread round-robin over `matches`
/// matches, published as fast as the codec's window allows; `relay` nil = one node alone.
func runClusterCase(
    session: [UInt8], matches: Int, subscribers: Int, frames: Int, relay: (@Sendable (StreamHub) async throws -> any HubFrameRelay)?
) async throws -> (elapsed: Double, complete: Bool, dropped: Int) {
    var config = HubServer.Configuration(port: 0)
    config.hub.subscriberQueue = 1_000_000  // measure delivery, not the slow-subscriber policy
    config.hub.maxMatchesPerPublisher = max(8, matches)
    config.hub.maxMatches = max(64, matches)
    let node1 = try await startNode(config, relay: relay)
    let node2 = relay == nil ? node1 : try await startNode(config, relay: relay)
    let receipts = (0..<subscribers).map { _ in Receipts() }
    var tasks: [Task<Void, Error>] = []
    for r in receipts {
        tasks.append(
            Task {
                try await WebSocketSubscriber.run(url: "ws://127.0.0.1:\(node2.port)/subscribe?match=all") { m in
                    if case .frame = m { r.state.withLockedValue { $0.frames += 1 } }
                }
            })
    }
    while node2.server.hub.statistics.subscribers < subscribers { try await Task.sleep(for: .milliseconds(5)) }
    try await Task.sleep(for: .milliseconds(200))  // cluster subscribers' consumers are created
    let sessions = (0..<matches).map { sessionOfMatch(session, $0) }
    var options = WebSocketCodec.Options()
    options.memoryBufferFrames = frames + 16
    let codec = try WebSocketCodec(url: "ws://127.0.0.1:\(node1.port)/publish", options: options)
    let clock = ContinuousClock()
    let start = clock.now
    for i in 0..<frames {
        // Each match's frames count up from its own first index.
        try codec.streamRaw(session: sessions[i % matches], bones: nil, timestamp: wallClock())
    }
    while receipts.contains(where: { $0.frames < frames }), clock.now - start < .seconds(300) {
        try await Task.sleep(for: .milliseconds(1))
    }
    let elapsed = (clock.now - start) / .seconds(1)
    await codec.close(timeout: .seconds(5))
    let complete = receipts.allSatisfy { $0.frames == frames }
    let dropped = node2.server.hub.statistics.subscribersDropped
    for t in tasks { t.cancel() }
    node1.task.cancel()
    node2.task.cancel()
    _ = try? await node1.task.value
    _ = try? await node2.task.value
    return (elapsed, complete, dropped)
}

/// The `--nats` table: one node vs two nodes over NATS, same frames, same run.
func clusterBenchmark(session: [UInt8], natsURL: String, subscribers: Int, frames: Int) async throws {
    #if NATS
    let url = try NATSURL(parsing: natsURL)
    print("cluster throughput: \(frames) frames over M matches, \(subscribers) subscribers of every match (NATS \(url))")
    print("matches  setup                          frames/s per subscriber  ratio vs one node  complete  drops")
    var run = 0
    for matches in [1, 50] {
        let alone = try await runClusterCase(session: session, matches: matches, subscribers: subscribers, frames: frames, relay: nil)
        run += 1
        // A fresh stream per case, so no case replays or counts another's frames.
        let stream = "NEVR_BENCH_\(getpid())_\(run)"
        let relays = RelayList<JetStreamRelay>([])
        let clustered = try await runClusterCase(session: session, matches: matches, subscribers: subscribers, frames: frames) { hub in
            var config = JetStreamRelay.Configuration(url: url)
            config.stream = stream
            config.storage = .memory
            let relay = try await JetStreamRelay.connect(config, hub: hub)
            relays.append(relay)
            return relay
        }
        for relay in relays.values { await relay.close() }
        let cleaner = try await NATSClient.connect(url)
        try? await JetStream(cleaner).deleteStream(stream)
        await cleaner.close()
        let aloneRate = Double(frames) / alone.elapsed
        let clusterRate = Double(frames) / clustered.elapsed
        for (name, rate, r) in [("one node", aloneRate, alone), ("two nodes + NATS (pub 1, sub 2)", clusterRate, clustered)] {
            print(
                String(format: "%7d  ", matches) + name.padding(toLength: 31, withPad: " ", startingAt: 0)
                    + String(format: "  %23.0f  %17.2f  ", rate, rate / aloneRate) + (r.complete ? "     yes" : "      NO")
                    + String(format: "  %5d", r.dropped))
        }
    }
    #else
    FileHandle.standardError.write(Data("NEVRHubBenchmark: --nats needs the NATS trait\n".utf8))
    exit(2)
    #endif
}

#if NATS
/// A lock-protected list of the relays a case created (to delete its stream afterwards).
final class RelayList<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T]
    init(_ items: [T]) { self.items = items }
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var values: [T] { lock.withLock { items } }
}
#endif
