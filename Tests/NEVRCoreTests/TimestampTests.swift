import XCTest
@testable import NEVRCore

final class TimestampTests: XCTestCase {
    func testCivilRoundTripKeepsMilliseconds() {
        let c = Timestamp.Components(year: 2021, month: 11, day: 20, hour: 21, minute: 5, second: 33, nanosecond: 407_000_000)
        let t = Timestamp(c)
        XCTAssertEqual(t.components, c)
        XCTAssertEqual(t.iso8601, "2021-11-20T21:05:33.407")
        // 2021-11-20T21:05:33Z is 1637442333 seconds after the epoch.
        XCTAssertEqual(t.seconds, 1_637_442_333)
        XCTAssertEqual(t.nanos, 407_000_000)
    }

    func testBeforeEpochSplitsIntoNonNegativeNanos() {
        let t = Timestamp(nanosecondsSinceEpoch: -1)
        XCTAssertEqual(t.seconds, -1)
        XCTAssertEqual(t.nanos, 999_999_999)
        XCTAssertEqual(Timestamp(seconds: t.seconds, nanos: t.nanos), t)
        XCTAssertEqual(Timestamp(Timestamp.Components(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59)).seconds, -1)
    }

    func testEventKindNamesMatchTheOneofFieldNames() {
        XCTAssertEqual(EventKind.playerJoined.name, "player_joined")
        XCTAssertEqual(EventKind(name: "player_shot_taken"), .playerShotTaken)
        XCTAssertEqual(EventKind.playerShotTaken.rawValue, 57)
        XCTAssertNil(EventKind(name: "no_such_event"))
    }

    func testOutOfRangeYearsClampInsteadOfTrapping() {
        let far = Timestamp.Components(year: 9999, month: 12, day: 31)
        XCTAssertNil(Timestamp(exactly: far))
        XCTAssertEqual(Timestamp(far).nanosecondsSinceEpoch, .max)
        let early = Timestamp.Components(year: 1, month: 1, day: 1)
        XCTAssertNil(Timestamp(exactly: early))
        XCTAssertEqual(Timestamp(early).nanosecondsSinceEpoch, .min)
        XCTAssertNotNil(Timestamp(exactly: Timestamp.Components(year: 2261, month: 1, day: 1)))
    }
}
