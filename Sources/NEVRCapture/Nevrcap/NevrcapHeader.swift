import NEVRCore

/// Record 0 of a `.nevrcap` file (`telemetry.v1.TelemetryHeader`).
///
/// ```swift
/// let header = NevrcapHeader(captureID: "converted-1637442333",
///                            createdAt: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407),
///                            metadata: [.init(key: "source", value: "echoreplay")])
/// ```
public struct NevrcapHeader: Hashable, Sendable {
    /// One `metadata` map entry. Order is kept as read (the Go tools write map order at random).
    public typealias Entry = Event.MapEntry

    /// `capture_id`: the capture's name (the Go recorder uses the session id).
    public var captureID: String
    /// `created_at`: when the capture started, if known.
    public var createdAt: Timestamp?
    /// `metadata` entries in file order (``CaptureConversion/writerEntry`` among them for our files).
    public var metadata: [Entry]

    /// A header from its fields (all optional).
    public init(captureID: String = "", createdAt: Timestamp? = nil, metadata: [Entry] = []) {
        self.captureID = captureID
        self.createdAt = createdAt
        self.metadata = metadata
    }

    /// The value of the first metadata entry named `key`.
    public subscript(metadata key: String) -> String? {
        metadata.first { $0.key == key }?.value
    }
}
