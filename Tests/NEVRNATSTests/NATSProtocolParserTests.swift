import NEVRTestSupport
import NIOCore
import XCTest

@testable import NEVRNATS

/// The parser on its own (no server): every split of a stream of operations, oversized
/// lines and messages, garbage.
final class NATSProtocolParserTests: XCTestCase {
    /// A server byte stream with every operation kind, written by hand from the protocol text.
    static let stream: [UInt8] = Array(
        ("INFO {\"server_id\":\"S1\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"headers\":true,\"jetstream\":true}\r\n"
            + "PING\r\n" + "PONG\r\n" + "+OK\r\n"
            + "MSG foo.bar 9 11\r\nhello world\r\n"
            + "MSG foo.bar 12 reply.to 0\r\n\r\n"
            + "HMSG x 3 _INBOX.a 36 38\r\nNATS/1.0\r\nNats-Msg-Id: m1\r\nA:  b\r\n\r\nhi\r\n"
            + "HMSG y 4 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
            + "HMSG z 5 $JS.FC.x 36 36\r\nNATS/1.0 100 FlowControl Request\r\n\r\n\r\n"
            + "msg lower 1 3\r\n\r\nx\r\n"
            + "-ERR 'Authorization Violation'\r\n").utf8)

    static func expected() -> [NATSServerOperation] {
        var fc = NATSHeaders()
        fc.status = 100
        fc.statusDescription = "FlowControl Request"
        var noResponders = NATSHeaders()
        noResponders.status = 503
        return [
            .info(NATSServerInfo(serverID: "S1", version: "2.9.10", maxPayload: 1_048_576, headers: true, jetStream: true)),
            .ping, .pong, .ok,
            .message(NATSMessage(subject: "foo.bar", sid: 9, payload: Array("hello world".utf8))),
            .message(NATSMessage(subject: "foo.bar", sid: 12, replyTo: "reply.to", payload: [])),
            .message(NATSMessage(subject: "x", sid: 3, replyTo: "_INBOX.a", headers: NATSHeaders([("Nats-Msg-Id", "m1"), ("A", "b")]), payload: Array("hi".utf8))),
            .message(NATSMessage(subject: "y", sid: 4, headers: noResponders, payload: [])),
            .message(NATSMessage(subject: "z", sid: 5, replyTo: "$JS.FC.x", headers: fc, payload: [])),
            .message(NATSMessage(subject: "lower", sid: 1, payload: Array("\r\nx".utf8))),
            .error("Authorization Violation"),
        ]
    }

    private func drain(_ parser: inout NATSProtocolParser, into ops: inout [NATSServerOperation]) throws {
        while let op = try parser.next() { ops.append(op) }
    }

    func testWholeStream() throws {
        var parser = NATSProtocolParser()
        parser.append(Self.stream)
        var ops: [NATSServerOperation] = []
        try drain(&parser, into: &ops)
        XCTAssertEqual(ops, Self.expected())
        XCTAssertEqual(parser.bufferedBytes, 0)
    }

    /// Split into two parts at every byte boundary: the same operations.
    func testEverySplitPoint() throws {
        let expected = Self.expected()
        for cut in 0...Self.stream.count {
            var parser = NATSProtocolParser()
            var ops: [NATSServerOperation] = []
            parser.append(Self.stream[..<cut])
            try drain(&parser, into: &ops)
            parser.append(Self.stream[cut...])
            try drain(&parser, into: &ops)
            XCTAssertEqual(ops, expected, "split at \(cut)")
        }
    }

    /// One byte at a time: the same operations, and nothing is returned early.
    func testByteByByte() throws {
        var parser = NATSProtocolParser()
        var ops: [NATSServerOperation] = []
        for byte in Self.stream {
            parser.append([byte])
            try drain(&parser, into: &ops)
        }
        XCTAssertEqual(ops, Self.expected())
    }

