import Foundation
import NEVRCore
import NEVRHub
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// End-to-end over loopback: codec -> hub -> subscribers.
final class HubStreamingTests: XCTestCase {
    /// Publishes `count` frames (from `from`) and returns the sent session/bones bytes.
    /// Publishes in bursts of 5 frames every 10 ms (~500 frames/s): healthy readers keep up
    /// (even in a debug build on a busy machine), a stalled one cannot.
    func publishPaced(_ codec: WebSocketCodec, _ range: Range<Int>, bones: Bool = false) async throws {
        for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 5) {
            try publish(codec, chunk..<min(chunk + 5, range.upperBound), bones: bones)
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @discardableResult
    func publish(_ codec: WebSocketCodec, _ range: Range<Int>, bones: Bool = false) throws -> [(session: [UInt8], bones: [UInt8]?)] {
        var sent: [(session: [UInt8], bones: [UInt8]?)] = []
        for i in range {
            let s = HubFrames.session(i)
            let b = bones ? HubFrames.bones(i) : nil
            try codec.streamRaw(session: s, bones: b, timestamp: HubFrames.timestamp(i))
            sent.append((s, b))
        }
        return sent
    }

    func testEveryJSONSubscriberReceivesEveryFrameInOrderWithIdenticalContent() async throws {
        let hub = try await RunningHub.start()
        let all = Collector(url: hub.url("/subscribe?match=all"))
        let byMatch = Collector(url: hub.url("/subscribe?match=\(HubFrames.matchID)&format=json&parts=session,bones,events"))
        let sessionOnly = Collector(url: hub.url("/subscribe?parts=session"))
        try await waitUntil(.seconds(10), "3 subscribers") { hub.hub.statistics.subscribers == 3 }

        let codec = try WebSocketCodec(url: hub.publishURL)
        let n = 300
        let sent = try publish(codec, 0..<n, bones: true)
        let stats = await codec.close()
        XCTAssertEqual(stats.framesAcknowledged, n)
        XCTAssertEqual(stats.dropped, 0)

        for (name, c) in [("all", all), ("byMatch", byMatch), ("sessionOnly", sessionOnly)] {
            try await waitUntil(.seconds(10), "\(name) frames") { c.frames.count >= n }
            let frames = c.frames
            XCTAssertEqual(frames.count, n, name)
            XCTAssertEqual(c.headers.map(\.match), [HubFrames.matchID], name)
            // The header comes before the first frame.
            guard case .header = c.messages.first else { return XCTFail("\(name): first message is not the header") }
            for (i, f) in frames.enumerated() {
                XCTAssertEqual(f.index, UInt32(i), name)
                XCTAssertEqual(f.timestamp, HubFrames.timestamp(i), name)
                XCTAssertEqual(f.match, HubFrames.matchID, name)
                XCTAssertEqual(f.sessionJSON, sent[i].session, "\(name) frame \(i) session differs")
                if name == "sessionOnly" {
                    XCTAssertNil(f.bonesJSON, name)
                } else {
                    XCTAssertEqual(f.bonesJSON, sent[i].bones, "\(name) frame \(i) bones differ")
                }
            }
        }
        let hs = hub.hub.statistics
        XCTAssertEqual(hs.framesIn, n)
        XCTAssertEqual(hs.framesOut, 3 * n)
        for c in [all, byMatch, sessionOnly] { await c.stop() }
        await hub.stop()
    }

    func testSubscriberOfAnotherMatchGetsNothing() async throws {
        let hub = try await RunningHub.start()
        let other = Collector(url: hub.url("/subscribe?match=00000000-0000-0000-0000-000000000000"))
        let all = Collector(url: hub.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "2 subscribers") { hub.hub.statistics.subscribers == 2 }
        let codec = try WebSocketCodec(url: hub.publishURL)
        try publish(codec, 0..<20)
        await codec.close()
        try await waitUntil(.seconds(10), "frames") { all.frames.count == 20 }
        XCTAssertEqual(other.messages.count, 0)
        await other.stop()
        await all.stop()
        await hub.stop()
    }

    func testLateSubscriberGetsHeaderAndRingBufferBacklog() async throws {
        var config = HubServer.Configuration(port: 0)
        config.hub.ringCapacity = 50
        let hub = try await RunningHub.start(config)
        let codec = try WebSocketCodec(url: hub.publishURL)
        try publish(codec, 0..<100)  // 10 s of frames, 100 ms apart
        let stats = await codec.close()
        XCTAssertEqual(stats.framesAcknowledged, 100)

        // Last 2 s by frame time: frames 80...99 (the newest is 99; 79 is 2.0 s + 100 ms older).
        let recent = Collector(url: hub.url("/subscribe?match=\(HubFrames.matchID)&since=2"))
        // The whole ring: the newest 50 frames.
        let ring = Collector(url: hub.url("/subscribe?match=all&since=all"))
        // No since: the header only, then live frames.
        let live = Collector(url: hub.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "backlogs") { recent.frames.count == 21 && ring.frames.count == 50 }
        try await waitUntil(.seconds(10), "live header") { live.headers.count == 1 }

        XCTAssertEqual(recent.frames.map(\.index), Array(79...99).map(UInt32.init))
        XCTAssertEqual(ring.frames.map(\.index), Array(50...99).map(UInt32.init))
        for c in [recent, ring, live] {
            XCTAssertEqual(c.headers.count, 1)
            guard case .header(let h) = c.messages.first else { return XCTFail("backlog does not start with the header") }
            XCTAssertEqual(h.match, HubFrames.matchID)
            XCTAssertEqual(h.createdAt, HubFrames.timestamp(0))
        }
        XCTAssertEqual(ring.frames.last?.sessionJSON, HubFrames.session(99))
        XCTAssertEqual(live.frames.count, 0)

        // Live frames follow the backlog without a gap or a repeat.
        // The same stream resending frames 0...99 (a reconnect after a lost ack: same stream id) adds only frame 100.
        var sameStream = WebSocketCodec.Options()
        sameStream.streamID = codec.streamID
        let codec2 = try WebSocketCodec(url: hub.publishURL, options: sameStream)
        try publish(codec2, 0..<101)
        await codec2.close()
        XCTAssertEqual(hub.hub.statistics.duplicateFramesIn, 100)
        try await waitUntil(.seconds(10), "live frame") { ring.frames.count == 51 && live.frames.count == 1 }
        XCTAssertEqual(ring.frames.map(\.index), Array(50...100).map(UInt32.init))
        for c in [recent, ring, live] { await c.stop() }
        await hub.stop()
    }

    func testSubscriberThatStopsReadingIsDroppedWithoutSlowingOthers() async throws {
        var config = HubServer.Configuration(port: 0)
        config.hub.subscriberQueue = 128
        let hub = try await RunningHub.start(config)
        let stalled = Collector(url: hub.url("/subscribe?match=all"), stopAfter: 2)
        let a = Collector(url: hub.url("/subscribe?match=all"))
        let b = Collector(url: hub.url("/subscribe?match=all&parts=session"))
        try await waitUntil(.seconds(10), "3 subscribers") { hub.hub.statistics.subscribers == 3 }

        let codec = try WebSocketCodec(url: hub.publishURL)
        let n = 800  // ~12 MB of JSON: far more than the loopback socket buffers and the queue hold
        try await publishPaced(codec, 0..<n, bones: true)
        let stats = await codec.close(timeout: .seconds(30))
        XCTAssertEqual(stats.framesAcknowledged, n, "the publisher was held up")
        do {
            try await waitUntil(.seconds(90), "healthy subscribers") { a.frames.count == n && b.frames.count == n }
        } catch {
            XCTFail("healthy subscribers got \(a.frames.count) and \(b.frames.count) of \(n) frames; hub \(hub.hub.statistics)")
            throw error
        }
        XCTAssertEqual(a.frames.map(\.index), (0..<n).map(UInt32.init))
        XCTAssertEqual(b.frames.map(\.index), (0..<n).map(UInt32.init))
        try await waitUntil(.seconds(10), "drop") { hub.hub.statistics.subscribersDropped == 1 }
        try await waitUntil(.seconds(10), "drop") { hub.hub.statistics.subscribers == 2 }
        XCTAssertLessThan(stalled.frames.count, n)
        // No wall-clock bound here (it failed at 31.9 s against 30 s on the shared 2-core machine
        // at load 14): a stall of the others shows up as the publisher's missing acks or the
        // healthy subscribers' missing frames above.
        for c in [stalled, a, b] { await c.stop() }
        await hub.stop()
    }

    func testSkipAheadPolicyTellsTheSubscriberAndContinues() async throws {
        var config = HubServer.Configuration(port: 0)
        config.hub.subscriberQueue = 8
        config.hub.slowSubscriberPolicy = .skip
        let hub = try await RunningHub.start(config)
        let codec = try WebSocketCodec(url: hub.publishURL)
        let slow = Collector(url: hub.url("/subscribe?match=all"), stopAfter: 2)
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        try await publishPaced(codec, 0..<800, bones: true)
        await codec.close(timeout: .seconds(30))
        try await waitUntil(.seconds(10), "skips") { hub.hub.statistics.framesSkipped > 0 }
        XCTAssertEqual(hub.hub.statistics.subscribersDropped, 0)
        XCTAssertEqual(hub.hub.statistics.subscribers, 1, "a skipping subscriber stays connected")
        await slow.stop()
        await hub.stop()
    }

    func testClientSurvivesHubRestartWithoutLosingFrames() async throws {
        let first = try await RunningHub.start()
        let port = first.port
        let before = Collector(url: first.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "subscriber") { first.hub.statistics.subscribers == 1 }
        var options = WebSocketCodec.Options()
        options.reconnectDelay = .milliseconds(20)
        options.maxReconnectDelay = .milliseconds(200)
        let codec = try WebSocketCodec(url: first.publishURL, options: options)
        try publish(codec, 0..<50)
        try await waitUntil(.seconds(10), "first half acknowledged") { codec.statistics.framesAcknowledged == 50 }
        // An ack means the hub has the frame, not that the subscriber has read it yet:
        // let delivery finish before the restart, or the check below races the shutdown.
        try await waitUntil(.seconds(10), "first half delivered") { before.frames.count == 50 }
        await first.stop()
        await before.stop()
        try await waitUntil(.seconds(10), "disconnect") { !codec.statistics.isConnected }

        // Published while the hub is down: buffered.
        try publish(codec, 50..<100)
        XCTAssertEqual(codec.statistics.buffered, 50, "50 frames wait for the hub")

        var config = HubServer.Configuration(port: port)
        config.port = port
        let second = try await RunningHub.start(config)
        try await waitUntil(.seconds(15), "second half acknowledged") { codec.statistics.framesAcknowledged == 100 }
        let stats = await codec.close()
        XCTAssertEqual(stats.dropped, 0)
        XCTAssertGreaterThanOrEqual(stats.connections, 2)

        let after = Collector(url: second.url("/subscribe?match=all&since=all"))
        try await waitUntil(.seconds(10), "backlog") { after.frames.count == 50 }
        let indices = before.frames.map(\.index) + after.frames.map(\.index)
        XCTAssertEqual(indices, (0..<100).map(UInt32.init), "every frame arrived exactly once across the restart")
        XCTAssertEqual(after.frames.last?.sessionJSON, HubFrames.session(99))
        await after.stop()
        await second.stop()
    }

    func testBufferSpillsToFileThenDropsBeyondTheBound() async throws {
        // Nothing listens on this port: the codec buffers.
        let hub = try await RunningHub.start()
        let port = hub.port
        await hub.stop()
        var options = WebSocketCodec.Options()
        options.memoryBufferFrames = 10
        options.spillLimitBytes = 0
        let bounded = try WebSocketCodec(url: "ws://127.0.0.1:\(port)/publish", options: options)
        try publish(bounded, 0..<30)
        var st = bounded.statistics
        XCTAssertEqual(st.buffered, 10)
        XCTAssertEqual(st.dropped, 21, "header + 9 frames fit in memory; 21 frames are refused and counted")
        await bounded.close(timeout: .milliseconds(100))

        let dir = try SharedData.temporaryDirectory("nevr-spill")
        options.spillLimitBytes = 64 << 20
        options.spillDirectory = dir
        let spilling = try WebSocketCodec(url: "ws://127.0.0.1:\(port)/publish", options: options)
        try publish(spilling, 0..<30)
        st = spilling.statistics
        XCTAssertEqual(st.buffered, 31)
        XCTAssertEqual(st.spilled, 21)
        XCTAssertEqual(st.dropped, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 1, "one spill file")

        let revived = try await RunningHub.start(.init(port: port))
        let sub = Collector(url: revived.url("/subscribe?match=all&since=all"))
        try await waitUntil(.seconds(15), "spilled frames delivered") { spilling.statistics.framesAcknowledged == 30 }
        try await waitUntil(.seconds(10), "subscriber backlog") { sub.frames.count == 30 }
        XCTAssertEqual(sub.frames.map(\.index), (0..<30).map(UInt32.init))
        XCTAssertEqual(sub.frames.map(\.sessionJSON), (0..<30).map { HubFrames.session($0) })
        await spilling.close()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 0, "spill file removed")
        await sub.stop()
        await revived.stop()
    }

