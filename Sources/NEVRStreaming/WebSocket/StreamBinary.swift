import NIOCore

/// Binary (protobuf `Envelope`) messages of the streaming protocol.
enum StreamBinary {
    /// Decodes one binary message: an `Envelope` holding a header (1) or a frame (2).
    static func decode(_ buffer: ByteBuffer) throws(StreamEncodingError) -> StreamMessage {
        // Wired to NevrcapWire once the .nevrcap codec lands on main.
        throw StreamEncodingError(reason: "binary messages are not supported by this build yet; send JSON text")
    }
}
