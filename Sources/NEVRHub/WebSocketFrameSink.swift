import NEVRCore
import NEVRGameAPI
import NIOConcurrencyHelpers

/// A recorder sink that streams every polled frame to a hub (`nevr record --stream`).
///
/// The recorder's parse (``PolledFrame/typed``) is handed to the codec, so a binary or
/// event-detecting publisher does not parse the body a second time.
///
/// Never stalls the recorder: frames are queued in the ``WebSocketCodec`` (which buffers
/// while the hub is unreachable). A frame the codec refuses (unreadable for binary or for
/// processing) is counted in ``rejected`` and the recording goes on.
public final class WebSocketFrameSink: FrameSink {
    /// The publisher the frames go to.
    public let codec: WebSocketCodec
    private let rejectedBox = NIOLockedValueBox<(count: Int, first: String?)>((0, nil))

    /// A sink publishing through `codec`.
    public init(codec: WebSocketCodec) {
        self.codec = codec
    }

    /// Frames the codec refused, and the first reason.
    public var rejected: (count: Int, first: String?) { rejectedBox.withLockedValue { $0 } }

    /// Queues the frame in the codec (never waits for the hub); a refused frame is counted in ``rejected``.
    public func write(_ frame: PolledFrame) async throws {
        do {
            try codec.streamRaw(
                session: frame.raw.session, bones: frame.raw.bones, timestamp: frame.raw.timestamp, typed: frame.typed)
        } catch {
            rejectedBox.withLockedValue { r in
                r.count += 1
                if r.first == nil { r.first = error.description }
            }
        }
    }

    /// Waits (bounded) until the hub has acknowledged everything, then closes the connection.
    public func finish() async throws {
        await codec.close(timeout: .seconds(10))
    }
}
