#if NATS
import Foundation
import NEVRCore
import NEVRNATS
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

@testable import NEVRHub

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Hub nodes as stateless relays over a real `nats-server -js` on loopback (issue 16 item 1):
/// a `nevr hub --nats` subprocess as node 1 (killed with SIGKILL mid-stream) and an in-process
/// node 2, both on one JetStream stream.
final class HubClusterTests: XCTestCase {
    /// An in-process cluster node on a free port.
    private func node(_ nats: NATSServerProcess, stream: String, ring: Int = 10_000, queue: Int = 512) async throws -> (RunningHub, JetStreamRelay) {
        var hubConfig = StreamHub.Configuration()
        hubConfig.ringCapacity = ring
        hubConfig.subscriberQueue = queue
        let hub = StreamHub(configuration: hubConfig, metrics: HubMetrics())
        var config = JetStreamRelay.Configuration(url: try NATSURL(parsing: nats.url))
        config.stream = stream
        config.maxFramesPerMatch = ring
        config.storage = .memory
        let relay = try await JetStreamRelay.connect(config, hub: hub)
        let server = HubServer(configuration: .init(port: 0, hub: hubConfig), hub: hub, relay: relay)
        return (try await RunningHub.start(server: server), relay)
    }

    /// `nevr hub --nats` as a subprocess on a free port, once it accepts connections.
    private func nodeProcess(_ nats: NATSServerProcess, stream: String) async throws -> (NEVRProcess, Int) {
        let port = try NATSServerProcess.freePort()
        let process = try NEVRProcess([
            "hub", "--port", String(port), "--nats", nats.url, "--nats-stream", stream, "--nats-storage", "memory",
        ])
        addTeardownBlock {
            if process.process.isRunning { kill(process.process.processIdentifier, SIGKILL) }
        }
        let deadline = Date().addingTimeInterval(20)
        while !NATSServerProcess.canConnect(port: port) {
            guard process.process.isRunning, Date() < deadline else {
                let result = await process.finish(timeout: 1)
                XCTFail("nevr hub --nats did not start: \(result.stderr)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process, port)
    }

    private static func publish(_ codec: WebSocketCodec, _ range: Range<Int>, paced: Bool) async throws {
        for i in range {
            try codec.streamRaw(session: HubFrames.session(i), bones: nil, timestamp: HubFrames.timestamp(i))
            if paced, i % 5 == 4 { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    private func assertEveryFrameOnceInOrder(_ c: Collector, _ n: Int, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let frames = c.frames
        XCTAssertEqual(frames.map(\.index), (0..<n).map(UInt32.init), "\(name): every frame once, in order", file: file, line: line)
        for (i, f) in frames.enumerated() where i < n {
            XCTAssertEqual(f.sessionJSON, HubFrames.session(i), "\(name): frame \(i) content", file: file, line: line)
            XCTAssertEqual(f.timestamp, HubFrames.timestamp(i), "\(name): frame \(i) timestamp", file: file, line: line)
        }
        XCTAssertEqual(c.headers.first?.match, HubFrames.matchID, "\(name): header first", file: file, line: line)
    }

    private func matchList(_ port: Int) async throws -> [String: Int] {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/matches")!)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 200)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let list = object?["matches"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.compactMap { m in (m["match"] as? String).map { ($0, m["frames"] as? Int ?? -1) } })
    }

    /// The scenario: publish to node 1, subscribe on node 2, kill node 1 mid-stream; the
    /// publisher fails over to node 2 and sends everything again from frame 0. Node 2's live
    /// subscriber sees every frame once and in order (the frames node 1 stored are refused as
    /// duplicates by their Nats-Msg-Id), a late subscriber replays the whole backlog, and node
    /// 2's match list shows the match node 1 started.
    func testNodeKilledMidStreamLosesNothingAndRepeatsNothing() async throws {
        let clock = ContinuousClock()
        let t0 = clock.now
        let nats = try NATSServerProcess.start(for: self)
        let stream = "KILL"
        let (node1, port1) = try await nodeProcess(nats, stream: stream)
        let (node2, _) = try await node(nats, stream: stream)
        let live = Collector(url: node2.url("/subscribe?match=\(HubFrames.matchID)"))
        try await waitUntil(.seconds(10), "subscriber on node 2") { node2.hub.statistics.subscribers == 1 }

        let n = 400
        let streamID = "failover-test"
        var options = WebSocketCodec.Options()
        options.streamID = streamID
        let codec1 = try WebSocketCodec(url: "ws://127.0.0.1:\(port1)/publish", options: options)
        let publishing = Task { try await HubClusterTests.publish(codec1, 0..<n, paced: true) }
        // Mid-stream: node 2's subscriber has seen some frames node 1 stored.
        try await waitUntil(.seconds(20), "frames through node 1") { live.frames.count >= 60 }
        kill(node1.process.processIdentifier, SIGKILL)
        node1.process.waitUntilExit()
        let beforeKill = live.frames.count
        publishing.cancel()
        _ = try? await publishing.value
        _ = await codec1.close(timeout: .milliseconds(200))
        XCTAssertLessThan(beforeKill, n, "node 1 was killed mid-stream")
        let tKill = clock.now

        // Failover: the same publisher stream sends every frame again to node 2.
        let codec2 = try WebSocketCodec(url: node2.publishURL, options: options)
        try await Self.publish(codec2, 0..<n, paced: false)
        let stats2 = await codec2.close()
        XCTAssertEqual(stats2.framesAcknowledged, n)
        XCTAssertGreaterThanOrEqual(stats2.duplicatesReported, beforeKill, "frames node 1 stored are duplicates on node 2")

        try await waitUntil(.seconds(20), "every frame on node 2") { live.frames.count >= n }
        try await Task.sleep(for: .milliseconds(200))  // a repeated frame would arrive now
        assertEveryFrameOnceInOrder(live, n, "live subscriber on node 2")
        XCTAssertEqual(node2.hub.statistics.duplicateFramesIn, stats2.duplicatesReported)

        // A late subscriber on node 2 replays the backlog from JetStream.
        let late = Collector(url: node2.url("/subscribe?match=\(HubFrames.matchID)&since=all"))
        try await waitUntil(.seconds(20), "late subscriber's backlog") { late.frames.count >= n }
        try await Task.sleep(for: .milliseconds(100))
        assertEveryFrameOnceInOrder(late, n, "late subscriber on node 2")

        let list = try await matchList(node2.port)
        XCTAssertEqual(list, [HubFrames.matchID: n], "node 2 lists the match node 1 started, with every frame")
        let tDone = clock.now
        for c in [live, late] { await c.stop() }
        await node2.stop()
        print(
            "HubClusterTests: node 1 SIGKILLed after \(beforeKill) of \(n) frames reached node 2's subscriber; "
                + "\(stats2.duplicatesReported) resent frames were duplicates; start+kill \(tKill - t0), failover+replay \(tDone - tKill), stop \(clock.now - tDone)")
    }

    /// A match published on one node is listed and streamed (with its header) on another;
    /// the per-subject limit bounds the backlog like the ring; a frame published twice is stored once.
    func testBacklogLimitHeaderAndDuplicatesAcrossNodes() async throws {
        let nats = try NATSServerProcess.start(for: self)
        let (a, relayA) = try await node(nats, stream: "LIMIT", ring: 50)
        let (b, _) = try await node(nats, stream: "LIMIT", ring: 50)
        var options = WebSocketCodec.Options()
        options.metadata = [.init(key: "map", value: "mpl_arena_a")]
        let codec = try WebSocketCodec(url: a.publishURL, options: options)
        try await Self.publish(codec, 0..<120, paced: false)
        let stats = await codec.close()
        XCTAssertEqual(stats.framesAcknowledged, 120)

        let late = Collector(url: b.url("/subscribe?match=all&since=all"))
        try await waitUntil(.seconds(10), "backlog on node b") { late.frames.count >= 50 }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(late.frames.map(\.index), (70..<120).map(UInt32.init), "the newest 50 frames (the per-match limit)")
        XCTAssertEqual(late.headers.count, 1)
        XCTAssertEqual(late.headers.first?.metadata.first { $0.key == "map" }?.value, "mpl_arena_a", "the publisher's header, from JetStream")
        guard case .header = late.messages.first else { return XCTFail("the header comes first") }
        let list = try await matchList(b.port)
        XCTAssertEqual(list, [HubFrames.matchID: 50])

        // The same frame (match, stream, index, timestamp) published again is a duplicate.
        let publisher = a.hub.makePublisher()
        let frame = StreamedFrame(match: "dup", index: 7, timestamp: HubFrames.timestamp(7), sessionJSON: HubFrames.session(7))
        let first = try await relayA.store(frame, from: publisher, bytes: 100)
        let again = try await relayA.store(frame, from: publisher, bytes: 100)
        XCTAssertEqual(first, .accepted)
        XCTAssertEqual(again, .duplicate)
        await late.stop()
        await a.stop()
        await b.stop()
    }

    /// The message id holds the publisher's stream: the same frames from the same stream are
    /// duplicates, from a new stream (a recording streamed again) they are new.
    func testMessageIDsTellResendsFromANewStream() async throws {
        let nats = try NATSServerProcess.start(for: self)
        let (a, _) = try await node(nats, stream: "STREAMS")
        var results: [(stream: String, acknowledged: Int, duplicates: Int)] = []
        for stream in ["s1", "s2", "s1"] {
            var options = WebSocketCodec.Options()
            options.streamID = stream
            let codec = try WebSocketCodec(url: a.publishURL, options: options)
            try await Self.publish(codec, 0..<10, paced: false)
            let stats = await codec.close()
            results.append((stream, stats.framesAcknowledged, stats.duplicatesReported))
        }
        XCTAssertEqual(results.map(\.acknowledged), [10, 10, 10])
        XCTAssertEqual(results.map(\.duplicates), [0, 0, 10], "s2 is a new stream; s1 again is a resend")
        let list = try await matchList(a.port)
        XCTAssertEqual(list, [HubFrames.matchID: 20])
        await a.stop()
    }

    /// The node's slow-subscriber policy applies to cluster subscribers: one that stops reading
    /// (an in-process subscriber whose queue nobody reads) is dropped, told so, and no longer
    /// counted, while one that reads gets every frame.
    func testSlowClusterSubscriberIsDroppedWithoutSlowingOthers() async throws {
        let nats = try NATSServerProcess.start(for: self)
        let (a, _) = try await node(nats, stream: "SLOW")
        let (b, relayB) = try await node(nats, stream: "SLOW", queue: 8)
        let stalled = try await relayB.openSubscription(.init())
        let reader = try await relayB.openSubscription(.init())
        let received = Task { () -> [Timestamp] in
            var timestamps: [Timestamp] = []
            while timestamps.count < 40, let item = await reader.queue.next() {
                if case .frame(let f) = item { timestamps.append(f.data.timestamp) }
            }
            return timestamps
        }
        XCTAssertEqual(b.hub.statistics.subscribers, 2)
        let codec = try WebSocketCodec(url: a.publishURL)
        try await Self.publish(codec, 0..<40, paced: true)
        _ = await codec.close()
        try await waitUntil(.seconds(20), "the stalled subscriber dropped") { b.hub.statistics.subscribersDropped == 1 }
        let timestamps = try await withTimeout(.seconds(20), "the reading subscriber's frames") { await received.value }
        XCTAssertEqual(timestamps, (0..<40).map(HubFrames.timestamp))
        XCTAssertEqual(b.hub.statistics.subscribers, 1, "the dropped one is no longer counted")
        var last: SubscriberQueue.Item?
        while let item = await stalled.queue.next() { last = item }
        guard case .control(.dropped) = last else { return XCTFail("the stalled subscriber's last message is not `dropped`: \(String(describing: last))") }
        relayB.closeSubscription(reader)
        relayB.closeSubscription(stalled)
        XCTAssertEqual(b.hub.statistics.subscribers, 0)
        await a.stop()
        await b.stop()
    }

    /// A subscriber following every match gets a match that starts after it subscribed, live only.
    func testLiveOnlySubscriberOfEveryMatchGetsNewMatches() async throws {
        let nats = try NATSServerProcess.start(for: self)
        let (a, _) = try await node(nats, stream: "LIVE")
        let (b, _) = try await node(nats, stream: "LIVE")
        let old = try WebSocketCodec(url: a.publishURL)
        try await Self.publish(old, 0..<10, paced: false)
        _ = await old.close()
        let all = Collector(url: b.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "subscriber") { b.hub.statistics.subscribers == 1 }
        try await Task.sleep(for: .milliseconds(300))  // its consumer is created
        let codec = try WebSocketCodec(url: a.publishURL)
        try await Self.publish(codec, 10..<30, paced: false)
        _ = await codec.close()
        try await waitUntil(.seconds(10), "live frames") { all.frames.count >= 20 }
        try await Task.sleep(for: .milliseconds(100))
        // A new codec numbers its frames from 0 again; the timestamps say which frames arrived.
        XCTAssertEqual(all.frames.map(\.timestamp), (10..<30).map(HubFrames.timestamp), "live only: none of the 10 frames before it subscribed")
        XCTAssertEqual(all.headers.count, 1, "one header for the match")
        await all.stop()
        await a.stop()
        await b.stop()
    }

    /// An unreachable NATS server: the relay names it, `nevr hub --nats` says `nevr: nats://host:port: reason`.
    func testUnreachableNATSIsAClearError() async throws {
        let port = try NATSServerProcess.freePort()
        let url = "nats://127.0.0.1:\(port)"
        var config = JetStreamRelay.Configuration(url: try NATSURL(parsing: url))
        config.client.connectTimeout = .seconds(2)
        do {
            _ = try await JetStreamRelay.connect(config, hub: StreamHub())
            XCTFail("connected to nothing")
        } catch let error as HubClusterError {
            guard case .unavailable(let named, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(named, url)
            XCTAssertTrue(reason.hasPrefix("cannot connect"), reason)
        }
        let process = try NEVRProcess(["hub", "--port", "0", "--nats", "nats://user:secret@127.0.0.1:\(port)"])
        let result = await process.finish(timeout: 20)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("nevr: \(url): cannot connect"), result.stderr)
        XCTAssertFalse(result.stderr.contains("secret"), "credentials are not printed")
    }

    /// A NATS server without JetStream: the stream cannot be created, and the error says so.
    func testNATSWithoutJetStreamIsAClearError() async throws {
        let nats = try NATSServerProcess.start(for: self, jetStream: false)
        do {
            _ = try await JetStreamRelay.connect(JetStreamRelay.Configuration(url: try NATSURL(parsing: nats.url)), hub: StreamHub())
            XCTFail("a stream without JetStream")
        } catch let error as HubClusterError {
            XCTAssertTrue(error.description.hasPrefix("\(nats.url): stream NEVR_HUB:"), error.description)
            XCTAssertTrue(error.description.contains("JetStream is not enabled"), error.description)
        }
    }
}
#endif