    func testWrongOrMissingTokenIsRefused() async throws {
        let hub = try await RunningHub.start(.init(port: 0, token: "s3cret"))
        // Plain HTTP: the status is 401.
        for (path, header) in [("/metrics", nil), ("/metrics", "Bearer wrong"), ("/subscribe", nil), ("/publish", "Bearer nope")] {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(hub.port)\(path)")!)
            if let header { request.setValue(header, forHTTPHeaderField: "Authorization") }
            let (_, response) = try await URLSession.shared.data(for: request)
            XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 401, "\(path) \(header ?? "no token")")
        }
        var ok = URLRequest(url: URL(string: "http://127.0.0.1:\(hub.port)/metrics?token=s3cret")!)
        ok.httpMethod = "GET"
        let (_, okResponse) = try await URLSession.shared.data(for: ok)
        XCTAssertEqual((okResponse as? HTTPURLResponse)?.statusCode, 200)
        let (_, health) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(hub.port)/healthz")!)
        XCTAssertEqual((health as? HTTPURLResponse)?.statusCode, 200, "/healthz needs no token")

        // WebSocket upgrades with a wrong or missing token fail.
        do {
            try await withTimeout(.seconds(10), "refused subscribe") {
                try await WebSocketSubscriber.run(url: hub.url("/subscribe?match=all"), token: "wrong") { _ in }
            }
            XCTFail("subscribe with a wrong token was accepted")
        } catch is TimeoutError {
            XCTFail("subscribe with a wrong token hung")
        } catch {}
        let refused = try WebSocketCodec(url: hub.publishURL)
        try publish(refused, 0..<3)
        try await waitUntil(.seconds(10), "refusal") { refused.statistics.lastError != nil }
        XCTAssertEqual(refused.statistics.connections, 0)
        XCTAssertEqual(hub.hub.statistics.framesIn, 0)
        await refused.close(timeout: .milliseconds(50))

