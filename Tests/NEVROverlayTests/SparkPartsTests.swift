import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVROverlay

final class SparkPartsTests: XCTestCase {
    func testRateLimiterHalvesSixtyHertzAndCapsFortyHertz() {
        for (input, expected) in [(60.0, 30.0), (40.0, 30.0), (30.0, 30.0), (20.0, 20.0), (144.0, 30.0)] {
            var limiter = FrameRateLimiter(period: 1.0 / 30)
            var sent = 0
            let frames = Int(input * 10)
            for i in 0..<frames {
                // +-1 ms of jitter, deterministic.
                let jitter = Double((i * 7919) % 3 - 1) * 0.001
                if limiter.admit(now: Double(i) / input + jitter) { sent += 1 }
            }
            XCTAssertLessThanOrEqual(Double(sent), expected * 10 + 1, "input \(input) Hz")
            XCTAssertGreaterThanOrEqual(Double(sent), expected * 10 * 0.8, "input \(input) Hz")
        }
    }

    func testRateLimiterRefusesNonFiniteTimes() {
        var limiter = FrameRateLimiter(period: 1)
        XCTAssertFalse(limiter.admit(now: .nan))
        XCTAssertTrue(limiter.admit(now: 0))
    }

    func testGoalGeometry() {
        let straight = SparkGoalGeometry(position: Vector3(0, 0, -35.5), velocity: Vector3(0, 0, -10))
        XCTAssertEqual(straight.goalColor, "blue")
        XCTAssertEqual(straight.angle, 0, accuracy: 1e-9)
        XCTAssertFalse(straight.backboard)
        let diagonal = SparkGoalGeometry(position: Vector3(1, 0, 35.5), velocity: Vector3(5, 0, 5))
        XCTAssertEqual(diagonal.goalColor, "orange")
        XCTAssertEqual(diagonal.angle, 45, accuracy: 1e-9)
        let back = SparkGoalGeometry(position: Vector3(0, 0, 35.5), velocity: Vector3(0, 3, -8))
        XCTAssertTrue(back.backboard)
        XCTAssertEqual(back.angle, atan(3.0 / 8.0) * 180 / .pi, accuracy: 1e-9)
        let still = SparkGoalGeometry(position: Vector3(0, 0, 35.5), velocity: .zero)
        XCTAssertEqual(still.angle, 0)
    }

