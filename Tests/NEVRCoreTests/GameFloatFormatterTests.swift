import NEVRTestSupport
import XCTest

@testable import NEVRCore

/// The fast 8-digit formatter must equal `snprintf("%.8g")` plus the game's adjustments.
final class GameFloatFormatterTests: XCTestCase {
    func assertSame(_ f: Float, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let fast = GameFloatFormatter.spelling(Double(f))
        let reference = GameFloatFormatter.referenceSpelling(Double(f))
        if fast != reference {
            XCTFail(
                "\(f) (bits \(String(f.bitPattern, radix: 16))): fast \(String(decoding: fast, as: UTF8.self)) reference \(String(decoding: reference, as: UTF8.self))",
                file: file, line: line)
            return false
        }
        return true
    }

    func testGridValuesMatchPrintf() {
        // Every kinematic value the game prints is k * 0.001f (in float arithmetic).
        var failures = 0
        for k in -200_000...200_000 where failures < 10 {
            if !assertSame(Float(k) * 0.001) { failures += 1 }
        }
    }

    func testRandomFloatBitPatternsMatchPrintf() {
        var rng = SeededGenerator(seed: 2021)
        var failures = 0
        var checked = 0
        while checked < 2_000_000 && failures < 10 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            guard f.isFinite else { continue }
            checked += 1
            if !assertSame(f) { failures += 1 }
        }
    }

    func testRandomGameRangeValuesMatchPrintf() {
        var rng = SeededGenerator(seed: 600)
        var failures = 0
        for _ in 0..<500_000 where failures < 10 {
            let f = Float.random(in: -1000...1000, using: &rng)
            if !assertSame(f) { failures += 1 }
        }
    }

    func testEdgeValuesMatchPrintf() {
        let edges: [Float] = [
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1e-5, 1e-4, 9.9999999e-5, 1e7, 1e8,
            99_999_995, 99_999_999, 0.5, 0.25, 0.125, 1.5, 2.5, 16_777_216, 16_777_215, 1e-10, 3.4e38, 1e-38, 0.1, 0.3,
        ]
        for f in edges {
            _ = assertSame(f)
            _ = assertSame(-f)
        }
        // Powers of two have exact short expansions that can land on rounding ties.
        for e in -149...127 {
            _ = assertSame(Float(sign: .plus, exponent: e, significand: 1))
        }
    }
}
