import NEVRCore
@testable import NEVRHub
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

final class StreamJSONTests: XCTestCase {
    func testFrameMessageRoundTripsRawPartsVerbatim() throws {
        let session = try SharedData.bytes(SharedData.frame2021)
        let bones = HubFrames.bones(3)
        let events: [UInt8] = Array(#"[{"type":"disc_caught","slot":3}]"#.utf8)
        let ts = Timestamp(nanosecondsSinceEpoch: 1_637_442_333_407_123_456)
        var out: [UInt8] = []
        StreamJSON.appendFrame(
            match: "M\"1", index: 42, timestamp: ts, session: session[...], bones: bones[...], events: events[...], into: &out)
        guard case .frame(let f) = try StreamJSON.decode(out) else { return XCTFail("not a frame") }
        XCTAssertEqual(f.match, "M\"1")
        XCTAssertEqual(f.index, 42)
        XCTAssertEqual(f.timestamp, ts)
        XCTAssertEqual(f.sessionJSON, session)
        XCTAssertEqual(f.bonesJSON, bones)
        XCTAssertEqual(f.eventsJSON, events)

        // Foundation agrees it is one JSON object with the session embedded as an object.
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        XCTAssertEqual(object["type"] as? String, "frame")
        XCTAssertEqual(object["timestamp"] as? String, "2021-11-20T21:05:33.407")
        XCTAssertEqual((object["session"] as? [String: Any])?["sessionid"] as? String, HubFrames.matchID)
    }

    func testMatchFallsBackToTheSessionID() throws {
        let session = try SharedData.bytes(SharedData.frame2021Pretty)
        let text = #"{"type":"frame","index":0,"timestamp_ns":5,"session":"# + String(decoding: session, as: UTF8.self) + "}"
        guard case .frame(let f) = try StreamJSON.decode(Array(text.utf8)) else { return XCTFail("not a frame") }
        XCTAssertEqual(f.match, HubFrames.matchID)
        XCTAssertNil(f.bonesJSON)
    }

    func testHeaderAndControlMessagesRoundTrip() throws {
        let h = StreamHeader(
            match: "abc", createdAt: Timestamp(millisecondsSinceEpoch: 12), metadata: [.init(key: "k\n", value: "v\u{1}é")])
        guard case .header(let back) = try StreamJSON.decode(StreamJSON.control(.header(h))) else { return XCTFail() }
        XCTAssertEqual(back, h)
        guard case .ack(let n, let duplicates) = try StreamJSON.decode(StreamJSON.control(.ack(frames: 17, duplicates: 3))) else { return XCTFail() }
        XCTAssertEqual(duplicates, 3)
        XCTAssertEqual(n, 17)
        guard case .dropped(let r) = try StreamJSON.decode(StreamJSON.control(.dropped(reason: "slow \"x\""))) else { return XCTFail() }
        XCTAssertEqual(r, "slow \"x\"")
        guard case .skipped(let s) = try StreamJSON.decode(StreamJSON.control(.skipped(frames: 9))) else { return XCTFail() }
        XCTAssertEqual(s, 9)
    }

    func testMalformedMessagesNameTheProblem() {
        let cases: [(String, String)] = [
            ("[1,2]", "expected an object"),
            (#"{"type":"frame","index":1}"#, "timestamp_ns"),
            (#"{"type":"frame","index":-1,"timestamp_ns":3}"#, "index"),
            (#"{"type":"nope"}"#, "unknown message type"),
            (#"{"type":"frame","index":1,"timestamp_ns":3,"session":{"a":[1,2}"#, "malformed"),
            (#"{"index":1}"#, "no \"type\""),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try StreamJSON.decode(Array(text.utf8)), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
            }
        }
    }

    func testPartsParsing() throws {
        XCTAssertEqual(try StreamParts(parsing: "events, session"), [.session, .events])
        XCTAssertEqual(try StreamParts(parsing: "session,bones,events"), .all)
        XCTAssertThrowsError(try StreamParts(parsing: "session,wings"))
        XCTAssertEqual(StreamParts.all.queryValue, "session,bones,events")
    }

    func testEventsOnlySubscribersGetEventsMessagesOnlyForFramesWithEvents() throws {
        let base = StreamedFrame(match: "m", index: 1, timestamp: Timestamp(nanosecondsSinceEpoch: 1), sessionJSON: Array("{}".utf8))
        var withEvents = base
        withEvents.eventsJSON = Array(#"[{"type":"goal_scored"}]"#.utf8)
        var noEvents = base
        noEvents.eventsJSON = Array("[ ]".utf8)
        XCTAssertNil(try HubFrame(base).encoded(format: .json, parts: .events))
        XCTAssertNil(try HubFrame(noEvents).encoded(format: .json, parts: .events))
        let m = try XCTUnwrap(try HubFrame(withEvents).encoded(format: .json, parts: .events))
        guard case .events(let f) = try StreamJSON.decode(Array(m.bytes.readableBytesView)) else { return XCTFail("not events") }
        XCTAssertNil(f.sessionJSON)
        XCTAssertEqual(f.eventsJSON, withEvents.eventsJSON)
    }

    func testSubscriberQueueSkipAheadKeepsHeadersAndCounts() async {
        let q = SubscriberQueue(capacity: 3, policy: .skip)
        let header = HubHeader(StreamHeader(match: "m", createdAt: Timestamp(nanosecondsSinceEpoch: 0)))
        q.push(.header(header))
        for i in 0..<2 { q.push(.frame(HubFrame(StreamedFrame(match: "m", index: UInt32(i), timestamp: .init(nanosecondsSinceEpoch: 0))))) }
        let r = q.push(.frame(HubFrame(StreamedFrame(match: "m", index: 9, timestamp: .init(nanosecondsSinceEpoch: 0)))))
        guard case .skipped(2) = r else { return XCTFail("expected 2 skipped, got \(r)") }
        var kinds: [String] = []
        q.close()
        while let item = await q.next() {
            switch item {
            case .header: kinds.append("header")
            case .frame(let f): kinds.append("frame \(f.data.index)")
            case .control(let c): kinds.append("\(c)")
            }
        }
        XCTAssertEqual(kinds, ["header", "skipped(frames: 2)", "frame 9"])
    }

    func testSubscriberQueueDropPolicyEndsWithDroppedMessage() async {
        let q = SubscriberQueue(capacity: 2, policy: .drop)
        for i in 0..<2 { q.push(.frame(HubFrame(StreamedFrame(match: "m", index: UInt32(i), timestamp: .init(nanosecondsSinceEpoch: 0))))) }
        guard case .dropped = q.push(.frame(HubFrame(StreamedFrame(match: "m", index: 2, timestamp: .init(nanosecondsSinceEpoch: 0))))) else {
            return XCTFail("not dropped")
        }
        guard case .closed = q.push(.control(.ack(frames: 0))) else { return XCTFail("accepted after drop") }
        guard case .control(.dropped)? = await q.next() else { return XCTFail("no dropped message") }
        let end = await q.next()
        XCTAssertNil(end)
    }
}
