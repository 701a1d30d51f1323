import NEVRCore

/// Plays one or several ``GameFrameSource``s (a playlist) into a ``CurrentFrameStore`` in
/// real time: each frame becomes the answer when as much time has passed since the file's
/// first frame as its timestamp says, divided by the playback speed.
///
/// ```swift
/// let store = CurrentFrameStore()
/// let playback = FramePlayback(store: store, options: .init(rate: 2, loop: true)) {
///     ArrayFrameSource(frames)
/// }
/// try await playback.run()   // until cancelled (looping) or the end of the frames
/// ```
///
/// Deadlines are computed from an anchor (the wall-clock instant a recording offset was
/// due), never from the previous sleep, so playback does not drift; pausing, seeking and a
/// speed change (``PlaybackControl``) move the anchor. A timestamp earlier than the one
/// before it (recorders can write two frames out of order) is played immediately, never
/// rewinding time. Files of a playlist follow one another (the last frame of one stays up
/// for one frame interval). After the last frame (without looping) the store answers
/// "no match", as the game does once a match is over.
public struct FramePlayback: Sendable {
    /// Speed and looping.
    public struct Options: Sendable {
        /// Initial speed factor: 1 is real time, 2 twice as fast.
        public var rate: Double
        /// Start again from the first file after the last one.
        public var loop: Bool

        /// Real time, once through, by default.
        public init(rate: Double = 1, loop: Bool = false) {
            self.rate = rate
            self.loop = loop
        }
    }

    /// What a finished (or cancelled) playback did.
    public struct Summary: Sendable, Equatable {
        /// Frames put into the store.
        public var framesPublished: Int
        /// Completed passes through the playlist.
        public var passes: Int
    }

    /// Why a playback could not start.
    public enum PlaybackError: Error, CustomStringConvertible {
        case noFrames
        case invalidRate(Double)

        /// The reason in plain words.
        public var description: String {
            switch self {
            case .noFrames: return "the source has no frames"
            case .invalidRate(let r): return "invalid playback rate \(r) (must be > 0)"
            }
        }
    }

    /// Makes a fresh source for one pass through a file.
    public typealias SourceFactory = @Sendable () throws -> any GameFrameSource

    /// One file of a playlist: a label for `/status` and a factory for a fresh source.
    public struct Entry: Sendable {
        /// Shown by `GET /status` (usually the file's path).
        public var label: String
        /// Called at the start of every pass.
        public var makeSource: SourceFactory

        /// A playlist entry.
        public init(label: String, makeSource: @escaping SourceFactory) {
            self.label = label
            self.makeSource = makeSource
        }
    }

    /// Where each frame is published when it is due.
    public let store: CurrentFrameStore
    /// Speed and looping at start.
    public let options: Options
    /// Pause, resume, seek and speed while playing (`/control/...` of ``GameAPIServer``).
    public let control: PlaybackControl
    private let playlist: [Entry]

    /// - Parameter makeSource: makes a fresh source (called once per pass).
    public init(store: CurrentFrameStore, options: Options = .init(), makeSource: @escaping SourceFactory) {
        self.init(store: store, options: options, playlist: [Entry(label: "", makeSource: makeSource)])
    }

    /// Plays `playlist` in order (again from the first with ``Options/loop``), controlled by `control`.
    public init(store: CurrentFrameStore, options: Options = .init(), playlist: [Entry], control: PlaybackControl? = nil) {
        self.store = store
        self.options = options
        self.playlist = playlist
        self.control = control ?? PlaybackControl(speed: options.rate)
    }

    /// Plays until the end (or forever when looping); returns early, without
    /// throwing, when the task is cancelled.
    @discardableResult
    public func run(onPassFinished: @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        guard options.rate > 0, options.rate.isFinite else { throw PlaybackError.invalidRate(options.rate) }
        guard !playlist.isEmpty else { throw PlaybackError.noFrames }
        try? control.setSpeed(options.rate)
        control.update { $0.fileCount = playlist.count; $0.finished = false }
        var summary = Summary(framesPublished: 0, passes: 0)
        var anchor = Anchor(wall: ContinuousClock.now, offset: 0)
        var emptyPass = true
        while !Task.isCancelled {
            for (position, entry) in playlist.enumerated() {
                control.update { $0.file = entry.label.isEmpty ? nil : entry.label; $0.fileIndex = position; $0.frame = -1 }
                guard let result = try await play(entry, anchor: &anchor, summary: &summary) else { return summary }
                if result > 0 { emptyPass = false }
            }
            guard !emptyPass else { throw PlaybackError.noFrames }
            summary.passes += 1
            control.update { $0.passes = summary.passes }
            onPassFinished(summary.passes)
            guard options.loop else { break }
        }
        if !Task.isCancelled {
            store.publish(nil)
            control.update { $0.finished = true }
        }
        return summary
    }

