import Foundation
import NEVRCapture
import NEVRGameAPI
import NEVRHub

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns any error into the plain-words reason of a `nevr: <file or URL>: <reason>` line:
/// never a raw Foundation, NIO or HTTP client dump.
enum ErrorText {
    /// The reason, without the file or URL; `hint` follows a refused connection.
    static func reason(_ error: any Error, hint: String = ConnectionFailure.gameHint) -> String {
        if let e = error as? any CaptureFileError { return e.reasonDescription }
        if let e = error as? StreamClientError { return e.reason }
        if let words = ConnectionFailure.recognise(error, hint: hint) { return words }
        if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
        let ns = error as NSError
        if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain {
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(underlying.code)))
            }
            if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteFileExists: return "a file of that name already exists"
            case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
            default: break
            }
        }
        let text = String(describing: error)
        return plain(text)
    }

    /// Plain words for why a server could not listen (the port is taken, needs root, or the
    /// address is not this machine's), or nil when `error` is no such failure. NIO reports these
    /// as `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`.
    static func listenFailure(_ error: any Error) -> String? {
        switch ConnectionFailure.errnoCode(in: error) {
        case EADDRINUSE: return "cannot listen: the port is already in use (another server running? pick another with --port, or 0 for any free port)"
        case EACCES: return "cannot listen: permission denied (ports below 1024 need root; pick another with --port)"
        case EADDRNOTAVAIL: return "cannot listen: that address is not one of this machine's (check --host)"
        default: return nil
        }
    }

    /// A description cut to its first line, without Swift type dumps like `Foo(bar: 1, ...)`.
    static func plain(_ text: String) -> String {
        let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        if let paren = firstLine.firstIndex(of: "("), firstLine[..<paren].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }),
           firstLine.hasSuffix(")") {
            // `SomeError(field: value)`: keep the type's name in words.
            return "unexpected error (" + firstLine[..<paren].split(separator: ".").last.map(String.init)! + ")"
        }
        return firstLine
    }
}
