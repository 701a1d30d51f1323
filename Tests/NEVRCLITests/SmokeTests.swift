import XCTest
import NEVRTestSupport

final class NEVRCLISmokeTests: XCTestCase {
    func testSharedDataIsBesideThePackage() throws {
        XCTAssertEqual(try SharedData.bytes(SharedData.frame2021).count, 13_684)
    }
}
