import Foundation
import NEVRNetworkTestSupport
import XCTest

@testable import NEVRNATS

/// The client against a real nats-server (skipped, with a message, when it is not installed).
final class NATSClientIntegrationTests: XCTestCase {
    private func connect(_ server: NATSServerProcess, options: NATSClientOptions = NATSClientOptions()) async throws -> NATSClient {
        try await NATSClient.connect(try NATSURL(parsing: server.url), options: options)
    }

    func testPublishSubscribeInOrderWithHeaders() async throws {
        let server = try NATSServerProcess.start(for: self)
        let client = try await connect(server)
        let info = await client.serverInfo
        XCTAssertTrue(info.headers)
        XCTAssertTrue(info.version.hasPrefix("2."), info.version)
        let subscription = try await client.subscribe(to: "nevr.test.*")
        try await client.publish(Array("one".utf8), to: "nevr.test.a")
        try await client.publish(Array("two".utf8), to: "nevr.test.b", replyTo: "reply.here", headers: NATSHeaders([("K", "v")]))
        try await client.publish([], to: "nevr.other")  // not matched
        try await client.publish(Array("three".utf8), to: "nevr.test.c")
        var received: [NATSMessage] = []
        for try await message in subscription {
            received.append(message)
            if received.count == 3 { break }
        }
        XCTAssertEqual(received.map(\.string), ["one", "two", "three"])
        XCTAssertEqual(received.map(\.subject), ["nevr.test.a", "nevr.test.b", "nevr.test.c"])
        XCTAssertEqual(received[1].replyTo, "reply.here")
        XCTAssertEqual(received[1].headers?["k"], "v")
        XCTAssertNil(received[0].headers)
        await client.close()
    }

    func testTwoConnectionsAndALargeMessage() async throws {
        let server = try NATSServerProcess.start(for: self)
        let a = try await connect(server)
        let b = try await connect(server)
        let subscription = try await b.subscribe(to: "big")
        try await b.flush()
        let payload = (0..<500_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await a.publish(payload, to: "big")
        var iterator = subscription.makeAsyncIterator()
        let message = try await iterator.next()
        XCTAssertEqual(message?.payload, payload)
        await a.close()
        await b.close()
    }

    func testRequestReplyNoRespondersAndTimeout() async throws {
        let server = try NATSServerProcess.start(for: self)
        let client = try await connect(server)
        let service = try await client.subscribe(to: "svc.upper")
        let responder = Task {
            for try await request in service {
                guard let reply = request.replyTo else { continue }
                try await client.publish(Array(request.string.uppercased().utf8), to: reply)
            }
        }
        let reply = try await client.request(Array("hello".utf8), to: "svc.upper")
        XCTAssertEqual(reply.string, "HELLO")
        let second = try await client.request(Array("again".utf8), to: "svc.upper", timeout: .seconds(2))
        XCTAssertEqual(second.string, "AGAIN")
        do {
            _ = try await client.request([], to: "svc.nobody")
            XCTFail("a request nobody serves succeeded")
        } catch {
            XCTAssertEqual(error as? NATSError, .noResponders(subject: "svc.nobody"))
        }
        let silent = try await client.subscribe(to: "svc.silent")
        let start = ContinuousClock.now
        do {
            _ = try await client.request([], to: "svc.silent", timeout: .milliseconds(300))
            XCTFail("a request nobody answers succeeded")
        } catch {
            XCTAssertEqual(error as? NATSError, .requestTimeout(subject: "svc.silent", milliseconds: 300))
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        await silent.unsubscribe()
        responder.cancel()
        await client.close()
    }

    func testRefusedConnectionNamesHostAndPort() async throws {
        let port = try NATSServerProcess.freePort()
        do {
            _ = try await NATSClient.connect(try NATSURL(parsing: "nats://127.0.0.1:\(port)"))
            XCTFail("connected to a port nothing listens on")
        } catch {
            guard case .connectionFailed(let endpoint, _) = error as? NATSError else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, "127.0.0.1:\(port)")
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
        }
    }

    func testMaxPayloadFromInfoIsEnforcedBeforeSending() async throws {
        let server = try NATSServerProcess.start(for: self, extraConfig: "max_payload: 1024")
        let client = try await connect(server)
        let maxPayload = await client.serverInfo.maxPayload
        XCTAssertEqual(maxPayload, 1024)
        let subscription = try await client.subscribe(to: "p")
        do {
            try await client.publish([UInt8](repeating: 1, count: 1025), to: "p")
            XCTFail("1025 bytes were sent")
        } catch {
            XCTAssertEqual(error as? NATSError, .payloadTooLarge(size: 1025, max: 1024))
        }
        // Headers count: 1000 payload bytes + 26 header bytes > 1024.
        do {
            try await client.publish([UInt8](repeating: 1, count: 1000), to: "p", headers: NATSHeaders([("Nats-Msg-Id", "x")]))
            XCTFail("headers plus payload over max_payload were sent")
        } catch {
            guard case .payloadTooLarge = error as? NATSError else { return XCTFail("\(error)") }
        }
        try await client.publish([UInt8](repeating: 2, count: 1024), to: "p")
        var iterator = subscription.makeAsyncIterator()
        let message = try await iterator.next()
        XCTAssertEqual(message?.payload.count, 1024, "the connection still works after the refusals")
        await client.close()
    }

    func testTokenAndUserPasswordAuthentication() async throws {
        let tokenServer = try NATSServerProcess.start(for: self, jetStream: false, extraConfig: "authorization { token: \"s3cret\" }")
        let good = try await NATSClient.connect(try NATSURL(parsing: "nats://s3cret@127.0.0.1:\(tokenServer.port)"))
        try await good.flush()
        await good.close()
        for bad in ["nats://wrong@127.0.0.1:\(tokenServer.port)", tokenServer.url] {
            do {
                _ = try await NATSClient.connect(try NATSURL(parsing: bad))
                XCTFail("\(bad) connected")
            } catch {
                guard case .serverError(let endpoint, let message) = error as? NATSError else { return XCTFail("\(bad): \(error)") }
                XCTAssertEqual(endpoint, "127.0.0.1:\(tokenServer.port)")
                XCTAssertTrue(message.lowercased().contains("authorization"), message)
            }
        }
        let userServer = try NATSServerProcess.start(for: self, jetStream: false, extraConfig: "authorization { user: hub, password: \"p@ss w\" }")
        let user = try await NATSClient.connect(try NATSURL(parsing: "nats://hub:p%40ss%20w@127.0.0.1:\(userServer.port)"))
        try await user.flush()
        await user.close()
        do {
            _ = try await NATSClient.connect(try NATSURL(parsing: "nats://hub:nope@127.0.0.1:\(userServer.port)"))
            XCTFail("wrong password connected")
        } catch {
            guard case .serverError = error as? NATSError else { return XCTFail("\(error)") }
        }
    }

    func testCloseEndsSubscriptionsAndRefusesFurtherUse() async throws {
        let server = try NATSServerProcess.start(for: self)
        let client = try await connect(server)
        let subscription = try await client.subscribe(to: "x")
        let reader = Task { () -> Int in
            var count = 0
            for try await _ in subscription { count += 1 }
            return count
        }
        try await client.publish([1], to: "x")
        try await client.flush()
        await client.close()
        let count = try await reader.value
        XCTAssertEqual(count, 1)
        let connected = await client.isConnected
        XCTAssertFalse(connected)
        do {
            try await client.publish([1], to: "x")
            XCTFail("published after close")
        } catch {
            XCTAssertEqual(error as? NATSError, .closed)
        }
    }

    func testServerDeathEndsSubscriptionWithAnErrorNamingTheServer() async throws {
        let server = try NATSServerProcess.start(for: self, jetStream: false)
        let client = try await connect(server)
        let subscription = try await client.subscribe(to: "x")
        try await client.flush()
        server.kill()
        do {
            for try await _ in subscription {}
            XCTFail("subscription ended without an error")
        } catch {
            guard case .connectionClosed(let endpoint, _) = error as? NATSError else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, "127.0.0.1:\(server.port)")
        }
        await client.close()
    }

