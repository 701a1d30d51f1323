import Foundation
import NEVRHub
import NEVRTestSupport
import NIOCore
import XCTest

/// The committed inputs of the `FuzzHubStream` libFuzzer target, run in the normal test suite.
///
/// Seeds are where the fuzzer starts: if a protocol change made them unreadable, fuzzing would
/// quietly start from garbage, so each seed must still decode as the message its name says and
/// survive the round trip the fuzz target checks. A crash input found by fuzzing goes to
/// `Fuzz/regressions/FuzzHubStream/` (fuzz.sh adds it to the corpus) with a test here that
/// fails before its fix.
final class FuzzRegressionTests: XCTestCase {
    static let fuzzFolder = SharedData.packageRoot.appendingPathComponent("Fuzz")

    static func files(_ folder: String) throws -> [URL] {
        let dir = fuzzFolder.appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testFuzzHubStreamJSONSeedsDecodeAndRoundTrip() throws {
        let seeds = try Self.files("seeds/FuzzHubStream").filter { $0.pathExtension == "json" }
        XCTAssertGreaterThanOrEqual(seeds.count, 5)
        for url in seeds {
            let bytes = try [UInt8](Data(contentsOf: url))
            let message = try StreamJSON.decode(bytes)
            let kind = url.deletingPathExtension().lastPathComponent.split(separator: "-")[0]
            let encoded = StreamJSON.control(message)
            XCTAssertTrue(String(decoding: encoded, as: UTF8.self).hasPrefix("{\"type\":\"\(kind)\""), url.lastPathComponent)
            XCTAssertEqual(StreamJSON.control(try StreamJSON.decode(encoded)), encoded, url.lastPathComponent)
        }
    }

    func testFuzzHubStreamBinarySeedsDecodeAndRoundTrip() throws {
        let seeds = try Self.files("seeds/FuzzHubStream").filter { $0.pathExtension == "bin" }
        XCTAssertGreaterThanOrEqual(seeds.count, 3)
        for url in seeds {
            let message = try StreamBinary.decode(ByteBuffer(bytes: try Data(contentsOf: url)))
            switch message {
            case .header(let header):
                XCTAssertTrue(url.lastPathComponent.hasPrefix("header"), url.lastPathComponent)
                guard case .header(let back) = try StreamBinary.decode(ByteBuffer(bytes: StreamBinary.encode(header))) else {
                    return XCTFail("\(url.lastPathComponent): not a header after the round trip")
                }
                XCTAssertEqual(back, header)
            case .frame(let frame):
                XCTAssertTrue(url.lastPathComponent.hasPrefix("frame"), url.lastPathComponent)
                let typed = try XCTUnwrap(frame.frame)
                let encoded = try StreamBinary.encode(typed)
                guard case .frame(let back) = try StreamBinary.decode(ByteBuffer(bytes: encoded)) else {
                    return XCTFail("\(url.lastPathComponent): not a frame after the round trip")
                }
                XCTAssertEqual(back.match, frame.match)
                XCTAssertEqual(try StreamBinary.encode(try XCTUnwrap(back.frame)), encoded)
            default:
                XCTFail("\(url.lastPathComponent): \(message)")
            }
        }
    }

    /// Query seeds parsed by Foundation's URL parser (not the fuzz harness's splitter): the
    /// `refused` one must be refused, the others accepted.
    func testFuzzHubStreamQuerySeedsParse() throws {
        let seeds = try Self.files("seeds/FuzzHubStream").filter { $0.lastPathComponent.hasPrefix("query") }
        XCTAssertGreaterThanOrEqual(seeds.count, 2)
        for url in seeds {
            let text = try String(contentsOf: url, encoding: .utf8)
            let items = try XCTUnwrap(URLComponents(string: "ws://127.0.0.1/subscribe?" + text)?.queryItems)
            let pairs = items.map { ($0.name, $0.value ?? "") }
            if url.lastPathComponent.contains("refused") {
                XCTAssertThrowsError(try HubQuery(pairs: pairs), url.lastPathComponent)
            } else {
                XCTAssertNoThrow(try HubQuery(pairs: pairs), url.lastPathComponent)
            }
        }
    }
}
