import NEVRCapture
import NEVRCore
import NEVRHub
import NEVRNetworkTestSupport
import XCTest

/// Binary (protobuf Envelope) publishing and subscribing, and conversion between encodings.
final class BinaryStreamingTests: XCTestCase {
    /// What a typed frame looks like after one protobuf round trip (proto3 drops zero values).
    func viaWire(_ frame: Frame) throws -> Frame {
        let bytes = try StreamBinary.encode(frame)
        let back = try bytes.withUnsafeBytes { try NevrcapWire.decodeEnvelope($0) }
        guard case .frame(let f) = back else { XCTFail("not a frame"); return frame }
        return f
    }

    func testBinaryPublisherWithEventsReachesBinaryAndJSONSubscribers() async throws {
        let hub = try await RunningHub.start()
        let binary = Collector(url: hub.url("/subscribe?match=all&format=binary"))
        let json = Collector(url: hub.url("/subscribe?match=all&format=json"))
        let eventsOnly = Collector(url: hub.url("/subscribe?match=all&format=json&parts=events"))
        try await waitUntil(.seconds(10), "3 subscribers") { hub.hub.statistics.subscribers == 3 }

        let codec = try WebSocketCodec(url: hub.publishURL, options: .init(format: .binary, processFrames: true))
        // The same frames through a local processor: what the hub must deliver.
        var processor = FrameProcessor()
        var expected: [Frame] = []
        let n = 40
        for i in 0..<n {
            // Blue scores at frame 20: the processor detects events there.
            var session = HubFrames.session(i)
            if i >= 20, let r = session.firstRange(of: Array(#""blue_points":15"#.utf8)) {
                session.replaceSubrange(r, with: Array(#""blue_points":16"#.utf8))
            }
            let bones = HubFrames.bones(i)
            try codec.streamRaw(session: session, bones: bones, timestamp: HubFrames.timestamp(i))
            expected.append(try processor.process(session: session, bones: bones, timestamp: HubFrames.timestamp(i)))
        }
        let stats = await codec.close()
        XCTAssertEqual(stats.framesAcknowledged, n)
        try await waitUntil(.seconds(10), "frames") { binary.frames.count == n && json.frames.count == n }

        XCTAssertEqual(binary.headers.map(\.match), [HubFrames.matchID])
        XCTAssertEqual(json.headers.map(\.match), [HubFrames.matchID])
        for i in 0..<n {
            let want = try viaWire(expected[i])
            let got = try XCTUnwrap(binary.frames[i].frame, "binary frame \(i) is not typed")
            XCTAssertEqual(got, want, "binary frame \(i)")
            XCTAssertEqual(binary.frames[i].match, HubFrames.matchID)
            // JSON subscribers of a binary publisher get the game spelling of the same frame.
            XCTAssertEqual(json.frames[i].index, UInt32(i))
            XCTAssertEqual(json.frames[i].sessionJSON, GameJSONWriter.bytes(want.session), "json frame \(i) session")
            XCTAssertEqual(json.frames[i].bonesJSON, want.bones.map { GameJSONWriter.bytes($0) }, "json frame \(i) bones")
        }
        // Events: the first frame of a stream is a silent baseline; whatever the processor found
        // reached the events-only subscriber as EventJSON objects, frame by frame.
        let expectedEvents = expected.filter { !$0.events.isEmpty }
        XCTAssertFalse(expectedEvents.isEmpty, "the changed score yields events")
        XCTAssertFalse(binary.frames.allSatisfy { $0.frame?.events.isEmpty ?? true }, "binary frames carry the events")
        try await waitUntil(.seconds(5), "events") {
            eventsOnly.messages.filter { if case .events = $0 { true } else { false } }.count == expectedEvents.count
        }
        let eventMessages: [StreamedFrame] = eventsOnly.messages.compactMap { if case .events(let f) = $0 { f } else { nil } }
        XCTAssertEqual(eventMessages.map(\.index), expectedEvents.map(\.index))
        for (m, f) in zip(eventMessages, expectedEvents) {
            XCTAssertEqual(m.eventObjects.map { String(decoding: $0, as: UTF8.self) },
                           f.events.map { EventJSON.line(for: $0, frameIndex: f.index, timestamp: f.timestamp) })
        }
        for c in [binary, json, eventsOnly] { await c.stop() }
        await hub.stop()
    }

    func testJSONPublisherReachesBinarySubscriber() async throws {
        let hub = try await RunningHub.start()
        let binary = Collector(url: hub.url("/subscribe?match=\(HubFrames.matchID)&format=binary&parts=session"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        let codec = try WebSocketCodec(url: hub.publishURL)
        let n = 20
        for i in 0..<n {
            try codec.streamRaw(session: HubFrames.session(i), bones: HubFrames.bones(i), timestamp: HubFrames.timestamp(i))
        }
        await codec.close()
        try await waitUntil(.seconds(10), "frames") { binary.frames.count == n }
        for i in 0..<n {
            let parsed = try GameJSONReader.parseSession(HubFrames.session(i))
            let want = try viaWire(Frame(index: UInt32(i), timestamp: HubFrames.timestamp(i), session: parsed))
            XCTAssertEqual(binary.frames[i].frame, want, "frame \(i)")
            XCTAssertNil(binary.frames[i].frame?.bones, "bones were not asked for")
        }
        await binary.stop()
        await hub.stop()
    }

    func testBinaryHeaderRoundTrip() throws {
        let h = StreamHeader(
            match: "M", captureID: "capture-1", createdAt: Timestamp(millisecondsSinceEpoch: 99), metadata: [.init(key: "a", value: "b")])
        guard case .header(let back) = try StreamBinary.decode(.init(bytes: StreamBinary.encode(h))) else { return XCTFail() }
        XCTAssertEqual(back.match, "M")
        XCTAssertEqual(back.captureID, "capture-1")
        XCTAssertEqual(back.createdAt, h.createdAt)
        XCTAssertEqual(back.metadata.first, .init(key: "a", value: "b"))
        XCTAssertThrowsError(try StreamBinary.decode(.init(bytes: [0x0A, 0x05, 0x01]))) { error in
            XCTAssertTrue("\(error)".contains("not an Envelope"), "\(error)")
        }
    }
}
