import Foundation
import NEVRCore
import NIOCore

/// The frame the game-API server is answering with right now.
///
/// The bodies are held as immutable `ByteBuffer`s built once when a frame is
/// published; every request takes a reference under a short lock and writes it
/// out, so any number of concurrent pollers never re-encode or copy a frame and
/// always see one whole frame (session and bones from the same instant).
public final class CurrentFrameStore: @unchecked Sendable {
    /// One published frame.
    public struct Snapshot: Sendable {
        /// Publication counter: 0 before the first frame, then 1, 2, ...
        public var sequence: Int
        /// `/session` body, or `nil` when there is no match (the no-match error object is served).
        public var session: ByteBuffer?
        /// `/player_bones` body, or `nil` when the frame has no bones.
        public var bones: ByteBuffer?
    }

    private let lock = NSLock()
    private var snapshot = Snapshot(sequence: 0, session: nil, bones: nil)
    private let allocator = ByteBufferAllocator()

    private let onPublish: (@Sendable (RawFrame?) -> Void)?

    /// - Parameter onPublish: called after each ``publish(_:)`` with the frame (`nil`: no match),
    ///   on the publishing task, so a consumer (the overlay) follows playback without polling.
    public init(onPublish: (@Sendable (RawFrame?) -> Void)? = nil) {
        self.onPublish = onPublish
    }

    /// The frame to answer with.
    public var current: Snapshot {
        lock.withLock { snapshot }
    }

    /// Makes `frame` the answer from now on (`nil`: no match).
    public func publish(_ frame: RawFrame?) {
        // Buffers are built outside the lock: readers never wait for a copy.
        let session = frame.map { allocator.buffer(bytes: $0.session) }
        let bones = frame?.bones.map { allocator.buffer(bytes: $0) }
        lock.withLock {
            snapshot = Snapshot(sequence: snapshot.sequence + 1, session: session, bones: bones)
        }
        onPublish?(frame)
    }
}
