import Foundation

/// The capture file formats the toolkit reads and writes.
public enum CaptureFormat: String, Sendable, CaseIterable {
    /// `.echoreplay`: timestamped JSON lines, zipped or plain.
    case echoReplay = "echoreplay"

    /// The format a path names by its extension (anything unknown is read as `.echoreplay`,
    /// which also covers `.txt` and extension-less recordings).
    public init(url: URL) {
        switch url.pathExtension.lowercased() {
        default: self = .echoReplay
        }
    }
}