        // The right token (header for the publisher, query parameter for the subscriber) works.
        let sub = Collector(url: hub.url("/subscribe?match=all&token=s3cret"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        var options = WebSocketCodec.Options()
        options.token = "s3cret"
        let codec = try WebSocketCodec(url: hub.publishURL, options: options)
        try publish(codec, 0..<3)
        await codec.close()
        try await waitUntil(.seconds(10), "frames") { sub.frames.count == 3 }
        await sub.stop()
        await hub.stop()
    }

    func testMetricsEndpointReportsTraffic() async throws {
        let hub = try await RunningHub.start()
        let sub = Collector(url: hub.url("/subscribe?match=all"))
        try await waitUntil(.seconds(10), "subscriber") { hub.hub.statistics.subscribers == 1 }
        let codec = try WebSocketCodec(url: hub.publishURL)
        try publish(codec, 0..<7)
        await codec.close()
        try await waitUntil(.seconds(10), "frames") { sub.frames.count == 7 }
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(hub.port)/metrics")!)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("nevr_hub_frames_in_total 7"), text)
        XCTAssertTrue(text.contains("nevr_hub_frames_out_total 7"), text)
        XCTAssertTrue(text.contains("nevr_hub_subscribers 1"), text)
        XCTAssertTrue(text.contains("nevr_hub_subscribers_dropped_total 0"), text)
        await sub.stop()
        await hub.stop()
    }

    func testBadSubscribeParametersAreRejected() async throws {
        let hub = try await RunningHub.start()
        for query in ["format=xml", "parts=session,wings", "since=-3", "since=soon"] {
            let (data, response) = try await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(hub.port)/subscribe?\(query)")!)
            XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 400, "\(query): \(String(decoding: data, as: UTF8.self))")
        }
        await hub.stop()
    }

