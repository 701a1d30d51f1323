import NEVRCore
import XCTest

/// ``DerivedEventThresholds/set(_:)``: every named threshold can be set, and nothing invalid sticks.
final class DerivedThresholdNamesTests: XCTestCase {
    func testEveryNameSetsItsOwnValueAndBadValuesLeaveTheThresholdsAlone() {
        for parameter in DerivedEventThresholds.Parameter.allCases {
            var t = DerivedEventThresholds()
            let before = t.value(of: parameter)
            // A value that is valid for every parameter: half (or one less) of the default.
            let next: String
            if let n = Int(before) { next = String(max(n - 1, 1)) } else { next = String(Double(before)! / 2) }
            XCTAssertNil(t.set(" \(parameter.rawValue) = \(next) "), parameter.rawValue)
            XCTAssertEqual(t.value(of: parameter), next, parameter.rawValue)
            // Only that parameter changed.
            for other in DerivedEventThresholds.Parameter.allCases where other != parameter {
                XCTAssertEqual(t.value(of: other), DerivedEventThresholds().value(of: other), "\(parameter) changed \(other)")
            }
        }
        var t = DerivedEventThresholds()
        XCTAssertNotNil(t.set("big_boost_end_speed=50"), "end above start")
        XCTAssertNotNil(t.set("stun_match_seconds=-1"))
        XCTAssertNotNil(t.set("stun_match_seconds=nan"))
        XCTAssertNotNil(t.set("playspace_abuse_distance=inf"))
        XCTAssertEqual(t, DerivedEventThresholds(), "a refused assignment changes nothing")
    }
}
