import Foundation
import NEVRNetworkTestSupport
import XCTest

@testable import NEVRNATS

/// JetStream against a real `nats-server -js` (skipped, with a message, when it is not installed).
final class JetStreamIntegrationTests: XCTestCase {
    private func jetStream(_ server: NATSServerProcess) async throws -> (NATSClient, JetStream) {
        let client = try await NATSClient.connect(try NATSURL(parsing: server.url))
        return (client, JetStream(client))
    }

    private func take(_ count: Int, from iterator: inout JetStreamOrderedConsumer.AsyncIterator) async throws -> [JetStreamMessage] {
        var messages: [JetStreamMessage] = []
        while messages.count < count, let message = try await iterator.next() { messages.append(message) }
        return messages
    }

    func testPerSubjectLimitBacklogReplayThenLive() async throws {
        let server = try NATSServerProcess.start(for: self)
        let (client, js) = try await jetStream(server)
        let created = try await js.ensureStream(JetStreamStreamConfig(name: "MATCHES", subjects: ["nevr.match.>"], maxMessagesPerSubject: 5))
        XCTAssertEqual(created.maxMessagesPerSubject, 5)
        for i in 0..<8 {
            let ack = try await js.publish(Array("a\(i)".utf8), to: "nevr.match.a")
            XCTAssertEqual(ack.stream, "MATCHES")
            XCTAssertEqual(ack.sequence, UInt64(i + 1))
            XCTAssertFalse(ack.duplicate)
        }
        for i in 0..<2 { _ = try await js.publish(Array("b\(i)".utf8), to: "nevr.match.b") }
        let info = try await js.streamInfo("MATCHES")
        XCTAssertEqual(info.messages, 7, "5 of a (the per-subject limit) + 2 of b")
        XCTAssertEqual(info.lastSequence, 10)

        // Late subscriber: the backlog of a (the newest 5), then live messages.
        var iterator = try await js.orderedConsumer(stream: "MATCHES", subject: "nevr.match.a").makeAsyncIterator()
        let backlog = try await take(5, from: &iterator)
        XCTAssertEqual(backlog.map { String(decoding: $0.payload, as: UTF8.self) }, ["a3", "a4", "a5", "a6", "a7"])
        XCTAssertEqual(backlog.map(\.streamSequence), [4, 5, 6, 7, 8])
        XCTAssertEqual(backlog.last?.pending, 0)
        _ = try await js.publish(Array("b2".utf8), to: "nevr.match.b")
        _ = try await js.publish(Array("a8".utf8), to: "nevr.match.a")
        let live = try await take(1, from: &iterator)
        XCTAssertEqual(live.map { String(decoding: $0.payload, as: UTF8.self) }, ["a8"])
        XCTAssertEqual(live.first?.streamSequence, 12)
        XCTAssertEqual(iterator.resets, 0)

        // From a sequence: the first stored message of a at or after it.
        var fromSix = try await js.orderedConsumer(stream: "MATCHES", subject: "nevr.match.a", start: .sequence(6)).makeAsyncIterator()
        let tail = try await take(4, from: &fromSix)
        XCTAssertEqual(tail.map(\.streamSequence), [6, 7, 8, 12])
        await client.close()
    }

    func testMessageIDDeduplication() async throws {
        let server = try NATSServerProcess.start(for: self)
        let (client, js) = try await jetStream(server)
        _ = try await js.ensureStream(JetStreamStreamConfig(name: "DEDUP", subjects: ["d.>"], storage: .memory))
        let first = try await js.publish(Array("x".utf8), to: "d.1", messageID: "frame-1")
        let again = try await js.publish(Array("x".utf8), to: "d.1", messageID: "frame-1")
        let other = try await js.publish(Array("y".utf8), to: "d.1", messageID: "frame-2")
        XCTAssertFalse(first.duplicate)
        XCTAssertTrue(again.duplicate)
        XCTAssertEqual(again.sequence, first.sequence)
        XCTAssertEqual(other.sequence, first.sequence + 1)
        let info = try await js.streamInfo("DEDUP")
        XCTAssertEqual(info.messages, 2)
        var iterator = try await js.orderedConsumer(stream: "DEDUP", subject: "d.1").makeAsyncIterator()
        let stored = try await take(2, from: &iterator)
        XCTAssertEqual(stored.first?.headers?["Nats-Msg-Id"], "frame-1")
        await client.close()
    }

    func testEnsureStreamUpdatesLimitsAndByteAndAgeLimitsApply() async throws {
        let server = try NATSServerProcess.start(for: self)
        let (client, js) = try await jetStream(server)
        _ = try await js.ensureStream(JetStreamStreamConfig(name: "LIM", subjects: ["l.>"], maxMessagesPerSubject: 5))
        let same = try await js.ensureStream(JetStreamStreamConfig(name: "LIM", subjects: ["l.>"], maxMessagesPerSubject: 5))
        XCTAssertEqual(same.maxMessagesPerSubject, 5)
        let updated = try await js.ensureStream(
            JetStreamStreamConfig(name: "LIM", subjects: ["l.>"], maxMessagesPerSubject: 100, maxBytes: 2000, maxAge: .seconds(1)))
        XCTAssertEqual(updated.maxMessagesPerSubject, 100)
        XCTAssertEqual(updated.maxBytes, 2000)
        XCTAssertEqual(updated.maxAgeNanoseconds, 1_000_000_000)
        for _ in 0..<30 { _ = try await js.publish([UInt8](repeating: 7, count: 100), to: "l.x") }
        let full = try await js.streamInfo("LIM")
        XCTAssertLessThanOrEqual(full.bytes, 2000)
        XCTAssertGreaterThan(full.firstSequence, 1, "the oldest were removed for the byte limit")
        XCTAssertEqual(full.lastSequence, 30)
        try await Task.sleep(for: .milliseconds(2500))
        let aged = try await js.streamInfo("LIM")
        XCTAssertEqual(aged.messages, 0, "everything older than max_age is gone")
        try await js.deleteStream("LIM")
        do {
            _ = try await js.streamInfo("LIM")
            XCTFail("deleted stream still has info")
        } catch {
            guard case .jetStream(404, _, _) = error as? NATSError else { return XCTFail("\(error)") }
        }
        await client.close()
    }

