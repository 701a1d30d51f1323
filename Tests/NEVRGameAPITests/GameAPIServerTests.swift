import AsyncHTTPClient
import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

@testable import NEVRGameAPI
import NEVRNetworkTestSupport

final class GameAPIServerTests: XCTestCase {
    func testServesTheExactBytesOfARecordedFrame() async throws {
        let frame = RawFrame(timestamp: Timestamp(millisecondsSinceEpoch: 0), session: TestFrames.realFrame)
        let server = try await RunningServer.start()
        server.store.publish(frame)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let answer = try await httpGet(client, server.url + "/session")
        try await client.shutdown()
        await server.stop()

        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.contentType, "application/json")
        XCTAssertEqual(answer.body.count, 13_684)
        XCTAssertEqual(answer.body, TestFrames.realFrame)
    }

    func testAnswersTheNoMatchErrorObjectWithoutAMatch() async throws {
        let server = try await RunningServer.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let expected = Array(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8)
        for path in ["/session", "/player_bones"] {
            let answer = try await httpGet(client, server.url + path)
            XCTAssertEqual(answer.status, 500, path)
            XCTAssertEqual(answer.contentType, "application/json", path)
            XCTAssertEqual(answer.body, expected, path)
        }
        // A frame without bones: /session answers it, /player_bones keeps answering "no match".
        server.store.publish(RawFrame(timestamp: Timestamp(millisecondsSinceEpoch: 0), session: TestFrames.realFrame))
        let session = try await httpGet(client, server.url + "/session")
        let bones = try await httpGet(client, server.url + "/player_bones")
        // Back to no match (the end of a replay).
        server.store.publish(nil)
        let after = try await httpGet(client, server.url + "/session")
        try await client.shutdown()
        await server.stop()

        XCTAssertEqual(session.status, 200)
        XCTAssertEqual(bones.status, 500)
        XCTAssertEqual(bones.body, expected)
        XCTAssertEqual(after.status, 500)
        XCTAssertEqual(after.body, expected)
    }

    func testServesBonesOfTheSameFrame() async throws {
        let frames = TestFrames.sequence(3, bones: true)
        let server = try await RunningServer.start()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        for frame in frames {
            server.store.publish(frame)
            let session = try await httpGet(client, server.url + "/session")
            let bones = try await httpGet(client, server.url + "/player_bones")
            XCTAssertEqual(session.body, frame.session)
            XCTAssertEqual(bones.status, 200)
            XCTAssertEqual(bones.body, frame.bones)
        }
        try await client.shutdown()
        await server.stop()
    }

    /// 24 pollers hammer the server while playback swaps frames at 333 frames/s (3 s):
    /// every answer must be one whole published frame, and each poller must see
    /// frames in playback order (never an older frame after a newer one).
    func testManyConcurrentPollersGetConsistentAnswers() async throws {
        let frames = TestFrames.sequence(1000, interval: 0.003)
        let byBody = Dictionary(uniqueKeysWithValues: frames.enumerated().map { ($0.element.session, $0.offset) })
        let server = try await RunningServer.start()
        let playback = FramePlayback(store: server.store, options: .init(rate: 1)) { ArrayFrameSource(frames) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let url = server.url + "/session"

        let playing = Task { try await playback.run() }
        let results = try await withThrowingTaskGroup(of: (seen: [Int], noMatch: Int, bad: Int).self) { group in
            for _ in 0..<24 {
                group.addTask {
                    var seen: [Int] = []
                    var noMatch = 0
                    var bad = 0
                    for _ in 0..<40 {
                        let answer = try await httpGet(client, url)
                        if answer.status == 200, let index = byBody[answer.body] {
                            seen.append(index)
                        } else if answer.status == 500, answer.body == GameAPIResponse.noMatchBody {
                            noMatch += 1
                        } else {
                            bad += 1
                        }
                    }
                    return (seen, noMatch, bad)
                }
            }
            var all: [(seen: [Int], noMatch: Int, bad: Int)] = []
            for try await r in group { all.append(r) }
            return all
        }
        _ = try await playing.value
        try await client.shutdown()
        await server.stop()

        XCTAssertEqual(results.count, 24)
        XCTAssertEqual(results.reduce(0) { $0 + $1.bad }, 0, "answers that were not one whole published frame")
        var distinct = Set<Int>()
        for r in results {
            XCTAssertEqual(r.seen, r.seen.sorted(), "a poller saw an older frame after a newer one")
            distinct.formUnion(r.seen)
        }
        XCTAssertGreaterThan(distinct.count, 1, "playback never advanced during the test")
    }

    func testPlaybackPublishesEveryFrameInOrderThenAnswersNoMatch() async throws {
        let frames = TestFrames.sequence(50, interval: 0.002)
        let store = CurrentFrameStore()
        let recorder = PublishedFrames()
        let source = ObservingSource(frames: frames, observer: recorder)
        let playback = FramePlayback(store: store, options: .init(rate: 4)) { source }
        let summary = try await playback.run()
        XCTAssertEqual(summary, .init(framesPublished: 50, passes: 1))
        XCTAssertEqual(store.current.sequence, 51, "50 frames, then the no-match answer")
        XCTAssertNil(store.current.session)
        XCTAssertEqual(recorder.count, 50)
    }

    func testLoopingPlaybackStartsOverUntilCancelled() async throws {
        let frames = TestFrames.sequence(5, interval: 0.001)
        let store = CurrentFrameStore()
        let passes = PublishedFrames()
        let playback = FramePlayback(store: store, options: .init(rate: 1, loop: true)) { ArrayFrameSource(frames) }
        let task = Task { try await playback.run(onPassFinished: { _ in passes.increment() }) }
        try await waitUntil("three passes") { passes.count >= 3 }
        task.cancel()
        let summary = try await task.value
        XCTAssertGreaterThanOrEqual(summary.passes, 3)
        XCTAssertGreaterThanOrEqual(summary.framesPublished, 15)
        XCTAssertNotNil(store.current.session, "a cancelled loop leaves the last frame up")
    }

    func testPlaybackRejectsAnEmptySourceAndABadRate() async throws {
        let empty = FramePlayback(store: CurrentFrameStore()) { ArrayFrameSource([]) }
        do {
            try await empty.run()
            XCTFail("an empty source must be an error")
        } catch let error as FramePlayback.PlaybackError {
            XCTAssertEqual(error.description, "the source has no frames")
        }
        let bad = FramePlayback(store: CurrentFrameStore(), options: .init(rate: 0)) { ArrayFrameSource([]) }
        do {
            try await bad.run()
            XCTFail("rate 0 must be an error")
        } catch let error as FramePlayback.PlaybackError {
            XCTAssertEqual(error.description, "invalid playback rate 0.0 (must be > 0)")
        }
    }
}

