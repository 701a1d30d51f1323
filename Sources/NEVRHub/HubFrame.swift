import NEVRCore
import NIOConcurrencyHelpers
import NIOCore

/// One frame held by the hub (in a match's ring buffer and in subscriber queues),
/// with its wire encodings computed once per (format, parts) and shared by every
/// subscriber that asks for the same combination.
final class HubFrame: Sendable {
    let data: StreamedFrame
    /// Bytes this frame holds (its JSON parts, or the size of the binary message it came in):
    /// what the hub's byte budgets count.
    let byteCount: Int
    private let cache = NIOLockedValueBox<[UInt8: EncodedMessage]>([:])

    init(_ data: StreamedFrame, byteCount: Int? = nil) {
        self.data = data
        let json = (data.sessionJSON?.count ?? 0) + (data.bonesJSON?.count ?? 0) + (data.eventsJSON?.count ?? 0)
        // A typed frame without a known message size: about 12 KB (a 10-player frame).
        self.byteCount = max(byteCount ?? 0, json, data.frame != nil ? 12 << 10 : 0) + 128
    }

    /// The message for a subscriber with these options; `nil` when there is nothing
    /// to send (an events-only subscriber and a frame without events).
    func encoded(format: StreamFormat, parts: StreamParts) throws(StreamEncodingError) -> EncodedMessage? {
        let key = (format == .binary ? 8 : 0) | parts.rawValue
        if let hit = cache.withLockedValue({ $0[key] }) { return hit.isEmpty ? nil : hit }
        let message = try StreamEncoder.encode(data, format: format, parts: parts) ?? EncodedMessage.empty
        cache.withLockedValue { $0[key] = message }
        return message.isEmpty ? nil : message
    }
}

/// One ready-to-send WebSocket message.
struct EncodedMessage: Sendable {
    var isText: Bool
    var bytes: ByteBuffer

    static let empty = EncodedMessage(isText: true, bytes: ByteBuffer())
    var isEmpty: Bool { bytes.readableBytes == 0 }

    static func text(_ bytes: [UInt8]) -> EncodedMessage { EncodedMessage(isText: true, bytes: ByteBuffer(bytes: bytes)) }
    static func control(_ message: StreamMessage) -> EncodedMessage { .text(StreamJSON.control(message)) }
}
