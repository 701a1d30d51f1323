import Foundation
import NEVRTestSupport
import XCTest

/// Errors of the servers and network clients in the CLI's one format, `nevr: <address or URL>:
/// <reason>`, in plain words (no NIO `bind(descriptor:...)`/`errno` dumps, no Swift type names),
/// each from the real binary.
final class ErrorWordingCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-error-wording")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Text a user should never see: raw Foundation/NIO/WebSocket client descriptions.
    static let raw = ["bind(descriptor", "errno", "IOError", "NIO", "Error(", "Error Domain", "WebSocketClientError", "upgradeFailed"]

    func assertPlain(_ r: NEVRProcess.Output, file: StaticString = #filePath, line: UInt = #line) {
        for text in Self.raw { XCTAssertFalse(r.stderr.contains(text), "\(text) in \(r.stderr)", file: file, line: line) }
    }

    /// A taken port is named with its address and the way out (`--port`), by `hub`, `serve` and
    /// `overlay` (which names the one of its two ports that is taken); an address that is not
    /// this machine's says to check `--host`; the hub stopped with Ctrl-C prints its summary and
    /// no raw cancellation errors.
    func testServersOnATakenPortOrAForeignAddressSayWhy() throws {
        let hub = try RunningHub(in: dir)
        defer { hub.stop() }
        let taken = "nevr: 127.0.0.1:\(hub.port): cannot listen: the port is already in use (another server running? pick another with --port, or 0 for any free port)\n"

        let second = try NEVRProcess.run(["hub", "--port", "\(hub.port)"])
        XCTAssertEqual(second.status, 1, second.stderr)
        XCTAssertTrue(second.stderr.hasSuffix(taken) || second.stderr.contains(taken), second.stderr)
        assertPlain(second)

        let demo = try NEVRProcess.run(["demo", "--out", dir.path, "--duration", "30s", "--rate", "10"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let replay = dir.appendingPathComponent("demo.nevrcap").path
        let serve = try NEVRProcess.run(["serve", "--replay", replay, "--port", "\(hub.port)"])
        XCTAssertEqual(serve.status, 1, serve.stderr)
        XCTAssertTrue(serve.stderr.contains(taken), serve.stderr)
        assertPlain(serve)

        let overlayHTTP = try NEVRProcess.run(["overlay", "--replay", replay, "--port", "\(hub.port)", "--events-port", "0"])
        XCTAssertEqual(overlayHTTP.status, 1, overlayHTTP.stderr)
        XCTAssertTrue(overlayHTTP.stderr.contains(taken), overlayHTTP.stderr)
        assertPlain(overlayHTTP)
        let overlayEvents = try NEVRProcess.run(["overlay", "--replay", replay, "--port", "0", "--events-port", "\(hub.port)"])
        XCTAssertEqual(overlayEvents.status, 1, overlayEvents.stderr)
        XCTAssertTrue(overlayEvents.stderr.contains(taken), overlayEvents.stderr)
        assertPlain(overlayEvents)

        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        let foreign = try NEVRProcess.run(["hub", "--host", "192.0.2.1", "--port", "0"])
        XCTAssertEqual(foreign.status, 1, foreign.stderr)
        XCTAssertTrue(foreign.stderr.contains("nevr: 192.0.2.1:0: cannot listen: that address is not one of this machine's (check --host)"), foreign.stderr)
        assertPlain(foreign)
        // Stopping the hub with Ctrl-C prints its summary, not Hummingbird's raw cancellation errors.
        hub.stop()
        XCTAssertEqual(hub.process.terminationStatus, 0, hub.stderr)
        XCTAssertTrue(hub.stderr.contains("nevr hub: 0 frames in"), hub.stderr)
        for text in Self.raw + ["CancellationError", "HummingbirdCore"] { XCTAssertFalse(hub.stderr.contains(text), "\(text) in \(hub.stderr)") }
    }

    /// A hub started with `--token` refuses `overlay --hub` and `watch` without the token: both
    /// stop with exit 1 and say 401 and how to pass it (the overlay no longer retries forever
    /// with the URL printed twice).
    func testClientsRefusedByTheHubSay401AndHowToPassTheToken() throws {
        let hub = try RunningHub(["--token", "s3cret"], in: dir)
        defer { hub.stop() }
        let subscribe = hub.url + "/subscribe"
        let needs = "nevr: \(subscribe): the hub refused the connection: it needs a token (401 Unauthorized); pass it with --token TOKEN\n"

        let overlay = try NEVRProcess.run(["overlay", "--hub", subscribe, "--port", "0", "--events-port", "0"])
        XCTAssertEqual(overlay.status, 1, overlay.stderr)
        XCTAssertTrue(overlay.stderr.contains(needs), overlay.stderr)
        XCTAssertFalse(overlay.stderr.contains("\(subscribe): \(subscribe)"), overlay.stderr)
        XCTAssertFalse(overlay.stderr.contains("retrying"), overlay.stderr)
        assertPlain(overlay)

        let watch = try NEVRProcess.run(["watch", subscribe])
        XCTAssertEqual(watch.status, 1, watch.stderr)
        XCTAssertTrue(watch.stderr.contains(needs), watch.stderr)
        let wrong = try NEVRProcess.run(["watch", subscribe, "--token", "nope"])
        XCTAssertEqual(wrong.status, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("nevr: \(subscribe): the hub refused the token (401 Unauthorized)"), wrong.stderr)
        for r in [watch, wrong] { assertPlain(r) }
    }

    /// `overlay --game` and `overlay --hub` at an address where nothing listens say so once, as
    /// `nevr: <address>: connection refused (...)`, and keep serving and retrying (not one note
    /// per attempt, not silence) until stopped.
    func testOverlayWithAnUnreachableGameOrHubSaysSoOnceAndKeepsRetrying() throws {
        // Port 1 (tcpmux): nothing listens there on a test machine.
        for (source, address, hint) in [("--game", "127.0.0.1:1", "is the game running with its API enabled?"),
                                        ("--hub", "ws://127.0.0.1:1/subscribe", "is nevr hub running there?")] {
            let url = source == "--game" ? "http://127.0.0.1:1" : address
            let errURL = dir.appendingPathComponent("overlay-\(source.dropFirst(2)).stderr")
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let process = Process()
            process.executableURL = try NEVRProcess.binary()
            process.arguments = ["overlay", source, url, "--port", "0", "--events-port", "0"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errURL)
            try process.run()
            let expected = "nevr: \(address): connection refused (\(hint)); retrying until it answers\n"
            func stderr() -> String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
            let deadline = Date().addingTimeInterval(20)
            while !stderr().contains(expected), Date() < deadline, process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
            // Several more attempts go by (the backoff starts at 100 ms): still said once.
            Thread.sleep(forTimeInterval: 2)
            XCTAssertTrue(process.isRunning, "\(source): the overlay keeps serving and retrying\n\(stderr())")
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
            let text = stderr()
            XCTAssertEqual(text.components(separatedBy: expected).count - 1, 1, "\(source): said once\n\(text)")
            XCTAssertEqual(process.terminationStatus, 0, text)
            for raw in Self.raw { XCTAssertFalse(text.contains(raw), "\(raw) in \(text)") }
        }
    }

    /// `plot`, `clip` and `stats` errors are `nevr: <file>: <reason>` in words: a folder that does
    /// not exist is "no such file or folder", not Foundation's `Error Domain=NSCocoaErrorDomain
    /// Code=4 ...` dump or a line without the `nevr:` prefix.
    func testAnalysisCommandsSayPlainWordsForFileErrors() throws {
        let capture = dir.appendingPathComponent("m.nevrcap").path
        let sim = try NEVRProcess.run(["simulate", "--duration", "30s", "--rate", "10", "--out", capture])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        let missing = "/nonexistent-nevr-dir-\(UUID().uuidString)"
        let plot = try NEVRProcess.run(["plot", capture, "--kind", "heatmap", "--out", "\(missing)/x.svg"])
        XCTAssertEqual(plot.status, 1, plot.stderr)
        XCTAssertEqual(plot.stderr, "nevr: \(missing)/x.svg: no such file or folder\n")
        let clip = try NEVRProcess.run(["clip", capture, "\(missing)/c.nevrcap", "--from", "0", "--to", "5"])
        XCTAssertEqual(clip.status, 1, clip.stderr)
        XCTAssertTrue(clip.stderr.hasPrefix("nevr: \(missing)/c.nevrcap"), clip.stderr)
        let stats = try NEVRProcess.run(["stats", missing])
        XCTAssertEqual(stats.status, 1, stats.stderr)
        XCTAssertEqual(stats.stderr, "nevr: \(missing): no such file or folder\n")
        for r in [plot, clip, stats] {
            assertPlain(r)
            XCTAssertFalse(r.stderr.contains("UserInfo"), r.stderr)
        }
    }
}
