import Foundation
import NEVRHub
import NEVRNetworkTestSupport
import NEVRTestSupport
import XCTest

/// An independent WebSocket client (Python's `websockets`) subscribes and decodes the JSON
/// messages: the protocol is usable outside Swift.
final class PythonSubscriberTests: XCTestCase {
    static let script = """
        import asyncio, json, sys
        import websockets

        async def main(url, n):
            async with websockets.connect(url, max_size=None) as ws:
                header = json.loads(await ws.recv())
                assert header["type"] == "header", header
                out = {"match": header["match"], "created_at_ns": header["created_at_ns"], "frames": []}
                while len(out["frames"]) < n:
                    m = json.loads(await ws.recv())
                    if m["type"] != "frame":
                        continue
                    s = m["session"]
                    out["frames"].append([m["index"], m["timestamp_ns"], s["sessionid"], s["game_clock"],
                                          sum(len(t.get("players", [])) for t in s["teams"])])
                print(json.dumps(out))

        asyncio.run(asyncio.wait_for(main(sys.argv[1], int(sys.argv[2])), 30))
        """

    func testPythonWebsocketsSubscriberDecodesJSONMessages() async throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import websockets"]
        check.standardError = FileHandle.nullDevice
        do { try check.run() } catch { return XCTFail("python3 is missing: run scripts/bootstrap.sh") }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            return XCTFail("Python's websockets package is missing: run scripts/bootstrap.sh (pip install websockets)")
        }

        let hub = try await RunningHub.start(.init(port: 0, token: "py-token"))
        let n = 25
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", Self.script, hub.url("/subscribe?match=all&parts=session&token=py-token"), String(n)]
        let stdout = Pipe()
        let stderr = Pipe()
        python.standardOutput = stdout
        python.standardError = stderr
        try python.run()
        defer { if python.isRunning { python.terminate() } }
        try await waitUntil(.seconds(20), "python subscriber") { hub.hub.statistics.subscribers == 1 }

        var options = WebSocketCodec.Options()
        options.token = "py-token"
        let codec = try WebSocketCodec(url: hub.publishURL, options: options)
        for i in 0..<n { try codec.streamRaw(session: HubFrames.session(i), bones: nil, timestamp: HubFrames.timestamp(i)) }
        await codec.close()

        try await waitUntil(.seconds(30), "python exit") { !python.isRunning }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(python.terminationStatus, 0, err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: out) as? [String: Any], err)
        XCTAssertEqual(json["match"] as? String, HubFrames.matchID)
        XCTAssertEqual((json["created_at_ns"] as? NSNumber)?.int64Value, HubFrames.timestamp(0).nanosecondsSinceEpoch)
        let frames = try XCTUnwrap(json["frames"] as? [[Any]])
        XCTAssertEqual(frames.count, n)
        for (i, f) in frames.enumerated() {
            XCTAssertEqual((f[0] as? NSNumber)?.intValue, i)
            XCTAssertEqual((f[1] as? NSNumber)?.int64Value, HubFrames.timestamp(i).nanosecondsSinceEpoch)
            XCTAssertEqual(f[2] as? String, HubFrames.matchID)
            XCTAssertEqual((f[3] as? NSNumber)?.doubleValue ?? -1, 600 - Double(i) / 10, accuracy: 1e-9)
            XCTAssertEqual((f[4] as? NSNumber)?.intValue, 10, "10 players in the 2021 frame")
        }
        await hub.stop()
    }
}
