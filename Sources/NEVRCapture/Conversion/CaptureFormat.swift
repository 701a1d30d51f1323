import Foundation

/// The capture file formats the toolkit reads and writes.
public enum CaptureFormat: String, Sendable, CaseIterable {
    /// `.echoreplay`: timestamped JSON lines, zipped or plain.
    case echoReplay = "echoreplay"
    /// `.nevrcap`: zstd-compressed length-delimited protobuf (the NEVR Go tools' format).
    case nevrcap = "nevrcap"

    /// The format a path names by its extension (anything unknown is read as `.echoreplay`,
    /// which also covers `.txt` and extension-less recordings).
    public init(url: URL) {
        switch url.pathExtension.lowercased() {
        case "nevrcap": self = .nevrcap
        default: self = .echoReplay
        }
    }
}
