import Foundation
import NEVRCore

/// Runtime control of a ``FramePlayback``: pause, resume, seek within the current file by
/// time or frame, change speed; and the playback's status for `/status`. Safe to use from
/// any task (the HTTP handlers) while the playback runs.
///
/// ```swift
/// let control = PlaybackControl()
/// let playback = FramePlayback(store: store, playlist: entries, control: control)
/// control.pause(); control.seek(.seconds(90)); control.setSpeed(2); control.resume()
/// print(control.status.frame)
/// ```
public final class PlaybackControl: @unchecked Sendable {
    /// Where to jump in the current file.
    public enum Seek: Sendable, Equatable {
        /// Seconds of recording time after the file's first frame.
        case seconds(Double)
        /// A frame number in the file, from 0.
        case frame(Int)
    }

    /// What the playback is doing.
    public struct Status: Sendable, Equatable {
        /// The label of the file playing (its path), `nil` before the first.
        public var file: String?
        /// Its position in the playlist, from 0.
        public var fileIndex = 0
        /// Files in the playlist.
        public var fileCount = 0
        /// The frame being answered, from 0 in its file (-1 before the first).
        public var frame = -1
        /// Recording time of that frame after the file's first frame.
        public var seconds = 0.0
        /// Its capture timestamp.
        public var timestamp: Timestamp?
        /// Speed factor: 1 is real time.
        public var speed = 1.0
        /// True while paused.
        public var paused = false
        /// Completed passes through the playlist.
        public var passes = 0
        /// False once the playlist ended (without looping).
        public var finished = false
    }

    /// A rejected control request.
    public struct InvalidRequest: Error, CustomStringConvertible {
        /// What was wrong with the request.
        public var description: String
    }

    private let lock = NSLock()
    private var state = Status()
    private var pendingSeek: Seek?
    /// Bumped on every change so a sleeping playback wakes up and looks.
    private var generation = 0

    /// A control starting at `speed`, not paused.
    public init(speed: Double = 1) {
        state.speed = speed
    }

    /// A consistent snapshot (safe from any task).
    public var status: Status { lock.withLock { state } }

    /// Holds the current frame until ``resume()``.
    public func pause() { lock.withLock { state.paused = true; generation += 1 } }
    /// Continues from where ``pause()`` stopped, without skipping frames.
    public func resume() { lock.withLock { state.paused = false; generation += 1 } }

    /// Jumps within the current file; throws for a negative or non-finite target.
    public func seek(_ target: Seek) throws {
        switch target {
        case .seconds(let s) where !(s.isFinite && s >= 0 && s < 1e9):
            throw InvalidRequest(description: "seek time must be 0 or more seconds (got \(s))")
        case .frame(let f) where f < 0:
            throw InvalidRequest(description: "seek frame must be 0 or more (got \(f))")
        default:
            lock.withLock { pendingSeek = target; generation += 1 }
        }
    }

    /// Sets the playback speed (greater than 0, at most 1000; 1 is real time).
    public func setSpeed(_ speed: Double) throws {
        guard speed.isFinite, speed > 0, speed <= 1000 else {
            throw InvalidRequest(description: "speed must be greater than 0 and at most 1000 (got \(speed))")
        }
        lock.withLock { state.speed = speed; generation += 1 }
    }

    // MARK: Used by FramePlayback

    var changeCount: Int { lock.withLock { generation } }
    var isPaused: Bool { lock.withLock { state.paused } }
    var speed: Double { lock.withLock { state.speed } }

    func takeSeek() -> Seek? {
        lock.withLock {
            defer { pendingSeek = nil }
            return pendingSeek
        }
    }

    func update(_ body: (inout Status) -> Void) { lock.withLock { body(&state) } }
}
