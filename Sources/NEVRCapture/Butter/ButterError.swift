/// Why a `.butter` file could not be read. Names the file, the chunk and frame, and the frames
/// read before the problem.
public struct ButterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Reason: Hashable, Sendable {
        case io(String)
        /// Format version byte other than 1, 2 or 3.
        case unsupportedVersion(UInt8)
        /// Chunk compression byte outside 0…6.
        case unsupportedCompression(UInt8)
        /// Compression 6 is zstd with a dictionary that Spark does not store.
        case needsDictionary
        /// The header or a chunk table is cut short or inconsistent.
        case badHeader(String)
        /// A chunk could not be decompressed (gzip/zstd error, or above the size budget).
        case badChunk(String)
        /// A frame's bytes do not parse (cut inside, unknown marker, bad index); the rest of the
        /// chunk is skipped (delta state cannot be trusted after it).
        case badFrame(String)
    }

    /// Why it failed.
    public var reason: Reason
    /// The file (or the label given for in-memory data).
    public var file: String
    /// Index of the chunk the problem is in.
    public var chunk: Int
    /// Index of the frame (in the file) the problem is at.
    public var frame: Int
    /// Frames read successfully before this error.
    public var framesRecovered: Int

    /// An error about `file`.
    public init(reason: Reason, file: String, chunk: Int = 0, frame: Int = 0, framesRecovered: Int = 0) {
        self.reason = reason
        self.file = file
        self.chunk = chunk
        self.frame = frame
        self.framesRecovered = framesRecovered
    }

    /// The error as `file: reason`.
    public var description: String { "\(file): \(reasonDescription)" }

    /// The reason in plain words, without the file name.
    public var reasonDescription: String {
        switch reason {
        case .io(let t): return t
        case .unsupportedVersion(let v): return "butter format version \(v) is not supported (1, 2 and 3 are)"
        case .unsupportedCompression(let c): return "unknown chunk compression \(c)"
        case .needsDictionary: return "chunks use zstd with Spark's dictionary (compression 6), which is not stored in the file"
        case .badHeader(let t): return "bad header: \(t)"
        case .badChunk(let t): return "chunk \(chunk): \(t) (\(framesRecovered) frames read before it)"
        case .badFrame(let t): return "chunk \(chunk) frame \(frame): \(t); rest of the chunk skipped (\(framesRecovered) frames read)"
        }
    }

    /// A bad frame or chunk: reading can go on with the next chunk.
    public var isRecoverable: Bool {
        switch reason {
        case .badFrame, .badChunk: return true
        default: return false
        }
    }
}

extension ButterError: CaptureFileError {
    /// The file the error is about.
    public var path: String { file }
}
