import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain words for any error, for the reason part of a `nevr: <file or URL>: <reason>` line and
/// for the warnings and receipts the library collects: never a raw Swift or Foundation dump
/// (`Error Domain=NSCocoaErrorDomain Code=4 ...`, `SomeError(code: 3)`, `errno: 2`).
///
/// A capture error gives its reason (its path is named by the caller), an operating-system error
/// its `strerror` text, a Foundation file error the failure in words; an error with its own
/// description keeps its first line; any other error is named by its type.
///
/// ```swift
/// do { _ = try Data(contentsOf: URL(fileURLWithPath: "/missing")) } catch {
///     print(ErrorReason.plain(error))   // no such file or folder
/// }
/// ```
public enum ErrorReason {
    /// The reason in plain words, without the file or URL.
    public static func plain(_ error: any Error) -> String {
        if let e = error as? any CaptureFileError { return e.reasonDescription }
        if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code)))
            }
            if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))) }
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteFileExists: return "a file of that name already exists"
            case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
            case .fileWriteInvalidFileName: return "invalid file name"
            case .fileReadTooLarge: return "the file is too large"
            case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: return "the text is not in the expected encoding"
            default: break
            }
        }
        return plain(description: String(describing: error))
    }

    /// ``plain(_:)``, but a capture error keeps the file it names in front (`path: reason`),
    /// for messages that do not name the file themselves.
    public static func plainNamingTheFile(_ error: any Error) -> String {
        if let e = error as? any CaptureFileError { return "\(e.path): \(e.reasonDescription)" }
        return plain(error)
    }

    /// A description cut to its first line, without a Swift type dump such as `Foo(bar: 1, ...)`
    /// (which becomes `unexpected error (Foo)`) or Foundation's `Error Domain=... Code=...`.
    public static func plain(description text: String) -> String {
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        if firstLine.hasPrefix("Error Domain=") {
            // `Error Domain=NSCocoaErrorDomain Code=4 "The file ... doesn't exist." UserInfo={...}`: the quoted sentence.
            let parts = firstLine.split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3, !parts[1].isEmpty { return String(parts[1]) }
            return "unexpected system error"
        }
        if let range = firstLine.range(of: "(errno: "),
           let code = Int32(firstLine[range.upperBound...].prefix(while: { $0.isNumber })) {
            // NIO's `connect(descriptor:addr:size:): Connection refused (errno: 111)`.
            return String(cString: strerror(code))
        }
        if let paren = firstLine.firstIndex(of: "("), paren > firstLine.startIndex,
           firstLine[..<paren].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }), firstLine.hasSuffix(")") {
            // `SomeError(field: value)` or `Module.Kind.case(...)`: keep the type's name in words.
            let name = firstLine[..<paren].split(separator: ".").last.map(String.init) ?? "error"
            return "unexpected error (\(name))"
        }
        if firstLine.isEmpty { return "unexpected error" }
        // A bare enum case name (`connectTimeout`): a name, not words.
        if firstLine.allSatisfy({ $0.isLetter || $0.isNumber }), firstLine.first?.isLowercase == true,
           firstLine.contains(where: { $0.isUppercase }) {
            return "unexpected error (\(firstLine))"
        }
        return firstLine
    }
}
