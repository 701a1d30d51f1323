import Foundation
import XCTest

/// Every public declaration of the libraries carries a DocC comment (issue 9 item 6). The count
/// is made by scripts/doc-coverage.py (the same script a person runs by hand); this test fails
/// with its list of undocumented declarations as path:line.
final class DocCoverageTests: XCTestCase {
    func testEveryPublicDeclarationIsDocumented() throws {
        let (status, output) = try PythonScript.run("doc-coverage.py", ["--fail-on-undocumented"], includeStandardError: true)
        let text = String(decoding: output, as: UTF8.self)
        // The script prints a summary line per module; an empty output means it did not run.
        XCTAssertTrue(text.contains("public declarations"), "scripts/doc-coverage.py printed nothing:\n\(text)")
        XCTAssertEqual(
            status, 0,
            "public declarations without a `///` comment (add one above each; run "
                + "`python3 scripts/doc-coverage.py --list` to see them):\n\(text)")
    }
}
