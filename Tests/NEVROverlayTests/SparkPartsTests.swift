import NEVRCore
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
