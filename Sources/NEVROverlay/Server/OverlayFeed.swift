import Foundation
import NEVRCore
import NEVRGameAPI
import NEVRHub
import NIOConcurrencyHelpers

/// The overlay's single entry point for frames, whatever their source (game API, hub,
/// replay): parses and detects events once (``FrameProcessor``), updates the
/// ``OverlayState`` the Spark endpoints answer from, publishes the frame with its events into
/// the in-process hub (our pages' WebSocket feed, the hub's own message format), and fans the
/// Spark messages out to the event server's subscribers.
///
/// Thread-safe; frames must come from one task at a time (they form one stream).
public final class OverlayFeed: Sendable {
    private struct Locked {
        var processor = FrameProcessor()
        var state: OverlayState
        var lastTimestamp: Timestamp?
        /// Bodies that were not game frames (error objects, unreadable JSON), counted.
        var rejected = 0
        /// The pages' feed carries at most 30 frames a second (the minimap's rate) plus every
        /// frame that has events, so a 240 Hz replay does not make every browser parse 240 frames/s.
        var pageLimiter = FrameRateLimiter(period: 1.0 / 30)
        /// Index of the next frame published to the pages: it never goes back (a looping replay
        /// restarts the processor's numbering, which the hub would take for resent duplicates).
        var published: UInt32 = 0
    }

    private let locked: NIOLockedValueBox<Locked>
    /// Our own WebSocket feed (pages subscribe to it through the overlay server's `/subscribe`).
    public let hub: StreamHub
    /// Spark's WebSocket event protocol subscribers.
    public let spark: SparkBroadcaster
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    /// A feed publishing into `hub` (our pages) and `spark` (Spark's event clients), with a fresh ``OverlayState``.
    public init(hub: StreamHub, spark: SparkBroadcaster = SparkBroadcaster(), limits: OverlayState.Limits = .init()) {
        self.hub = hub
        self.spark = spark
        self.locked = NIOLockedValueBox(Locked(state: OverlayState(limits: limits)))
        self.origin = clock.now
    }

    /// A copy of the current state (for the HTTP endpoints).
    public var state: OverlayState { locked.withLockedValue { $0.state } }

    /// Bodies rejected so far (not game frames, or not readable as one).
    public var rejectedFrames: Int { locked.withLockedValue { $0.rejected } }

    /// Takes one frame of the stream. `nil` means the source has no match now (the game answers
    /// "no match", a replay ended): Spark's `left_game` goes out.
    public func ingest(_ raw: RawFrame?) {
        guard let raw else {
            let messages = locked.withLockedValue { $0.state.leaveMatch() }
            spark.broadcast(messages)
            return
        }
        let elapsed = clock.now - origin
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let result: (Frame, [SparkMessage], UInt32?)? = locked.withLockedValue { l in
            // A replay that loops (or a recorder restarted) goes back in time: a new stream.
            if let last = l.lastTimestamp, raw.timestamp.nanosecondsSinceEpoch < last.nanosecondsSinceEpoch - 1_000_000_000 {
                l.processor.reset()
                l.state = OverlayState(limits: l.state.limits)
            }
            l.lastTimestamp = raw.timestamp
            let frame: Frame
            do { frame = try l.processor.process(session: raw.session, bones: raw.bones, timestamp: raw.timestamp) } catch {
                l.rejected += 1
                return nil
            }
            guard frame.session.isGameFrame else {
                l.rejected += 1
                return nil
            }
            let messages = l.state.ingest(frame, sessionJSON: raw.session, bonesJSON: raw.bones, now: now)
            let toPages = l.pageLimiter.admit(now: now) || !frame.events.isEmpty
            let index = l.published
            if toPages { l.published &+= 1 }
            return (frame, messages, toPages ? index : nil)
        }
        guard let (frame, messages, pageIndex) = result else { return }
        spark.broadcast(messages)
        guard let pageIndex else { return }
        hub.publish(
            StreamedFrame(
                match: frame.session.sessionID ?? "", index: pageIndex, timestamp: frame.timestamp, sessionJSON: raw.session,
                // The typed frame carries the events: the hub spells them as `EventJSON` objects.
                bonesJSON: raw.bones, frame: frame))
    }
}
