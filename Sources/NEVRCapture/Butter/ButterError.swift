/// Why a `.butter` file could not be read. Names the file, the chunk and frame, and the frames
/// read before the problem.
public struct ButterError: Error, Hashable, Sendable, CustomStringConvertible {
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

    public var reason: Reason
    public var file: String
    public var chunk: Int
    public var frame: Int
    public var framesRecovered: Int

    public init(reason: Reason, file: String, chunk: Int = 0, frame: Int = 0, framesRecovered: Int = 0) {
        self.reason = reason
        self.file = file
        self.chunk = chunk
        self.frame = frame
        self.framesRecovered = framesRecovered
    }

    public var description: String { "\(file): \(reasonDescription)" }

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
    public var path: String { file }
}