/// A thread-safe counter.
final class PublishedFrames: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() {
        lock.lock()
        value += 1
        lock.unlock()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

/// A source that counts the frames taken from it.
struct ObservingSource: GameFrameSource, Sendable {
    var inner: ArrayFrameSource
    let observer: PublishedFrames
    init(frames: [RawFrame], observer: PublishedFrames) {
        inner = ArrayFrameSource(frames)
        self.observer = observer
    }
    mutating func next() -> RawFrame? {
        let f = inner.next()
        if f != nil { observer.increment() }
        return f
    }
}

final class ReplaySourceTests: XCTestCase {
    /// A `.nevrcap` made from real-frame variants plays back as game JSON that reads as the
    /// same frames (session id, clock, players), in order, over HTTP.
    func testNevrcapReplayIsServedAsGameJSON() async throws {
        let frames = TestFrames.sequence(30, interval: 0.002)
        let url = try SharedData.temporaryDirectory("nevr-serve-cap").appendingPathComponent("fixture.nevrcap")
        let writer = try NevrcapWriter(url: url, header: NevrcapHeader(captureID: TestFrames.realSessionID))
        var processor = FrameProcessor()
        for f in frames { try writer.write(try processor.process(session: f.session, bones: nil, timestamp: f.timestamp)) }
        try writer.close()

        let source = try NevrcapFrameSource(url: url)
        var served: [RawFrame] = []
        while let f = try source.next() { served.append(f) }
        XCTAssertEqual(served.count, frames.count)
        XCTAssertEqual(served.map(\.timestamp), frames.map(\.timestamp))
        for (s, f) in zip(served, frames) {
            let got = try GameJSONReader.parseSession(s.session)
            let want = try GameJSONReader.parseSession(f.session)
            XCTAssertEqual(got.sessionID, want.sessionID)
            XCTAssertEqual(got.gameClock, want.gameClock)
            XCTAssertEqual(got.playerCount, want.playerCount)
            XCTAssertNil(s.bones)
        }

        let server = try await RunningServer.start()
        let playback = FramePlayback(store: server.store) { try NevrcapFrameSource(url: url) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let playing = Task { try await playback.run() }
        try await waitUntil("a frame is served") { server.store.current.session != nil }
        let answer = try await httpGet(client, server.url + "/session")
        _ = try await playing.value
        try await client.shutdown()
        await server.stop()
        XCTAssertEqual(answer.status, 200)
        XCTAssertTrue(served.contains { $0.session == answer.body }, "the server answers the source's bytes")
    }

    func testEchoReplaySourceReadsRecordedBytesUnchanged() throws {
        let frames = TestFrames.sequence(20, bones: true)
        let url = try SharedData.temporaryDirectory("nevr-serve-er").appendingPathComponent("fixture.echoreplay")
        let writer = try EchoReplayWriter(url: url)
        for f in frames { try writer.write(timestamp: f.timestamp, session: f.session, bones: f.bones) }
        try writer.close()
        let source = try EchoReplayFrameSource(url: url)
        var read: [RawFrame] = []
        while let f = try source.next() { read.append(f) }
        XCTAssertEqual(read.map(\.session), frames.map(\.session))
        XCTAssertEqual(read.map(\.bones), frames.map(\.bones))
        XCTAssertEqual(read.map(\.timestamp), frames.map { Timestamp(millisecondsSinceEpoch: $0.timestamp.milliseconds) })
        XCTAssertEqual(source.skippedCount, 0)
    }
}
