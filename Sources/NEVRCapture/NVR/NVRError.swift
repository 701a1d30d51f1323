/// Why an `.nvr` file could not be read or written: names the file and, where it applies,
/// the block (its sequence number and byte offset) or the frame.
public struct NVRError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Hashable, Sendable {
        /// Opening, reading or writing the file failed.
        case io(String)
        /// The file does not start with the `.nvr` magic number.
        case notNVR
        /// A format version this reader does not know.
        case unsupportedVersion(Int)
        /// A record or block is damaged (bad CRC, bad lengths, values out of range); the
        /// reader skips that block and goes on with the next one.
        case damaged(String)
        /// A frame's JSON could not be parsed into a typed frame (``NVRReader/next()``).
        case notAGameFrame(String)
        /// Bad input to the writer or reader API (for example a seek before the first frame).
        case invalidArgument(String)
    }

    /// What went wrong.
    public var reason: Reason
    /// The file's path (or the in-memory label).
    public var file: String
    /// The block the problem is in, when there is one.
    public var block: Int?
    /// Byte offset of that block's (or record's) first byte.
    public var offset: Int?
    /// The frame the problem is in, when there is one.
    public var frame: Int?

    /// An error about `file`; `block`, `offset` and `frame` locate it where known.
    public init(_ reason: Reason, file: String, block: Int? = nil, offset: Int? = nil, frame: Int? = nil) {
        self.reason = reason
        self.file = file
        self.block = block
        self.offset = offset
        self.frame = frame
    }

    /// `file: block N at byte B frame F: reason`, with the places that are known.
    public var description: String {
        var place: [String] = []
        if let block { place.append("block \(block)") }
        if let offset { place.append("at byte \(offset)") }
        if let frame { place.append("frame \(frame)") }
        let prefix = place.isEmpty ? "\(file): " : "\(file): \(place.joined(separator: " ")): "
        switch reason {
        case .io(let text): return prefix + text
        case .notNVR: return prefix + "not an .nvr file (magic number missing)"
        case .unsupportedVersion(let v): return prefix + "unsupported .nvr version \(v)"
        case .damaged(let text): return prefix + "damaged: \(text)"
        case .notAGameFrame(let text): return prefix + "not a game frame: \(text)"
        case .invalidArgument(let text): return prefix + text
        }
    }
}
