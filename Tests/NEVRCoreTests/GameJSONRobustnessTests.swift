import NEVRTestSupport
import XCTest

@testable import NEVRCore

/// Mutated and truncated real frames: every call must return a value or a
/// ``GameJSONError`` (a crash fails the whole test run).
final class GameJSONRobustnessTests: XCTestCase {
    /// Bytes that matter to the grammar, so mutations hit interesting paths.
    static let interesting: [UInt8] = Array("{}[]\",:0123456789-+.eEtfn\\u \n\0\u{7F}".utf8) + [0xFF, 0xC3]

    func mutate(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = bytes
        let edits = Int.random(in: 1...4, using: &rng)
        for _ in 0..<edits {
            guard !b.isEmpty else { break }
            let at = Int.random(in: 0..<b.count, using: &rng)
            let byte = Bool.random(using: &rng) ? Self.interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: b[at] = byte
            case 1: b.insert(byte, at: at)
            case 2: b.remove(at: at)
            default: b[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
        }
        return b
    }

    func testMutatedAndTruncatedFramesNeverCrash() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        var parsed = 0
        var rejected = 0
        for name in SharedData.allFrames {
            let original = try SharedData.bytes(name)
            let cases = name == SharedData.frame2021Pretty ? 400 : 1_500
            for n in 0..<cases {
                var input = mutate(original, &rng)
                if n % 3 == 0 { input = Array(input.prefix(Int.random(in: 0...input.count, using: &rng))) }
                do {
                    let s = try GameJSONReader.parseSession(input)
                    parsed += 1
                    // Whatever was accepted must write out as JSON the reader accepts again.
                    XCTAssertNoThrow(try GameJSONReader.parseSession(GameJSONWriter.bytes(s)), name)
                } catch {
                    rejected += 1
                    XCTAssertTrue(error.offset >= 0 && error.offset <= input.count, "\(error)")
                }
            }
            // Every prefix of the compact frame: all but the whole frame are errors.
            if name == SharedData.frame2021 {
                for cut in stride(from: 0, to: original.count, by: 7) {
                    XCTAssertThrowsError(try GameJSONReader.parseSession(Array(original.prefix(cut))))
                }
            }
        }
        XCTAssertGreaterThan(parsed, 100, "some mutations (inside strings, digits) still parse")
        XCTAssertGreaterThan(rejected, 1_000)
    }

    func testMutatedBonesNeverCrash() throws {
        var rng = SeededGenerator(seed: 42)
        let bones = Array(PlayerBonesJSONTests.bonesBody(players: 3).utf8)
        for n in 0..<2_000 {
            var input = mutate(bones, &rng)
            if n % 3 == 0 { input = Array(input.prefix(Int.random(in: 0...input.count, using: &rng))) }
            do {
                let b = try GameJSONReader.parseBones(input)
                XCTAssertNoThrow(try GameJSONReader.parseBones(GameJSONWriter.bytes(b)))
            } catch {
                XCTAssertTrue(error.offset >= 0 && error.offset <= input.count, "\(error)")
            }
        }
    }

    func testRandomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3_000 {
            let count = Int.random(in: 0..<64, using: &rng)
            var input = [UInt8(ascii: "{")]
            for _ in 0..<count { input.append(Self.interesting.randomElement(using: &rng)!) }
            _ = try? GameJSONReader.parseSession(input)
            _ = try? GameJSONReader.parseBones(input)
        }
    }
}