    /// The wall-clock instant a recording offset (nanoseconds after the file's first frame) is due.
    private struct Anchor {
        var wall: ContinuousClock.Instant
        var offset: Int64

        func deadline(_ offset: Int64, speed: Double) -> ContinuousClock.Instant {
            wall + .nanoseconds(Int64((Double(offset &- self.offset) / speed).rounded()))
        }
    }

    /// Plays one file; returns its frame count, or `nil` when cancelled.
    ///
    /// A seek starts the file again from its first frame and reads on without waiting up to
    /// the target, which is then published (also while paused); a target past the end moves
    /// on to the next file.
    private func play(_ entry: Entry, anchor: inout Anchor, summary: inout Summary) async throws -> Int? {
        let clock = ContinuousClock()
        var source = try entry.makeSource()
        var firstNanos: Int64?
        var lastOffset: Int64 = 0
        var shownOffset: Int64 = 0
        var typicalGap: Int64 = 16_666_667  // until the source shows its own frame interval
        var index = 0
        var frames = 0
        var speed = control.speed
        var seen = control.changeCount
        var seeking: PlaybackControl.Seek?
        // The file starts when the previous one's last frame interval is over (or now).
        anchor = Anchor(wall: max(anchor.wall, clock.now), offset: 0)
        while let frame = try source.next() {
            let ns = frame.timestamp.nanosecondsSinceEpoch
            let first = firstNanos ?? ns
            firstNanos = first
            let offset = max(ns &- first, lastOffset)
            if offset > lastOffset { typicalGap = offset - lastOffset }
            lastOffset = offset
            let frameIndex = index
            index += 1
            if let target = seeking {
                let reached: Bool
                switch target {
                case .seconds(let s): reached = Double(offset) / 1e9 >= s
                case .frame(let f): reached = frameIndex >= f
                }
                guard reached else { continue }
                seeking = nil
                anchor = Anchor(wall: clock.now, offset: offset)
            } else {
                // Wait for the frame's deadline, waking up at least every 50 ms for control changes.
                var restart = false
                while true {
                    if Task.isCancelled { return nil }
                    if control.changeCount != seen {
                        seen = control.changeCount
                        if let seek = control.takeSeek() {
                            seeking = seek
                            restart = true
                            break
                        }
                        let newSpeed = control.speed
                        if newSpeed != speed {
                            // Keep the recording position reached at the old speed; new pace from here.
                            let now = clock.now
                            let elapsed = max(0, (now - anchor.wall) / .nanoseconds(1))
                            anchor = Anchor(wall: now, offset: anchor.offset &+ Int64(elapsed * speed))
                            speed = newSpeed
                        }
                    }
                    if control.isPaused {
                        do { try await clock.sleep(for: .milliseconds(20)) } catch { return nil }
                        // On resume the next frame comes one gap after the frame on screen.
                        anchor = Anchor(wall: clock.now, offset: shownOffset)
                        continue
                    }
                    let deadline = anchor.deadline(offset, speed: speed)
                    let now = clock.now
                    if deadline <= now { break }
                    do { try await clock.sleep(until: min(deadline, now + .milliseconds(50))) } catch { return nil }
                }
                if restart {
                    source = try entry.makeSource()
                    firstNanos = nil
                    lastOffset = 0
                    index = 0
                    continue
                }
            }
            if Task.isCancelled { return nil }
            store.publish(frame)
            summary.framesPublished += 1
            frames += 1
            shownOffset = offset
            control.update {
                $0.frame = frameIndex
                $0.seconds = Double(offset) / 1e9
                $0.timestamp = frame.timestamp
            }
        }
        // The last frame stays up for one frame interval, then the next file (or pass) begins.
        anchor = Anchor(wall: anchor.deadline(lastOffset &+ typicalGap, speed: speed), offset: 0)
        return frames
    }
}
