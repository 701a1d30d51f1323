import NEVRCore

/// Plays a ``GameFrameSource`` into a ``CurrentFrameStore`` in real time: each
/// frame becomes the answer when as much time has passed since the first frame as
/// its timestamp says, divided by the playback rate.
///
/// ```swift
/// let store = CurrentFrameStore()
/// let playback = FramePlayback(store: store, options: .init(rate: 2, loop: true)) {
///     ArrayFrameSource(frames)
/// }
/// try await playback.run()   // until cancelled (looping) or the end of the frames
/// ```
///
/// Deadlines are computed from the pass start, never from the previous sleep, so
/// playback does not drift. A timestamp earlier than the one before it (recorders
/// can write two frames out of order) is played immediately, never rewinding time.
/// After the last frame (without looping) the store answers "no match", as the game
/// does once a match is over.
public struct FramePlayback: Sendable {
    public struct Options: Sendable {
        /// Speed factor: 1 is real time, 2 twice as fast.
        public var rate: Double
        /// Start again from the first frame after the last one.
        public var loop: Bool

        public init(rate: Double = 1, loop: Bool = false) {
            self.rate = rate
            self.loop = loop
        }
    }

    /// What a finished (or cancelled) playback did.
    public struct Summary: Sendable, Equatable {
        public var framesPublished: Int
        /// Completed passes through the source.
        public var passes: Int
    }

    public enum PlaybackError: Error, CustomStringConvertible {
        case noFrames
        case invalidRate(Double)

        public var description: String {
            switch self {
            case .noFrames: return "the source has no frames"
            case .invalidRate(let r): return "invalid playback rate \(r) (must be > 0)"
            }
        }
    }

    public typealias SourceFactory = @Sendable () throws -> any GameFrameSource

    public let store: CurrentFrameStore
    public let options: Options
    private let makeSource: SourceFactory

    /// - Parameter makeSource: makes a fresh source (called once per pass).
    public init(store: CurrentFrameStore, options: Options = .init(), makeSource: @escaping SourceFactory) {
        self.store = store
        self.options = options
        self.makeSource = makeSource
    }

    /// Plays until the end (or forever when looping); returns early, without
    /// throwing, when the task is cancelled.
    @discardableResult
    public func run(onPassFinished: @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        guard options.rate > 0, options.rate.isFinite else { throw PlaybackError.invalidRate(options.rate) }
        let clock = ContinuousClock()
        var summary = Summary(framesPublished: 0, passes: 0)
        var passStart = clock.now
        while !Task.isCancelled {
            var source = try makeSource()
            var firstNanos: Int64?
            var lastOffset: Int64 = 0
            var typicalGap: Int64 = 16_666_667  // until the source shows its own frame interval
            var framesThisPass = 0
            while let frame = try source.next() {
                let ns = frame.timestamp.nanosecondsSinceEpoch
                let first = firstNanos ?? ns
                firstNanos = first
                let offset = max(ns &- first, lastOffset)
                if offset > lastOffset { typicalGap = offset - lastOffset }
                lastOffset = offset
                let deadline = passStart + scaled(offset)
                if deadline > clock.now {
                    do { try await clock.sleep(until: deadline) } catch { return summary }
                }
                if Task.isCancelled { return summary }
                store.publish(frame)
                summary.framesPublished += 1
                framesThisPass += 1
            }
            guard framesThisPass > 0 else { throw PlaybackError.noFrames }
            summary.passes += 1
            onPassFinished(summary.passes)
            guard options.loop else { break }
            // The last frame stays up for one frame interval, then the first frame comes again.
            passStart = passStart + scaled(lastOffset + typicalGap)
            if passStart > clock.now {
                do { try await clock.sleep(until: passStart) } catch { return summary }
            }
        }
        if !Task.isCancelled { store.publish(nil) }
        return summary
    }

    private func scaled(_ nanoseconds: Int64) -> Duration {
        .nanoseconds(Int64((Double(nanoseconds) / options.rate).rounded()))
    }
}
