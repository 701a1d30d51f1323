import AsyncHTTPClient
import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import NIOCore
import XCTest

import NEVRGameAPI

/// Frames for loopback tests, made from the real 2021 frame.
public enum TestFrames {
    public static let realFrame: [UInt8] = try! SharedData.bytes(SharedData.frame2021)
    public static let realSessionID = "892E23E2-8272-4B07-85E8-5E291AC85F93"

    /// The real frame with `game_clock` set to `index` (so every frame's bytes are
    /// distinct and say their position) and `sessionid` replaced by `sessionID`.
    public static func frame(_ index: Int, sessionID: String = realSessionID) -> [UInt8] {
        var text = String(decoding: realFrame, as: UTF8.self)
        text = text.replacingOccurrences(of: #""game_clock":600.0"#, with: #""game_clock":\#(index).0"#)
        text = text.replacingOccurrences(of: realSessionID, with: sessionID)
        return Array(text.utf8)
    }

    /// `count` frames `interval` apart starting at a fixed instant.
    public static func sequence(_ count: Int, interval: Double = 1.0 / 60, sessionID: String = realSessionID, bones: Bool = false)
        -> [RawFrame]
    {
        let start = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
        return (0..<count).map { i in
            RawFrame(
                timestamp: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64(Double(i) * interval * 1e9)),
                session: frame(i, sessionID: sessionID),
                bones: bones ? Array(#"{"user_bones":[{"bone_t":[0.0,\#(i).0,0.0],"playerid":0,"bone_o":[0.0,0.0,0.0,1.0]}],"err_code":0}"#.utf8) : nil)
        }
    }

    /// The `game_clock` value written by ``frame(_:sessionID:)``.
    public static func index(of body: [UInt8]) -> Int? {
        let text = String(decoding: body, as: UTF8.self)
        guard let r = text.range(of: #""game_clock":"#) else { return nil }
        let digits = text[r.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}

/// A game-API server running in this process on a free port.
public final class RunningServer: @unchecked Sendable {
    public let port: Int
    public let store: CurrentFrameStore
    private let task: Task<Void, any Error>

    private init(port: Int, store: CurrentFrameStore, task: Task<Void, any Error>) {
        self.port = port
        self.store = store
        self.task = task
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a server (port 0: a free one) and waits until it accepts connections.
    public static func start(store: CurrentFrameStore = CurrentFrameStore(), port: Int = 0) async throws -> RunningServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = GameAPIServer(store: store, options: .init(host: "127.0.0.1", port: port))
        let task = Task {
            defer { continuation.finish() }
            try await server.run { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            let result = await task.result
            throw NSError(domain: "RunningServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(result)"])
        }
        return RunningServer(port: bound, store: store, task: task)
    }

    /// Stops the server and waits until it has let go of the port.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A free TCP port on 127.0.0.1 (bound to port 0, then released).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EBADF) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    let named = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    guard named == 0 else { throw POSIXError(.EINVAL) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// One GET over a shared client: status, content type and body.
public struct HTTPAnswer {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
}

public func httpGet(_ client: HTTPClient, _ url: String) async throws -> HTTPAnswer {
    let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 1 << 24)
    return HTTPAnswer(
        status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
        body: Array(body.readableBytesView))
}

/// Waits until `condition` holds, checking every 20 ms, failing the test after `timeout` seconds.
public func waitUntil(
    _ what: String, timeout: Double = 15, file: StaticString = #filePath, line: UInt = #line,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    XCTFail("timed out after \(timeout) s waiting for: \(what)", file: file, line: line)
    throw CancellationError()
}

/// A plain-text `.echoreplay` line split into its columns.
public struct RecordedLine {
    public var timestamp: Timestamp
    public var session: [UInt8]
    public var bones: [UInt8]?
}

/// Reads a plain-text `.echoreplay` written by the recorder, checking the line format strictly.
public func readRecordedLines(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [RecordedLine] {
    let data = try [UInt8](Data(contentsOf: url))
    XCTAssertFalse(data.starts(with: [0x50, 0x4B]), "expected a plain-text recording", file: file, line: line)
    var lines: [RecordedLine] = []
    var start = 0
    var i = 0
    while i < data.count {
        if data[i] == 0x0A {
            XCTAssertTrue(i > start && data[i - 1] == 0x0D, "line \(lines.count + 1) does not end in CRLF", file: file, line: line)
            let columns = data[start..<(i - 1)].split(separator: 0x09, omittingEmptySubsequences: false)
            XCTAssertTrue(columns.count == 2 || columns.count == 3, "line \(lines.count + 1) has \(columns.count) columns", file: file, line: line)
            guard let ts = parseEchoReplayTimestamp(Array(columns[0])) else {
                XCTFail("line \(lines.count + 1): bad timestamp \(String(decoding: columns[0], as: UTF8.self))", file: file, line: line)
                throw CancellationError()
            }
            lines.append(RecordedLine(timestamp: ts, session: Array(columns[1]), bones: columns.count == 3 ? Array(columns[2]) : nil))
            start = i + 1
        }
        i += 1
    }
    XCTAssertEqual(start, data.count, "the file ends in an incomplete line", file: file, line: line)
    return lines
}

/// `yyyy/MM/dd HH:mm:ss.fff` (the test's own oracle, independent of the writer).
public func parseEchoReplayTimestamp(_ b: [UInt8]) -> Timestamp? {
    guard b.count == 23 else { return nil }
    let text = String(decoding: b, as: UTF8.self)
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy/MM/dd HH:mm:ss.SSS"
    guard let date = f.date(from: text) else { return nil }
    return Timestamp(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
}

/// The recorded files in `directory`, sorted by name.
public func recordedFiles(_ directory: URL, extension ext: String = "echoreplay") throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == ext }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// Every record of a recording, read with the project's reader, which must skip nothing.
public func readRecording(_ url: URL, expectZipped: Bool, file: StaticString = #filePath, line: UInt = #line) throws -> [EchoReplayRecord] {
    let reader = try EchoReplayReader(url: url)
    var records: [EchoReplayRecord] = []
    while let r = try reader.next() { records.append(r) }
    XCTAssertEqual(reader.isZipped, expectZipped, "zipped", file: file, line: line)
    XCTAssertEqual(reader.skippedCount, 0, "bad lines: \(reader.skipped)", file: file, line: line)
    return records
}
