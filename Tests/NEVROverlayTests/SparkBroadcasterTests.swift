import NEVRCore
import NEVRGameAPI
import NEVRHub
import NEVRTestSupport
import XCTest

@testable import NEVROverlay

final class SparkBroadcasterTests: XCTestCase {
    func testAClientThatNeverReadsStaysBoundedAndIsDroppedWhenEventsPileUp() {
        var limits = SparkBroadcaster.Limits()
        limits.queue = 16
        let b = SparkBroadcaster(limits: limits)
        let (_, slow) = b.connect()!
        slow.subscribe(.frame30Hz)
        let frame = SparkMessage(type: .frame30Hz, payload: Array(#"{"x":1}"#.utf8))
        for _ in 0..<10_000 { b.broadcast([frame]) }
        XCTAssertEqual(slow.count, 16)
        XCTAssertEqual(b.statistics.framesShed, 10_000 - 16)
        XCTAssertEqual(b.statistics.clients, 1)
        // Events cannot be shed: once the queue holds only events, the client is cut off.
        slow.subscribe(.goal)
        let goal = SparkMessage(type: .goal, payload: Array("{}".utf8))
        for _ in 0..<40 { b.broadcast([goal]) }
        XCTAssertEqual(b.statistics.clientsDropped, 1)
        XCTAssertEqual(b.statistics.clients, 0)
    }

    func testOnlySubscribedTypesAreQueuedAndClientsAreCapped() {
        var limits = SparkBroadcaster.Limits()
        limits.clients = 2
        let b = SparkBroadcaster(limits: limits)
        let (_, a) = b.connect()!
        let (idB, c) = b.connect()!
        XCTAssertNil(b.connect())
        XCTAssertEqual(b.statistics.clientsRefused, 1)
        a.subscribe(.goal)
        b.broadcast([SparkMessage(type: .goal, payload: []), SparkMessage(type: .save, payload: [])])
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(c.count, 0)
        b.disconnect(idB)
        XCTAssertNotNil(b.connect())
    }

    func testFeedPublishesFramesWithEventsIntoTheHubAndServesTheLastBodies() async throws {
        let hub = StreamHub()
        let feed = OverlayFeed(hub: hub)
        XCTAssertNil(feed.state.sessionJSON)
        let bytes = try SharedData.bytes(SharedData.frame2021)
        let t = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
        feed.ingest(RawFrame(timestamp: t, session: bytes))
        XCTAssertEqual(feed.state.sessionJSON, bytes)
        feed.ingest(RawFrame(timestamp: t, session: Array(#"{"err_code":-6,"err_description":"x"}"#.utf8)))
        XCTAssertEqual(feed.rejectedFrames, 1)
        XCTAssertEqual(feed.state.sessionJSON, bytes, "an error object does not replace the last frame")
        XCTAssertEqual(hub.statistics.framesIn, 1)
        feed.ingest(nil)
        XCTAssertNil(feed.state.sessionJSON)
    }
}
