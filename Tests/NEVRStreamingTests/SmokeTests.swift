import XCTest
import NEVRTestSupport

final class NEVRStreamingSmokeTests: XCTestCase {
    func testSharedDataIsBesideThePackage() throws {
        XCTAssertEqual(try SharedData.bytes(SharedData.frame2021).count, 13_684)
    }
}
