import Foundation
import NEVRTestSupport
import XCTest

/// Every public declaration of the libraries carries a DocC comment (issue 9 item 6). The count
/// is made by scripts/doc-coverage.py (the same script a person runs by hand); this test fails
/// with its list of undocumented declarations as path:line.
final class DocCoverageTests: XCTestCase {
    func testEveryPublicDeclarationIsDocumented() throws {
        let script = SharedData.packageRoot.appendingPathComponent("scripts/doc-coverage.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--fail-on-undocumented"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The script prints a summary line per module; an empty output means it did not run.
        XCTAssertTrue(text.contains("public declarations"), "scripts/doc-coverage.py printed nothing:\n\(text)")
        XCTAssertEqual(
            process.terminationStatus, 0,
            "public declarations without a `///` comment (add one above each; run "
                + "`python3 scripts/doc-coverage.py --list` to see them):\n\(text)")
    }
}
