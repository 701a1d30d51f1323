import Foundation
import NEVRCore
import NEVRGameAPI
import NEVRHub

/// Where the overlay's frames come from.
public enum OverlaySource: Sendable {
    /// Poll the game API (`/session`, and `/player_bones` when asked) with the live recorder.
    case game(LiveRecorder.Options)
    /// Follow a hub (`ws://HOST:PORT/subscribe?...`), reconnecting with backoff; a refusal the hub
    /// explains (401: the token) or a bad URL ends the source with a ``StreamClientError``.
    case hub(url: String, token: String?)
    /// Play a recording in real time (scaled by `rate`, optionally looping).
    case replay(FramePlayback.Options, FramePlayback.SourceFactory)

    /// Runs the source into `feed` until cancelled (or, for a replay without looping, its end).
    /// `onNote` gets one-line status notes (reconnects, end of a replay). `onUnreachable` gets the
    /// address (`host:port` of the game, the hub's URL) and the plain reason when the game or hub
    /// cannot be reached, once per distinct reason until it answers again; the source keeps retrying.
    public func run(
        into feed: OverlayFeed, onNote: @escaping @Sendable (String) -> Void = { _ in },
        onUnreachable: @escaping @Sendable (_ address: String, _ reason: String) -> Void = { _, _ in }
    ) async throws {
        switch self {
        case .game(let options):
            let recorder = LiveRecorder(options: options, sink: OverlayFrameSink(feed: feed))
            let address = (try? ServiceURL(parsing: options.url, schemes: ServiceURL.httpSchemes)).map { "\($0.host):\($0.port)" } ?? options.url
            let watcher = Task { await Self.watch(recorder, address: address, onNote: onNote, onUnreachable: onUnreachable) }
            defer { watcher.cancel() }
            _ = try await recorder.run()
        case .hub(let url, let token):
            try await Self.follow(url: url, token: token, feed: feed, onNote: onNote, onUnreachable: onUnreachable)
        case .replay(let options, let factory):
            let store = CurrentFrameStore(onPublish: { feed.ingest($0) })
            let playback = FramePlayback(store: store, options: options, makeSource: factory)
            let summary = try await playback.run()
            // Stopped (Ctrl-C, or the other server failed): that is no end of the replay.
            if Task.isCancelled { return }
            onNote("end of the replay after \(summary.framesPublished) frames; serving the last state until stopped")
        }
    }

    /// Tells of the game being unreachable (the recorder retries quietly), once per reason, and
    /// of it answering again.
    private static func watch(
        _ recorder: LiveRecorder, address: String, onNote: @Sendable (String) -> Void,
        onUnreachable: @Sendable (String, String) -> Void
    ) async {
        var told: String?
        while !Task.isCancelled {
            let s = recorder.statistics
            switch s.state {
            case .gameUnreachable:
                if let reason = s.lastConnectionError, reason != told {
                    onUnreachable(address, reason + "; retrying until it answers")
                    told = reason
                }
            case .notInMatch, .recording:
                if told != nil { onNote("\(address): the game answers again") }
                told = nil
            case .starting, .stopped:
                break
            }
            do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
        }
    }

    private static func follow(
        url: String, token: String?, feed: OverlayFeed, onNote: @escaping @Sendable (String) -> Void,
        onUnreachable: @Sendable (String, String) -> Void
    ) async throws {
        var delay: Duration = .milliseconds(100)
        var told: String?
        while !Task.isCancelled {
            do {
                try await WebSocketSubscriber.run(url: url, token: token) { message in
                    switch message {
                    case .frame(let f):
                        if let session = f.sessionJSON {
                            feed.ingest(RawFrame(timestamp: f.timestamp, session: session, bones: f.bonesJSON))
                        } else if let typed = f.frame {
                            // A binary subscription: spell the typed frame as the game would.
                            feed.ingest(
                                RawFrame(
                                    timestamp: typed.timestamp, session: GameJSONWriter.bytes(typed.session),
                                    bones: typed.bones.map { GameJSONWriter.bytes($0) }))
                        }
                    case .dropped(let reason):
                        onNote("the hub dropped the overlay: \(reason); reconnecting")
                    case .error(let m):
                        onNote("hub: \(m)")
                    default:
                        break
                    }
                }
                delay = .milliseconds(100)
                told = nil
                onNote("the hub closed the connection; reconnecting")
            } catch is CancellationError {
                return
            } catch let refused as StreamClientError {
                // A bad URL or a refusal the hub explained (401: the token): retrying cannot help.
                throw refused
            } catch {
                if Task.isCancelled { return }
                // Once per reason, not once per attempt (the backoff retries several times a second).
                let reason = HubRefusal.describe(error, url: url, token: token)
                if reason != told { onUnreachable(url, reason + "; retrying until it answers") }
                told = reason
            }
            feed.ingest(nil)
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }
}

/// The live recorder's sink for the overlay: every polled frame goes into the feed; the end of
/// a segment (the game left the match) is Spark's `left_game`.
struct OverlayFrameSink: FrameSink {
    let feed: OverlayFeed

    func write(_ frame: PolledFrame) async throws {
        feed.ingest(frame.raw)
    }

    func endSegment() async throws {
        feed.ingest(nil)
    }
}
