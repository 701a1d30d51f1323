import Foundation
import NEVRTestSupport
import XCTest

/// The generated files (model, JSON reader/writer glue, protobuf codec, engine.proto,
/// comparator, restorer, event payloads) are what `scripts/generate.sh` makes from
/// `schema/session.toml` now: editing one side without the other fails here.
final class SchemaGenerationTests: XCTestCase {
    func testCommittedGeneratedFilesAreCurrent() throws {
        let script = SharedData.packageRoot.appendingPathComponent("scripts/generate.py").path
        do {
            let out = try ExternalTool.run("python3", [script, "--check"])
            XCTAssertTrue(String(decoding: out, as: UTF8.self).contains("are current"))
        } catch let failure as ExternalTool.Failure {
            XCTFail("run scripts/generate.sh and commit the result: \(failure.description)")
        }
    }
}