    // MARK: issue 15: tokens, range-checked queries, values a binary subscriber cannot receive

    /// The status code the hub answers `request` with (raw socket: exactly what a client sees).
    private func status(_ port: Int, _ request: String) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { return -1 }
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buffer = [UInt8](repeating: 0, count: 256)
        var got = 0
        while got < 12 {
            let n = recv(fd, &buffer[got], buffer.count - got, 0)
            if n <= 0 { break }
            got += n
        }
        let line = String(decoding: buffer[0..<got], as: UTF8.self)
        guard line.hasPrefix("HTTP/1.1 "), let code = Int(line.dropFirst(9).prefix(3)) else { return -1 }
        return code
    }

    private func upgrade(_ path: String, bearer: String? = nil) -> String {
        var r = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        r += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let bearer { r += "Authorization: Bearer \(bearer)\r\n" }
        return r + "\r\n"
    }

    private func plainGet(_ path: String, bearer: String? = nil) -> String {
        var r = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let bearer { r += "Authorization: Bearer \(bearer)\r\n" }
        return r + "\r\n"
    }

    func testWrongTokensOfEveryLengthAreRefusedWith401OverHeaderAndQuery() async throws {
        for length in [1, 255, 256, 257, 1024] {
            let token = String((0..<length).map { i in Character(Unicode.Scalar(UInt8(0x61 + i % 26))) })
            var config = HubServer.Configuration(port: 0)
            config.token = token
            let hub = try await RunningHub.start(config)
            // Empty (the length-mod-256 bypass for 256 bytes), wrong case, one byte short or long.
            let wrong = ["", token.uppercased(), String(token.dropLast()), token + "a", String(repeating: "a", count: length % 256)]
            for offered in wrong where offered != token {
                for path in ["/publish", "/subscribe", "/metrics"] {
                    XCTAssertEqual(try status(hub.port, plainGet(path, bearer: offered)), 401, "length \(length), header, \(path), offered \(offered.count) bytes")
                    XCTAssertEqual(try status(hub.port, plainGet("\(path)?token=\(offered)")), 401, "length \(length), query, \(path), offered \(offered.count) bytes")
                }
                XCTAssertEqual(try status(hub.port, upgrade("/subscribe", bearer: offered)), 401, "length \(length), WebSocket upgrade")
                XCTAssertEqual(try status(hub.port, upgrade("/publish?token=\(offered)")), 401, "length \(length), WebSocket upgrade, query")
            }
            XCTAssertEqual(try status(hub.port, upgrade("/subscribe", bearer: token)), 101, "the right token upgrades")
            XCTAssertEqual(try status(hub.port, upgrade("/subscribe?token=\(token)")), 101)
            XCTAssertEqual(try status(hub.port, plainGet("/healthz")), 200)
            await hub.stop()
        }
    }

    func testOutOfRangeSinceIs400AndTheHubStaysUp() async throws {
        let hub = try await RunningHub.start()
        let codec = try WebSocketCodec(url: hub.publishURL)
        _ = try publish(codec, 0..<5)
        await codec.close()
        for bad in ["10000000000", "1e300", "-1", "inf", "nan", "1e3", "0x10"] {
            XCTAssertEqual(try status(hub.port, plainGet("/subscribe?since=\(bad)")), 400, "since=\(bad)")
            XCTAssertEqual(try status(hub.port, upgrade("/subscribe?since=\(bad)")), 400, "since=\(bad) (upgrade)")
        }
        let late = Collector(url: hub.url("/subscribe?since=1000000000"))
        try await waitUntil(.seconds(10), "the whole backlog") { late.frames.count == 5 }
        XCTAssertEqual(try status(hub.port, plainGet("/healthz")), 200, "still alive")
        await late.stop()
        await hub.stop()
    }

    func testHugePointsWithABinarySubscriberGiveAnErrorMessageNotACrash() async throws {
        let hub = try await RunningHub.start()
        let binary = Collector(url: hub.url("/subscribe?match=all&format=binary"))
        let json = Collector(url: hub.url("/subscribe?match=all&format=json"))
        try await waitUntil(.seconds(10), "2 subscribers") { hub.hub.statistics.subscribers == 2 }
        var text = String(decoding: HubFrames.session(0), as: UTF8.self)
        let r = try XCTUnwrap(text.range(of: #""blue_points":"#))
        let end = try XCTUnwrap(text[r.upperBound...].firstIndex(of: ","))
        text.replaceSubrange(r.upperBound..<end, with: "1e300")
        let codec = try WebSocketCodec(url: hub.publishURL)
        try codec.streamRaw(session: Array(text.utf8), bones: nil, timestamp: HubFrames.timestamp(0))
        try codec.streamRaw(session: HubFrames.session(1), bones: nil, timestamp: HubFrames.timestamp(1))
        await codec.close()
        try await waitUntil(.seconds(10), "json frames") { json.frames.count == 2 }
        try await waitUntil(.seconds(10), "binary error and the next frame") {
            binary.frames.count == 1 && binary.messages.contains { if case .error = $0 { return true } else { return false } }
        }
        let message = binary.messages.compactMap { if case .error(let m) = $0 { return m } else { return nil } }.first ?? ""
        XCTAssertTrue(message.contains("blue_points"), message)
        XCTAssertEqual(try status(hub.port, plainGet("/healthz")), 200)
        await binary.stop()
        await json.stop()
        await hub.stop()
    }

    func testConnectionLimitAndHandshakeTimeoutKeepTheHubAnswering() async throws {
        var config = HubServer.Configuration(port: 0)
        config.maxConnections = 20
        config.handshakeTimeout = .milliseconds(500)
        let hub = try await RunningHub.start(config)
        // 60 idle sockets (bounded, loopback): 20 are admitted, the other 40 closed on arrival.
        var fds: [Int32] = []
        defer { for fd in fds { close(fd) } }
        for _ in 0..<60 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(hub.port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fds.append(fd)
        }
        try await waitUntil(.seconds(10), "40 refusals") { hub.server.connectionCounts.refused >= 40 }
        // The admitted ones send nothing: the handshake timeout closes them, and /healthz gets through.
        try await waitUntil(.seconds(10), "20 handshake timeouts") { hub.server.connectionCounts.timedOut >= 20 }
        try await waitUntil(.seconds(10), "all slots free") { hub.server.connectionCounts.open == 0 }
        XCTAssertEqual(try status(hub.port, plainGet("/healthz")), 200)
        await hub.stop()
    }
}