    func testUnsubscribeEndsIteration() async throws {
        let server = try NATSServerProcess.start(for: self)
        let client = try await connect(server)
        let subscription = try await client.subscribe(to: "u")
        try await client.publish([7], to: "u")
        try await client.flush()
        await subscription.unsubscribe()
        try await client.publish([8], to: "u")
        try await client.flush()
        var payloads: [[UInt8]] = []
        for try await message in subscription { payloads.append(message.payload) }
        // Unsubscribing finishes the stream; what was delivered before may still be read, nothing after.
        XCTAssertTrue(payloads == [] || payloads == [[7]], "\(payloads)")
        await client.close()
    }

    func testSlowConsumerEndsWithAnErrorInsteadOfDropping() async throws {
        let server = try NATSServerProcess.start(for: self)
        var options = NATSClientOptions()
        options.subscriptionBufferLimit = 10
        let client = try await connect(server, options: options)
        let subscription = try await client.subscribe(to: "s")
        for i in 0..<50 { try await client.publish([UInt8(i)], to: "s") }
        try await client.flush()
        var payloads: [UInt8] = []
        do {
            for try await message in subscription { payloads.append(message.payload[0]) }
            XCTFail("no slow-consumer error")
        } catch {
            XCTAssertEqual(error as? NATSError, .slowConsumer(subject: "s", limit: 10))
        }
        XCTAssertEqual(payloads, Array(0..<10), "the first 10, in order, then the error")
        await client.close()
    }

    func testKeepalivePingsKeepAnIdleConnection() async throws {
        let server = try NATSServerProcess.start(for: self)
        var options = NATSClientOptions()
        options.pingInterval = .milliseconds(100)
        options.maxPingsOutstanding = 2
        let client = try await connect(server, options: options)
        try await Task.sleep(for: .milliseconds(700))
        let connected = await client.isConnected
        XCTAssertTrue(connected, "a server answering PONG keeps the connection")
        // A frozen server keeps the socket open but answers nothing: the keepalive notices.
        let subscription = try await client.subscribe(to: "k")
        server.pause()
        defer { server.resume() }
        do {
            for try await _ in subscription {}
            XCTFail("subscription ended without an error")
        } catch {
            guard case .timeout(let endpoint, _) = error as? NATSError else { return XCTFail("\(error)") }
            XCTAssertEqual(endpoint, "127.0.0.1:\(server.port)")
        }
        let stillConnected = await client.isConnected
        XCTAssertFalse(stillConnected)
        await client.close()
    }
}
