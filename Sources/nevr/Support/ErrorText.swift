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
        return ErrorReason.plain(error)
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
}
