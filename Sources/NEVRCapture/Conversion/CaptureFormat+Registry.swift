/// The registry of supported formats: the one place a format's reader and writer are
/// plugged in. To register a format, conform a type to ``CaptureCodec`` and return it here.
extension CaptureFormat {
    /// The reader/writer factories of this format, or `nil` while it is not supported yet.
    public var codec: (any CaptureCodec.Type)? {
        switch self {
        case .echoReplay: return EchoReplayCodec.self
        case .nevrcap: return NevrcapCodec.self
        case .tape: return TapeCodec.self
        case .butter: return ButterCodec.self
        case .nvr: return NVRCodec.self
        }
    }
}