    func testInfoSetsMaxPayloadAndBiggerMessageIsRefused() throws {
        var parser = NATSProtocolParser()
        parser.append(Array("INFO {\"max_payload\":16}\r\nMSG a 1 16\r\n0123456789abcdef\r\n".utf8))
        guard case .info(let info) = try parser.next() else { return XCTFail("no INFO") }
        XCTAssertEqual(info.maxPayload, 16)
        XCTAssertEqual(parser.maxPayload, 16)
        guard case .message(let m) = try parser.next() else { return XCTFail("no MSG") }
        XCTAssertEqual(m.payload.count, 16)
        // 17 bytes announced: refused before any of the payload is waited for.
        parser.append(Array("MSG a 1 17\r\n".utf8))
        XCTAssertThrowsError(try parser.next()) { error in
            XCTAssertEqual(error as? NATSProtocolError, .payloadTooLarge(size: 17, limit: 16))
        }
        // Poisoned: the same error again, whatever follows.
        parser.append(Array("PING\r\n".utf8))
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual($0 as? NATSProtocolError, .payloadTooLarge(size: 17, limit: 16)) }
    }

    func testInfoCannotRaiseAboveCeiling() throws {
        var parser = NATSProtocolParser(payloadCeiling: 1000)
        parser.append(Array("INFO {\"max_payload\":99999999999}\r\n".utf8))
        _ = try parser.next()
        XCTAssertEqual(parser.maxPayload, 1000)
    }

    func testHugeSizeNumbersAreRefusedNotConverted() {
        for line in ["MSG a 1 99999999999999999999999\r\n", "MSG a 1 -5\r\n", "HMSG a 1 20 10\r\n", "HMSG a 1 5 10\r\n", "MSG a 99999999999999999999 1\r\n"] {
            var parser = NATSProtocolParser()
            parser.append(Array(line.utf8))
            XCTAssertThrowsError(try parser.next(), line) { error in
                guard case .malformed = error as? NATSProtocolError else { return XCTFail("\(line): \(error)") }
            }
        }
    }

    func testOverlongLineIsRefusedWithoutWaitingForItsEnd() {
        var parser = NATSProtocolParser(maxLineLength: 100)
        parser.append([UInt8](repeating: UInt8(ascii: "A"), count: 101))
        XCTAssertNoThrow(try parser.next())  // 101 bytes could still end in "\r\n"... within 100+1.
        parser.append([UInt8(ascii: "A")])
        XCTAssertThrowsError(try parser.next()) { XCTAssertEqual($0 as? NATSProtocolError, .lineTooLong(limit: 100)) }
        XCTAssertEqual(parser.bufferedBytes, 0, "nothing kept after the error")
    }

    func testLongestAcceptedLine() throws {
        var parser = NATSProtocolParser(maxLineLength: 100)
        let info = "INFO {\"server_id\":\"" + String(repeating: "x", count: 100 - 21) + "\"}"
        XCTAssertEqual(info.utf8.count, 100)
        parser.append(Array((info + "\r\n").utf8))
        guard case .info(let parsed) = try parser.next() else { return XCTFail("not accepted") }
        XCTAssertEqual(parsed.serverID.count, 79)
    }

    func testPayloadNotFollowedByCRLF() {
        var parser = NATSProtocolParser()
        parser.append(Array("MSG a 1 2\r\nabXY".utf8))
        XCTAssertThrowsError(try parser.next()) { error in
            guard case .malformed = error as? NATSProtocolError else { return XCTFail("\(error)") }
        }
    }

    func testGarbageLines() {
        let garbage = [
            "HELLO\r\n", "MSG\r\n", "MSG a\r\n", "MSG a b 1\r\n", "MSG a 1 2 3 4\r\n", "PING x\r\n", "INFO nope\r\n",
            "HMSG a 1 12 12\r\nXXXX/1.0\r\n\r\n\r\n", "MSG a\u{1} 1 0\r\n\r\n", "\r\n",
        ]
        for text in garbage {
            var parser = NATSProtocolParser()
            parser.append(Array(text.utf8))
            XCTAssertThrowsError(try parser.next(), text.debugDescription)
        }
    }

    /// Random bytes and random mutations of the valid stream: never a crash, always an
    /// operation, nil or an error, and memory stays bounded by the limits.
    func testRandomGarbageNeverCrashes() {
        var rng = SeededGenerator(seed: 0x5eed)
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = Self.stream
                for _ in 0..<(1 + Int(rng.next() % 6)) {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            var parser = NATSProtocolParser(maxLineLength: 256, maxPayload: 512)
            var offset = 0
            var failed = false
            while offset < bytes.count && !failed {
                let step = 1 + Int(rng.next() % 40)
                parser.append(bytes[offset..<min(bytes.count, offset + step)])
                offset += step
                do { while try parser.next() != nil {} } catch { failed = true }
                XCTAssertLessThanOrEqual(parser.bufferedBytes, 256 + 2 + 2048 + 2, "round \(round)")
            }
        }
    }

    func testHeadersRoundTrip() throws {
        var headers = NATSHeaders([("Nats-Msg-Id", "abc"), ("X", "y z")])
        headers.append("Empty", "")
        let encoded = try headers.encoded()
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "NATS/1.0\r\nNats-Msg-Id: abc\r\nX: y z\r\nEmpty: \r\n\r\n")
        XCTAssertEqual(NATSHeaders.parse(encoded[...]), headers)
        XCTAssertEqual(headers["nats-msg-id"], "abc")
        XCTAssertThrowsError(try NATSHeaders([("Bad Name", "v")]).encoded())
        XCTAssertThrowsError(try NATSHeaders([("N", "v\r\nInjected: 1")]).encoded())
    }

    func testDeliveryInfoFromReplySubject() throws {
        let v1 = try XCTUnwrap(JetStreamDeliveryInfo(replySubject: "$JS.ACK.MATCHES.c1.1.42.7.1700000000000000000.3"))
        XCTAssertEqual(v1.stream, "MATCHES")
        XCTAssertEqual(v1.consumer, "c1")
        XCTAssertEqual(v1.streamSequence, 42)
        XCTAssertEqual(v1.consumerSequence, 7)
        XCTAssertEqual(v1.pending, 3)
        let v2 = try XCTUnwrap(JetStreamDeliveryInfo(replySubject: "$JS.ACK.hub.ACCHASH.MATCHES.c1.1.42.7.1700000000000000000.3.tok"))
        XCTAssertEqual(v2.streamSequence, 42)
        XCTAssertEqual(v2.consumerSequence, 7)
        XCTAssertNil(JetStreamDeliveryInfo(replySubject: "$JS.ACK.S.c.1.x.7.1.3"))
        XCTAssertNil(JetStreamDeliveryInfo(replySubject: "$JS.ACK.S.c.1.99999999999999999999999.7.1.3"))
        XCTAssertNil(JetStreamDeliveryInfo(replySubject: "_INBOX.x"))
    }
}
