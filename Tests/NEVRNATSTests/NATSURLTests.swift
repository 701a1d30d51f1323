import XCTest

@testable import NEVRNATS

final class NATSURLTests: XCTestCase {
    func testParsesHostPortAndCredentials() throws {
        let plain = try NATSURL(parsing: "nats://127.0.0.1:4333")
        XCTAssertEqual(plain.endpoint, "127.0.0.1:4333")
        XCTAssertNil(plain.user)
        XCTAssertEqual(try NATSURL(parsing: "nats://example.org").port, 4222)
        let userPass = try NATSURL(parsing: "nats://al%40ice:p%3Ass@host:1/")
        XCTAssertEqual(userPass.user, "al@ice")
        XCTAssertEqual(userPass.password, "p:ss")
        XCTAssertEqual(userPass.host, "host")
        XCTAssertEqual(try NATSURL(parsing: "nats://s3cret@host:65535").token, "s3cret")
        let v6 = try NATSURL(parsing: "nats://[::1]:4222")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.endpoint, "[::1]:4222")
        XCTAssertEqual(userPass.description, "nats://host:1", "no credentials in the description")
    }

    func testRefusesBadURLs() {
        for text in ["http://h:1", "nats://", "nats://h:0", "nats://h:65536", "nats://h:99999999999999999999", "nats://h:-1", "nats://h:x",
                     "nats://h:1/path", "nats://u:p@:1", "nats://h h:1", "nats://%zz@h", "nats://[::1"] {
            XCTAssertThrowsError(try NATSURL(parsing: text), text) { error in
                guard case .invalidURL = error as? NATSError else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testErrorsNeverShowTheSecret() {
        XCTAssertThrowsError(try NATSURL(parsing: "nats://user:topsecret@h:70000")) { error in
            XCTAssertFalse("\(error)".contains("topsecret"), "\(error)")
        }
    }
}