    func testSparkJSONEscapesAndRefusesNonFiniteNumbers() {
        let v = SparkJSON.object([("a\"b", .string("x\ny\u{1}")), ("n", .double(.nan)), ("i", .integer(UInt64.max))])
        XCTAssertEqual(v.text, #"{"a\"b":"x\ny\u0001","n":null,"i":9223372036854775807}"#)
    }

    func testClientRequestsAreChecked() {
        typealias R = SparkEventServer.Request
        XCTAssertEqual(R("subscribe:goal"), .subscribe(.goal))
        XCTAssertEqual(R("subscribe:frame_30hz\n"), .subscribe(.frame30Hz))
        XCTAssertEqual(R("unsubscribe:overlay_config"), .unsubscribe(.overlayConfig))
        guard case .invalid = R("subscribe:nothing") else { return XCTFail() }
        guard case .invalid = R("publish:goal") else { return XCTFail() }
        guard case .invalid = R("goal") else { return XCTFail() }
        guard case .invalid(let why) = R("subscribe:" + String(repeating: "x", count: 1000)) else { return XCTFail() }
        XCTAssert(why.contains("longer"))
        guard case .invalid(let shown) = R("subscribe:\u{7}bad\u{1b}[31m") else { return XCTFail() }
        XCTAssertFalse(shown.contains("\u{1b}"))
    }

    func testClientQueueShedsFramesFirstThenRefuses() {
        let q = SparkClientQueue(capacity: 3)
        let frame = SparkMessage(type: .frame30Hz, payload: Array("{}".utf8))
        let goal = SparkMessage(type: .goal, payload: Array("{}".utf8))
        XCTAssertEqual(String(describing: q.push(frame)), "queued")
        XCTAssertEqual(String(describing: q.push(goal)), "queued")
        XCTAssertEqual(String(describing: q.push(goal)), "queued")
        XCTAssertEqual(String(describing: q.push(goal)), "shedFrame")
        XCTAssertEqual(q.count, 3)
        XCTAssertEqual(String(describing: q.push(goal)), "full")
        XCTAssertEqual(q.count, 3)
    }

    func testPageOptionsAreRangeChecked() throws {
        let ok = try OverlayPageOptions(query: [("team", "blue"), ("hide", "feed,clock"), ("scale", "1.5"), ("items", "12"),
                                               ("hub", "ws://10.0.0.2:8080/subscribe?match=all"), ("match", "892E23E2-8272")])
        XCTAssertEqual(ok.team, "blue")
        XCTAssertEqual(ok.hide, ["feed", "clock"])
        XCTAssertEqual(ok.scale, 1.5)
        XCTAssertEqual(ok.items, 12)
        let bad: [[(String, String)]] = [
            [("team", "red")], [("hide", "feed,bogus")], [("scale", "100")], [("scale", "nan")], [("items", "0")], [("items", "99999999999999999999")],
            [("hub", "http://x")], [("hub", "ws://a b")], [("match", "<script>")], [("what", "1")],
            [("token", String(repeating: "t", count: 300))], Array(repeating: ("team", "blue"), count: 17),
        ]
        for query in bad {
            XCTAssertThrowsError(try OverlayPageOptions(query: query), "\(query.prefix(1))")
        }
    }

    func testEveryPageIsSelfContained() throws {
        for name in OverlayPages.names {
            let html = try XCTUnwrap(OverlayPages.page(named: name))
            XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("//cdn"), name)
            XCTAssert(html.contains("overlay.js") && html.contains("overlay.css"))
        }
        let js = try XCTUnwrap(OverlayPages.asset(named: "overlay.js")).text
        XCTAssertFalse(js.contains("import ") || js.contains("https://"))
        XCTAssertNil(OverlayPages.page(named: "../etc/passwd"))
    }
}

/// Event kinds the core stream gains later reach Spark's `joust` messages through their JSON alone.
final class SparkDerivedEventTests: XCTestCase {
    func testAJoustEventOfTheCoreStreamBecomesSparksJoustMessage() throws {
        let frame2021 = try SharedData.bytes(SharedData.frame2021)
        var processor = FrameProcessor()
        var state = OverlayState()
        let t = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
        var frame = try processor.process(session: frame2021, bones: nil, timestamp: t)
        _ = state.ingest(frame, sessionJSON: frame2021, bonesJSON: nil, now: 0)
        var slot: Int32 = -1, name = "", team = -1
        frame.session.forEachPlayer { ti, p in if ti == 1, slot < 0 { slot = p.slot ?? -1; name = p.name ?? ""; team = ti } }
        let joust = Event.generic(
            eventType: "joust",
            data: [.init(key: "player_slot", value: String(slot)), .init(key: "joust_type", value: "JOUST_TYPE_DEFENSIVE"),
                   .init(key: "joust_time", value: "2.345"), .init(key: "max_speed", value: "7.5"), .init(key: "tube_exit_speed", value: "6.25")],
            payload: "")
        frame.events = [joust]
        let messages = state.ingest(frame, sessionJSON: frame2021, bonesJSON: nil, now: 1)
        let m = try XCTUnwrap(messages.first { $0.type == .joust })
        let d = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any])
        XCTAssertEqual(d["player_name"] as? String, name)
        XCTAssertEqual(d["team_color"] as? String, team == 1 ? "orange" : "blue")
        XCTAssertEqual(d["event_type"] as? String, "defensive_joust")
        XCTAssertEqual(d["joust_time"] as? Double ?? 0, 2.345, accuracy: 1e-9)
        XCTAssertEqual(d["joust_time_millis"] as? Int, 2345)
        XCTAssertEqual(d["max_speed"] as? Double, 7.5)
        XCTAssertEqual(d["max_tube_exit_speed"] as? Double, 6.25)
        XCTAssertEqual(state.jousts.count, 1)
        XCTAssertTrue(messages.contains { $0.type == .eventLog })
    }
}
