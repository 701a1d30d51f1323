import NEVRCapture
import NEVRCore
import XCTest

final class EchoReplayTimestampTests: XCTestCase {
    func testParsesByPositionWithAnySeparators() throws {
        let expected = Timestamp(.init(year: 2021, month: 11, day: 20, hour: 21, minute: 5, second: 33, nanosecond: 407_000_000))
        XCTAssertEqual(EchoReplayTimestamp.parse("2021/11/20 21:05:33.407"), expected)
        XCTAssertEqual(EchoReplayTimestamp.parse("2021.11.20 21.05.33.407"), expected)
        XCTAssertEqual(EchoReplayTimestamp.parse("2021-11-20T21:05:33,407"), expected)
    }

    func testFormatsExactlyAndRoundTripsEveryMillisecondEdge() throws {
        for text in ["2021/11/20 21:05:33.407", "2021/12/31 23:59:59.999", "2022/01/01 00:00:00.000",
                     "2020/02/29 12:00:00.001", "1970/01/01 00:00:00.000", "1969/12/31 23:59:59.999",
                     "1679/01/01 00:00:00.000", "2261/12/31 23:59:59.999"] {
            let t = try XCTUnwrap(EchoReplayTimestamp.parse(text), text)
            XCTAssertEqual(EchoReplayTimestamp.string(t), text)
            XCTAssertEqual(EchoReplayTimestamp.format(t).count, 23)
        }
        // No zone is applied: the wall-clock reading becomes the same epoch-based reading.
        XCTAssertEqual(EchoReplayTimestamp.parse("1970/01/01 00:00:01.500")?.nanosecondsSinceEpoch, 1_500_000_000)
        XCTAssertEqual(EchoReplayTimestamp.parse("1969/12/31 23:59:59.999")?.nanosecondsSinceEpoch, -1_000_000)
    }

    func testLeapSecondIsAcceptedAndLandsOnTheNextMinute() throws {
        let leap = try XCTUnwrap(EchoReplayTimestamp.parse("2016/12/31 23:59:60.500"))
        XCTAssertEqual(EchoReplayTimestamp.string(leap), "2017/01/01 00:00:00.500")
    }

    func testRejectsBadDigitsRangesAndLengths() {
        for bad in ["2021/13/20 21:05:33.407", "2021/00/20 21:05:33.407", "2021/04/31 21:05:33.407",
                    "2021/02/29 21:05:33.407", "1900/02/29 00:00:00.000", "2021/11/00 21:05:33.407",
                    "2021/11/20 24:05:33.407", "2021/11/20 21:60:33.407", "2021/11/20 21:05:61.407",
                    "2021/11/20 21:05:33.40x", "2O21/11/20 21:05:33.407", "2021/11/20 21:05:33.4",
                    "2021/11/20 21:05:33.4070", "", " 021/11/20 21:05:33.407", "2021/11/20 21:05:-3.407",
                    // Outside Timestamp's Int64-nanosecond span: refused, never a crash.
                    "0001/01/01 00:00:00.000", "1678/01/01 00:00:00.000", "2262/12/31 00:00:00.000", "9999/12/31 23:59:59.999"] {
            XCTAssertNil(EchoReplayTimestamp.parse(bad), bad)
        }
    }

    func testFormatDropsSubMillisecondsTowardThePast() {
        let t = Timestamp(nanosecondsSinceEpoch: 1_637_442_333_407_999_999)
        XCTAssertEqual(EchoReplayTimestamp.string(t), "2021/11/20 21:05:33.407")
    }
}
