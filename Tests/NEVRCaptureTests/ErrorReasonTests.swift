import Foundation
import NEVRCapture
import XCTest

/// ``ErrorReason``: every error in plain words, never a Swift or Foundation dump.
final class ErrorReasonTests: XCTestCase {
    /// What a user must never read.
    static let dumps = ["Error(", "errno:", "Error Domain", "UserInfo", "NSCocoaErrorDomain", "Code="]

    func assertPlain(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for dump in Self.dumps { XCTAssertFalse(text.contains(dump), "\(dump) in \"\(text)\"", file: file, line: line) }
        XCTAssertFalse(text.contains("\n"), "one line: \"\(text)\"", file: file, line: line)
    }

    func testFoundationFileErrorsBecomeWords() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-error-reason-\(UUID().uuidString)", isDirectory: true)
        let missing = dir.appendingPathComponent("nothing/here.svg")
        do {
            _ = try Data(contentsOf: missing)
            XCTFail("read a missing file")
        } catch {
            XCTAssertTrue(String(describing: error).contains("Error Domain") || String(describing: error).contains("Code"),
                          "the raw text this guards against: \(error)")
            XCTAssertEqual(ErrorReason.plain(error), "no such file or folder")
        }
        do {
            try Data([1, 2, 3]).write(to: missing)
            XCTFail("wrote into a missing folder")
        } catch {
            let text = ErrorReason.plain(error)
            assertPlain(text)
            XCTAssertEqual(text, "no such file or folder")
        }
        XCTAssertEqual(ErrorReason.plain(POSIXError(.ENOSPC)), String(cString: strerror(ENOSPC)))
    }

    private struct Opaque: Error { var code = 3; var detail = "x" }
    private enum Kind: Error { case connectTimeout }
    private struct Worded: Error, CustomStringConvertible { var description: String { "the frame is cut short\nsecond line" } }

    func testTypeDumpsAndEnumNamesAreNamedNotDumped() {
        XCTAssertEqual(String(describing: Opaque()), "Opaque(code: 3, detail: \"x\")", "the dump this guards against")
        XCTAssertEqual(ErrorReason.plain(Opaque()), "unexpected error (Opaque)")
        XCTAssertEqual(ErrorReason.plain(Kind.connectTimeout), "unexpected error (connectTimeout)")
        XCTAssertEqual(ErrorReason.plain(Worded()), "the frame is cut short")
        XCTAssertEqual(ErrorReason.plain(description: "connect(descriptor:addr:size:): Connection refused (errno: 111)"),
                       String(cString: strerror(111)))
        XCTAssertEqual(ErrorReason.plain(description: #"Error Domain=NSCocoaErrorDomain Code=4 "The folder “x.svg” doesn’t exist." UserInfo={NSFilePath=/x}"#),
                       "The folder “x.svg” doesn’t exist.")
        for text in [ErrorReason.plain(Opaque()), ErrorReason.plain(Kind.connectTimeout), ErrorReason.plain(Worded())] { assertPlain(text) }
    }

    /// A capture error gives its reason; ``ErrorReason/plainNamingTheFile(_:)`` keeps its file in front.
    func testCaptureErrorsGiveTheirReasonWithOrWithoutTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-error-reason-\(UUID().uuidString).echoreplay")
        var caught: (any Error)?
        do { _ = try EchoReplayReader(url: url) } catch { caught = error }
        let error = try XCTUnwrap(caught as? any CaptureFileError, "\(String(describing: caught))")
        XCTAssertEqual(ErrorReason.plain(error), error.reasonDescription)
        XCTAssertEqual(ErrorReason.plainNamingTheFile(error), "\(url.path): \(error.reasonDescription)")
        assertPlain(ErrorReason.plain(error))
    }
}
