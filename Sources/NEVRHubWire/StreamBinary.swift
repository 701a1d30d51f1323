import NEVRCapture
import NEVRCore
import NIOCore

/// Binary messages of the streaming protocol: one `telemetry.v1.Envelope` each
/// (oneof 1 `TelemetryHeader`, 2 `LobbySessionStateFrame`), encoded by ``NevrcapWire``.
///
/// A header's match is its `match` metadata entry when present, else its `capture_id`
/// (the Go recorder's convention: capture id = session id). A frame's match is its
/// session's `sessionid`.
public enum StreamBinary {
    /// Decodes one binary message.
    public static func decode(_ buffer: ByteBuffer) throws(StreamEncodingError) -> StreamMessage {
        let result = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(ProtoDecodeError) -> NevrcapWire.Envelope in try NevrcapWire.decodeEnvelope(bytes) }
        }
        switch result {
        case .failure(let error):
            throw StreamEncodingError(reason: "binary message (\(buffer.readableBytes) bytes) is not an Envelope: \(error)")
        case .success(.header(let h)):
            return .header(
                StreamHeader(
                    match: h[metadata: "match"] ?? h.captureID, captureID: h.captureID,
                    createdAt: h.createdAt ?? Timestamp(nanosecondsSinceEpoch: 0), metadata: h.metadata))
        case .success(.frame(let f)):
            return .frame(StreamedFrame(match: f.session.sessionID ?? "", index: f.index, timestamp: f.timestamp, frame: f))
        }
    }

    /// The Envelope of a header.
    public static func encode(_ header: StreamHeader) -> [UInt8] {
        var metadata = header.metadata
        if header.match != header.captureID, !metadata.contains(where: { $0.key == "match" }) {
            metadata.append(.init(key: "match", value: header.match))
        }
        return NevrcapWire.encodeEnvelope(
            header: NevrcapHeader(captureID: header.captureID, createdAt: header.createdAt, metadata: metadata))
    }

    /// The Envelope of a frame. Throws when the frame holds a number the format cannot store
    /// (points beyond int32): the binary encoding would carry a different value.
    public static func encode(_ frame: Frame) throws(StreamEncodingError) -> [UInt8] {
        do {
            try NevrcapWire.checkEncodable(frame)
        } catch {
            throw StreamEncodingError(reason: "frame \(frame.index) cannot be sent as binary: \(error)")
        }
        return NevrcapWire.encodeEnvelope(frame: frame)
    }
}
