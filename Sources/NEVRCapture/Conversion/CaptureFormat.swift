import Foundation

/// The capture file formats the toolkit knows, named by their file extensions.
///
/// A format is *known* as soon as it has a case here (its extensions are recognised and
/// reported); it is *supported* once its reader and writer are registered in
/// ``codec`` (`CaptureFormat+Registry.swift`, the one place to change). Opening or creating
/// a known but unregistered format throws ``CaptureFormatError`` with reason
/// ``CaptureFormatError/Reason/notSupportedYet(_:)``.
///
/// ```swift
/// let format = try CaptureFormat(url: URL(fileURLWithPath: "match.nevrcap"))   // .nevrcap
/// let reader = try format.open(URL(fileURLWithPath: "match.nevrcap"))
/// while let record = try reader.next() { print(record.timestamp.iso8601) }
/// ```
public enum CaptureFormat: String, Sendable, CaseIterable {
    /// `.echoreplay` (also `.txt`): timestamped JSON lines, zipped or plain (Spark, nevr-agent).
    case echoReplay = "echoreplay"
    /// `.nevrcap`: zstd-compressed length-delimited protobuf (the NEVR Go tools' format).
    case nevrcap = "nevrcap"
    /// `.tape` (tapedeck's format).
    case tape = "tape"
    /// `.butter` (tapedeck's compact format).
    case butter = "butter"
    /// `.nvr`: this toolkit's own format.
    case nvr = "nvr"

    /// The file extensions (lower case, without the dot) that name this format; the first is
    /// the one written.
    public var fileExtensions: [String] {
        switch self {
        case .echoReplay: return ["echoreplay", "txt"]
        case .nevrcap: return ["nevrcap"]
        case .tape: return ["tape"]
        case .butter: return ["butter"]
        case .nvr: return ["nvr"]
        }
    }

    /// The extension an output file of this format gets (`echoreplay`, `nevrcap`, ...).
    public var preferredExtension: String { fileExtensions[0] }

    /// Every known extension with its dot, for messages: `.echoreplay, .txt, .nevrcap, ...`.
    public static var knownExtensionList: String {
        allCases.flatMap(\.fileExtensions).map { "." + $0 }.joined(separator: ", ")
    }

    /// The format a file extension (without the dot, any case) names, or `nil`.
    public init?(fileExtension: String) {
        let ext = fileExtension.lowercased()
        guard let format = CaptureFormat.allCases.first(where: { $0.fileExtensions.contains(ext) }) else { return nil }
        self = format
    }

    /// The format `url` names by its extension. Throws ``CaptureFormatError`` naming the file
    /// and listing the known extensions when the extension is missing or unknown (a format is
    /// never guessed from an unknown name: `out.json` is an error, not a zipped `.echoreplay`).
    public init(url: URL) throws(CaptureFormatError) {
        let ext = url.pathExtension
        guard let format = CaptureFormat(fileExtension: ext) else {
            throw CaptureFormatError(path: url.path, reason: .unknownExtension(ext))
        }
        self = format
    }

    /// The format by its name as written on a command line (`echoreplay`, `nevrcap`, `tape`,
    /// `butter`, `nvr`; any case; `txt` is `echoreplay`), or `nil`.
    public init?(name: String) {
        if let format = CaptureFormat(rawValue: name.lowercased()) {
            self = format
        } else if let format = CaptureFormat(fileExtension: name) {
            self = format
        } else {
            return nil
        }
    }

    /// The format the first bytes of a file suggest, for input without a name (standard
    /// input): a ZIP archive or a JSON line is `.echoreplay`, a zstd frame is `.nevrcap`.
    /// Returns `nil` when the bytes match nothing registered here; formats registered later
    /// add their magic numbers in ``CaptureFormat/codec``'s ``CaptureCodec/sniff(_:)``.
    public static func sniff(_ prefix: [UInt8]) -> CaptureFormat? {
        for format in allCases {
            if let codec = format.codec, codec.sniff(prefix) { return format }
        }
        return nil
    }

    /// True when a reader and a writer (or at least a reader) are registered for this format.
    public var isSupported: Bool { codec != nil }

    /// Opens `url` for reading in this format.
    ///
    /// Throws ``CaptureFormatError`` (`notSupportedYet`) for a format with no registered
    /// codec, or the codec's own error (a ``CaptureFileError``) when the file cannot be read.
    public func open(_ url: URL, options: CaptureReadOptions = .init()) throws -> any CaptureFrameReader {
        guard let codec else { throw CaptureFormatError(path: url.path, reason: .notSupportedYet(self)) }
        return try codec.openReader(url, options: options)
    }

    /// Creates (or truncates) `url` for writing in this format; `header` is written where the
    /// format has room for one.
    public func create(_ url: URL, header: CaptureHeader? = nil, options: CaptureWriteOptions = .init()) throws -> any CaptureFrameWriter {
        guard let codec else { throw CaptureFormatError(path: url.path, reason: .notSupportedYet(self)) }
        return try codec.createWriter(url, header: header, options: options)
    }

    /// Opens `url` in the format its extension names (see ``init(url:)``).
    public static func open(_ url: URL, options: CaptureReadOptions = .init()) throws -> any CaptureFrameReader {
        try CaptureFormat(url: url).open(url, options: options)
    }

    /// Creates `url` in the format its extension names (see ``init(url:)``).
    public static func create(_ url: URL, header: CaptureHeader? = nil, options: CaptureWriteOptions = .init()) throws -> any CaptureFrameWriter {
        try CaptureFormat(url: url).create(url, header: header, options: options)
    }
}

/// Why a file's capture format could not be determined or used.
public struct CaptureFormatError: Error, Hashable, Sendable, CaptureFileError {
    /// What stopped the format from being determined or used.
    public enum Reason: Hashable, Sendable {
        /// The extension (possibly empty) names no known format.
        case unknownExtension(String)
        /// The format is known but no reader/writer is registered for it yet.
        case notSupportedYet(CaptureFormat)
        /// The format can be read but not written (or the reverse).
        case notWritable(CaptureFormat)
        /// Standard input holds nothing recognisable.
        case unrecognisedContent
    }

    /// The file the error is about (`stdin` for standard input).
    public var path: String
    /// What went wrong.
    public var reason: Reason

    /// An error about `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The reason in words, listing the known extensions or the supported formats, so the message
    /// says what would have worked.
    public var reasonDescription: String {
        let supported = CaptureFormat.allCases.filter(\.isSupported).flatMap(\.fileExtensions).map { "." + $0 }.joined(separator: ", ")
        switch reason {
        case .unknownExtension(let ext):
            let what = ext.isEmpty ? "no file extension" : "unknown file extension \".\(ext)\""
            return "\(what): cannot tell the capture format (known: \(CaptureFormat.knownExtensionList))"
        case .notSupportedYet(let format):
            return "the .\(format.preferredExtension) format is not supported yet (supported: \(supported))"
        case .notWritable(let format):
            return "the .\(format.preferredExtension) format can be read but not written"
        case .unrecognisedContent:
            return "not a recording this tool can read (supported: \(supported))"
        }
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reasonDescription)" }
}
