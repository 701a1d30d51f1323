import Foundation
import NEVRCore
import NEVRHub
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

/// Issue 15 against a real hub on 127.0.0.1: JSON validated by the core scanner, re-streaming
/// as a new stream, idle timeouts, byte budgets and per-publisher fairness. Load is bounded in
/// count and time and never leaves the loopback interface.
final class HubBudgetTests: XCTestCase {
    func testInvalidJSONIsCountedAndRefusedNotForwarded() async throws {
        let hub = try await RunningHub.start()
        let sub = Collector(url: hub.url("/subscribe"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        let publisher = try XCTUnwrap(RawWebSocket(port: hub.port, path: "/publish"))
        // Each of the first five balances its brackets (what the hub's old scanner checked) but is not JSON.
        let messages = [
            #"{"type":"frame","match":"M","index":0,"timestamp_ns":1,"session":{"a":[1,2}]}"#,  // crossed brackets
            #"{"type":"frame","match":"M","index":1,"timestamp_ns":2,"session":{"a":"\x"}}"#,  // bad escape
            #"{"type":"frame","match":"M","index":2,"timestamp_ns":3,"session":{"a":01}}"#,  // bad number
            #"{"type":"frame","match":"M","index":3,"timestamp_ns":4,"session":[1]}"#,  // not an object
            #"{"type":"frame","match":"M","index":4,"timestamp_ns":5,"session":{"ok":true}} trailing"#,
            #"{"type":"frame","match":"M","index":5,"timestamp_ns":6,"session":{"ok":true}}"#,
        ]
        var answers: [String] = []
        for m in messages {
            publisher.sendText(m)
            answers.append(publisher.receiveText() ?? "")
        }
        try await waitUntil(.seconds(10), "the valid frame") { sub.frames.count == 1 }
        XCTAssertEqual(hub.hub.statistics.badMessages, 5)
        XCTAssertEqual(sub.frames.first?.index, 5, "only the valid frame is forwarded")
        XCTAssertEqual(answers.filter { $0.contains(#""type":"error""#) }.count, 5, "\(answers)")
        XCTAssertTrue(answers.last?.contains(#""type":"ack""#) ?? false, "\(answers)")
        await sub.stop()
        await hub.stop()
    }

    func testStreamingTheSameRecordingAgainIsANewStreamAndResendsAreDuplicates() async throws {
        let hub = try await RunningHub.start()
        let sub = Collector(url: hub.url("/subscribe"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        let first = try WebSocketCodec(url: hub.publishURL)
        try publish(first, 0..<20)
        let a = await first.close()
        XCTAssertEqual(a.framesAcknowledged, 20)
        XCTAssertEqual(a.duplicatesReported, 0)
        // The same recording again, by a new publisher: a new stream, delivered again.
        let second = try WebSocketCodec(url: hub.publishURL)
        try publish(second, 0..<20)
        let b = await second.close()
        XCTAssertEqual(b.duplicatesReported, 0)
        try await waitUntil(.seconds(10), "40 frames") { sub.frames.count == 40 }
        // A resend within the same stream (same stream id: a reconnect after a lost ack) is a duplicate, and the ack says so.
        var options = WebSocketCodec.Options()
        options.streamID = second.streamID
        let resend = try WebSocketCodec(url: hub.publishURL, options: options)
        try publish(resend, 0..<20)
        let c = await resend.close()
        XCTAssertEqual(c.framesAcknowledged, 20)
        XCTAssertEqual(c.duplicatesReported, 20)
        XCTAssertEqual(hub.hub.statistics.duplicateFramesIn, 20)
        XCTAssertEqual(sub.frames.count, 40)
        await sub.stop()
        await hub.stop()
    }

    func testIdleWebSocketConnectionsAreClosed() async throws {
        var config = HubServer.Configuration(port: 0)
        config.idleTimeout = .milliseconds(700)
        config.pingInterval = .seconds(30)  // no pings: the peer below never sends a byte after its upgrade
        let hub = try await RunningHub.start(config)
        let idle = try XCTUnwrap(RawWebSocket(port: hub.port, path: "/subscribe"))
        try await waitUntil(.seconds(10), "subscribed") { hub.hub.statistics.subscribers == 1 }
        try await waitUntil(.seconds(10), "idle close") { hub.hub.statistics.subscribers == 0 }
        XCTAssertGreaterThanOrEqual(hub.server.connectionCounts.timedOut, 1)
        withExtendedLifetime(idle) {}
        await hub.stop()
    }

    func testAMessageOverThePerMessageBoundIsRefusedAndTheHubStaysUp() async throws {
        var config = HubServer.Configuration(port: 0)
        config.maxMessageSize = 64 << 10
        let hub = try await RunningHub.start(config)
        let big = try XCTUnwrap(RawWebSocket(port: hub.port, path: "/publish"))
        let padding = String(repeating: " ", count: 100_000)
        big.sendText(#"{"type":"frame","match":"M","index":0,"timestamp_ns":1,"session":{"pad":"\#(padding)"}}"#)
        XCTAssertNil(big.receiveText(), "the hub closes a connection whose message is over the bound")
        XCTAssertEqual(hub.hub.statistics.framesIn, 0)
        let small = try XCTUnwrap(RawWebSocket(port: hub.port, path: "/publish"))
        small.sendText(#"{"type":"frame","match":"M","index":0,"timestamp_ns":1,"session":{"ok":true}}"#)
        XCTAssertTrue(small.receiveText()?.contains(#""type":"ack""#) ?? false)
        XCTAssertEqual(hub.hub.statistics.framesIn, 1)
        await hub.stop()
    }

    func testByteBudgetsBoundMemoryAndOnePublisherCannotEvictOthers() async throws {
        var config = HubServer.Configuration(port: 0)
        config.hub.maxMatchBytes = 200_000
        config.hub.maxTotalBytes = 1_000_000
        config.hub.maxMatches = 4
        config.hub.maxMatchesPerPublisher = 2
        let hub = try await RunningHub.start(config)
        let calm = try WebSocketCodec(url: hub.publishURL)
        try publish(calm, 0..<5, match: "CALM")
        await calm.close()
        // A heavy publisher: 100 frames of ~14 KB into one match (1.4 MB > the match budget) ...
        let heavy = try WebSocketCodec(url: hub.publishURL)
        try publish(heavy, 0..<100, match: "HEAVY")
        // ... and it tries to open more matches than its share.
        try publish(heavy, 0..<1, match: "HEAVY-2")
        try publish(heavy, 0..<1, match: "HEAVY-3")
        let h = await heavy.close()
        let s = hub.hub.statistics
        XCTAssertLessThanOrEqual(s.bytesHeld, 200_000 * 2 + 5 * 20_000, "the rings hold what the budgets allow")
        XCTAssertGreaterThan(s.framesEvicted, 0, "the heavy match gave up its oldest frames")
        XCTAssertEqual(s.framesRefused, 1, "the third match of one publisher is refused")
        XCTAssertGreaterThan(h.hubErrors, 0)
        XCTAssertTrue(h.lastHubError?.contains("limit 2") ?? false, h.lastHubError ?? "no error")
        // The calm match is intact.
        let late = Collector(url: hub.url("/subscribe?match=CALM&since=all"))
        try await waitUntil(.seconds(10), "calm backlog") { late.frames.count == 5 }
        await late.stop()
        await hub.stop()
    }

    func testTheTotalBudgetTakesFromTheLargestMatchAndAFullHubRefusesNewMatches() throws {
        var config = StreamHub.Configuration()
        config.maxMatchBytes = 400_000
        config.maxTotalBytes = 500_000
        config.maxMatches = 2
        let hub = StreamHub(configuration: config)
        let small = hub.makePublisher()
        let big = hub.makePublisher()
        for i in 0..<5 { XCTAssertEqual(hub.publish(frame("SMALL", i, bytes: 10_000), from: small), .accepted) }
        for i in 0..<60 { XCTAssertEqual(hub.publish(frame("BIG", i, bytes: 10_000), from: big), .accepted) }
        let s = hub.statistics
        XCTAssertLessThanOrEqual(s.bytesHeld, 500_000)
        XCTAssertGreaterThan(s.framesEvicted, 0)
        let sub = hub.attach(.init(match: "SMALL", since: .infinity))
        XCTAssertEqual(sub.queuedMessages, 1 + 5, "header and all five small frames survive the big match")
        hub.detach(sub)
        // Both matches are active: a third is refused, not swapped in for one of them.
        guard case .refused(let reason) = hub.publish(frame("THIRD", 0, bytes: 100), from: hub.makePublisher()) else {
            return XCTFail("a new match on a full hub was accepted")
        }
        XCTAssertTrue(reason.contains("limit 2"), reason)
    }

    func testASubscriberOverItsByteBudgetIsDropped() throws {
        var config = StreamHub.Configuration()
        config.subscriberQueue = 10_000
        config.subscriberQueueBytes = 100_000
        let hub = StreamHub(configuration: config)
        let sub = hub.attach(.init())
        for i in 0..<20 { _ = hub.publish(frame("M", i, bytes: 10_000), from: nil) }
        XCTAssertEqual(hub.statistics.subscribersDropped, 1, "20 frames of 10 KB exceed a 100 KB queue")
        XCTAssertEqual(hub.statistics.subscribers, 0)
        hub.detach(sub)
    }

    // MARK: helpers

    private func frame(_ match: String, _ i: Int, bytes: Int) -> StreamedFrame {
        StreamedFrame(
            match: match, index: UInt32(i), timestamp: HubFrames.timestamp(i),
            sessionJSON: Array(#"{"pad":""#.utf8) + [UInt8](repeating: 0x20, count: bytes) + Array(#""}"#.utf8))
    }

    private func publish(_ codec: WebSocketCodec, _ range: Range<Int>, match: String? = nil) throws {
        for i in range {
            var session = HubFrames.session(i)
            if let match {
                session = Array(String(decoding: session, as: UTF8.self).replacingOccurrences(of: HubFrames.matchID, with: match).utf8)
            }
            try codec.streamRaw(session: session, bones: nil, timestamp: HubFrames.timestamp(i))
        }
    }
}