    func testPublishWithoutStreamAndJetStreamDisabledAreClearErrors() async throws {
        let server = try NATSServerProcess.start(for: self, jetStream: false)
        let (client, js) = try await jetStream(server)
        do {
            _ = try await js.publish([1], to: "nowhere")
            XCTFail("publish without a stream succeeded")
        } catch {
            XCTAssertEqual(error as? NATSError, .noResponders(subject: "nowhere"))
        }
        do {
            _ = try await js.ensureStream(JetStreamStreamConfig(name: "S", subjects: ["s"]))
            XCTFail("stream created without JetStream")
        } catch {
            guard case .jetStream(503, _, let description) = error as? NATSError else { return XCTFail("\(error)") }
            XCTAssertTrue(description.contains("127.0.0.1:\(server.port)"), description)
        }
        do {
            _ = try await js.ensureStream(JetStreamStreamConfig(name: "bad.name", subjects: ["s"]))
            XCTFail("bad stream name accepted")
        } catch {
            guard case .invalidArgument = error as? NATSError else { return XCTFail("\(error)") }
        }
        await client.close()
    }

    /// A backlog much larger than one flow-control window, read slowly at first by a client
    /// with a small subscription buffer: every message exactly once, in order.
    func testLargeBacklogWithSmallBufferIsExactlyOnceInOrder() async throws {
        let server = try NATSServerProcess.start(for: self)
        let writer = try await NATSClient.connect(try NATSURL(parsing: server.url))
        let js = JetStream(writer)
        _ = try await js.ensureStream(JetStreamStreamConfig(name: "BIG", subjects: ["big.>"], maxMessagesPerSubject: 100_000))
        let count = 3000
        let payload = [UInt8](repeating: 0xAB, count: 2048)
        for i in 0..<count {
            _ = try await js.publish(payload + Array("#\(i)".utf8), to: "big.m")
        }
        var options = NATSClientOptions()
        options.subscriptionBufferLimit = 64
        let reader = try await NATSClient.connect(try NATSURL(parsing: server.url), options: options)
        var iterator = try await JetStream(reader).orderedConsumer(stream: "BIG", subject: "big.m").makeAsyncIterator()
        var sequences: [UInt64] = []
        while sequences.count < count, let message = try await iterator.next() {
            if sequences.count < 200 { try await Task.sleep(for: .milliseconds(1)) }
            XCTAssertEqual(Array(message.payload.suffix(from: 2048)), Array("#\(sequences.count)".utf8))
            sequences.append(message.streamSequence)
        }
        XCTAssertEqual(sequences, (1...UInt64(count)).map { $0 })
        print("NEVRNATSTests: 3000-message backlog read with a 64-message buffer; consumer resets: \(iterator.resets)")
        await reader.close()
        await writer.close()
    }

    /// `lastMessage` (STREAM.MSG.GET last_by_subj), `subjectCounts` (STREAM.INFO subjects_filter)
    /// and a consumer starting at a store time.
    func testLastMessageSubjectCountsAndStartTime() async throws {
        let server = try NATSServerProcess.start(for: self)
        let client = try await NATSClient.connect(try NATSURL(parsing: server.url))
        let js = JetStream(client)
        _ = try await js.ensureStream(JetStreamStreamConfig(name: "S", subjects: ["s.>"], maxMessagesPerSubject: 3))
        for i in 0..<5 { _ = try await js.publish(Array("a\(i)".utf8), to: "s.m.a") }
        _ = try await js.publish(Array("b0".utf8), to: "s.m.b")
        _ = try await js.publish(Array("h".utf8), to: "s.h.a")
        let last = try await js.lastMessage(stream: "S", subject: "s.m.a")
        XCTAssertEqual(last.map { String(decoding: $0.payload, as: UTF8.self) }, "a4")
        XCTAssertEqual(last?.subject, "s.m.a")
        let none = try await js.lastMessage(stream: "S", subject: "s.m.none")
        XCTAssertNil(none)
        let counts = try await js.subjectCounts(stream: "S", filter: "s.m.*")
        XCTAssertEqual(counts, ["s.m.a": 3, "s.m.b": 1], "per-subject limit 3 kept the newest three of a")

        try await Task.sleep(for: .milliseconds(50))
        let cut = Date()
        try await Task.sleep(for: .milliseconds(50))
        _ = try await js.publish(Array("a5".utf8), to: "s.m.a")
        var iterator = try await js.orderedConsumer(stream: "S", subject: "s.m.a", start: .time(cut)).makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertEqual(first.map { String(decoding: $0.payload, as: UTF8.self) }, "a5", "only what was stored after the start time")
        await client.close()
    }

    func testRFC3339HasFractionalSecondsInUTC() {
        XCTAssertEqual(JetStream.rfc3339(Date(timeIntervalSince1970: 1_637_442_333.407)), "2021-11-20T21:05:33.407Z")
    }
}
