import NEVRCore
import NEVRTestSupport
import XCTest

final class FrameProcessorTests: XCTestCase {
    func testFramesAreNumberedAndStayIndependent() throws {
        var processor = FrameProcessor()
        let a = try EventFixtures.playing()
        var b = a
        b.updatePlayer(slot: 0) { $0.stats!.saves! += 1 }
        let f0 = processor.process(session: a, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 1000))
        let f1 = processor.process(session: b, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 1033))
        let f2 = processor.process(session: a, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 1066))
        XCTAssertEqual([f0.index, f1.index, f2.index], [0, 1, 2])
        XCTAssertEqual(f0.events, [])
        XCTAssertEqual(f1.events.map(\.kind), [.playerSave])
        // The falling counter in f2 re-baselines; nothing returned earlier changed.
        XCTAssertEqual(f2.events, [])
        XCTAssertEqual(f1.session, b)
        XCTAssertEqual(f0.session, a)
        XCTAssertEqual(f1.timestamp, Timestamp(millisecondsSinceEpoch: 1033))
    }

    func testNonGameFrameGetsAnIndexButNoEventsAndNoStateChange() throws {
        var processor = FrameProcessor()
        let a = try EventFixtures.playing()
        var b = a
        b.removePlayer(slot: 5)
        var error = Session()
        error.errCode = -6
        _ = processor.process(session: a, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 0))
        let e = processor.process(session: error, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 1))
        let f = processor.process(session: b, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 2))
        XCTAssertEqual(e.index, 1)
        XCTAssertEqual(e.events, [])
        XCTAssertEqual(f.events.map(\.kind), [.playerLeft])
    }

    func testResetStartsANewCaptureAtIndexZeroWithABaseline() throws {
        var processor = FrameProcessor()
        let a = try EventFixtures.playing()
        var b = a
        b.removePlayer(slot: 5)
        _ = processor.process(session: a, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 0))
        processor.reset()
        let f = processor.process(session: b, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 2))
        XCTAssertEqual(f.index, 0)
        XCTAssertEqual(f.events, [])
    }
}
