import NEVRCapture
import NIOCore
import PostgresNIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain words for why PostgreSQL said no, for ``ArchiveError/cannotOpen(_:reason:)`` and
/// ``ArchiveError/database(_:)``: the server's own message, or the socket's failure in words with
/// a hint what to do, never postgres-nio's or NIO's debug text (which can hold the query and its
/// binds).
enum PostgresFailure {
    /// What to do when nothing answers at the URL.
    static let startHint = "is a PostgreSQL server running there? start one, e.g. `sudo service postgresql start`, or point --database at one, or leave --database out for an SQLite archive"
    /// What to do when the server refuses the login.
    static let loginHint = "check the user and password in the URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE, and the server's pg_hba.conf"

    /// Why connecting failed, in words with a hint.
    static func connecting(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            switch psql.code {
            case .server:
                return serverRefusal(psql)
            case .authMechanismRequiresPassword:
                return "the server asks for a password and the URL has none (\(loginHint))"
            case .unsupportedAuthMechanism, .saslError:
                return "login failed: the server asks for an authentication method this client does not speak (use scram-sha-256, md5 or password in pg_hba.conf)"
            case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
                return "the server wants TLS, which nevr does not use (a loopback or private network server without TLS)"
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection during login (is that port a PostgreSQL server?)"
            case .messageDecodingFailure, .unexpectedBackendMessage:
                return "the server does not speak the PostgreSQL protocol (is that port a PostgreSQL server?)"
            default:
                if let underlying = psql.underlying { return socket(underlying) }
                return "cannot connect (\(psql.code))"
            }
        }
        return socket(error)
    }

    /// Why a statement failed: the server's message (with its detail), or the connection's fate.
    static func statement(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if psql.code == .server, let info = psql.serverInfo, let message = info[.message] {
                return [message, info[.detail]].compactMap { $0 }.joined(separator: "; ")
            }
            switch psql.code {
            case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
            case .clientClosedConnection: return "the connection is closed"
            case .queryCancelled: return "the query was cancelled"
            case .tooManyParameters: return "too many parameters in one statement"
            default:
                if let underlying = psql.underlying { return socket(underlying) }
                return "the query failed (\(psql.code))"
            }
        }
        return ErrorReason.plain(error)
    }

    /// A login the server refused (SQLSTATE class 28), a database it does not have (3D000), or
    /// another of its FATAL messages.
    private static func serverRefusal(_ error: PSQLError) -> String {
        let message = error.serverInfo?[.message] ?? "no message"
        let state = error.serverInfo?[.sqlState] ?? ""
        if state.hasPrefix("28") { return "login refused: \(message) (\(loginHint))" }
        if state == "3D000" { return "\(message) (create it with `createdb`, or name another database in the URL)" }
        if state == "53300" { return "\(message) (the server has no free connection slot)" }
        if state.hasPrefix("57P0") { return "\(message) (the server is starting up or shutting down; try again)" }
        return message
    }

    /// A socket-level failure: refused, timed out, unreachable, name not found.
    private static func socket(_ error: any Error) -> String {
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return "no answer in time (is the address right and reachable?)"
        }
        if let code = errnoCode(in: error) {
            switch code {
            case ECONNREFUSED: return "connection refused (\(startHint))"
            case ETIMEDOUT: return "timed out connecting (is the address right and reachable?)"
            case EHOSTUNREACH, ENETUNREACH: return "\(String(cString: strerror(code))) (is the address right?)"
            default: return String(cString: strerror(code))
            }
        }
        // NIO reports a failed connection as an error listing each address it tried; its text
        // names the failure where its types are out of reach.
        let text = String(describing: error)
        if text.contains("ECONNREFUSED") || text.localizedCaseInsensitiveContains("connection refused") {
            return "connection refused (\(startHint))"
        }
        if text.hasPrefix("DNS error") {
            // NIOConnectionError (NIOPosix) when the host name does not resolve.
            return "the host name does not resolve (is the host right?)"
        }
        return ErrorReason.plain(error)
    }

    /// The operating system's error number somewhere in `error` (a NIO `IOError`, possibly inside
    /// the per-address list of a failed connection attempt), or nil.
    private static func errnoCode(in error: Any, depth: Int = 0) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        guard depth < 4 else { return nil }
        for child in Mirror(reflecting: error).children {
            if let code = errnoCode(in: child.value, depth: depth + 1) { return code }
        }
        return nil
    }
}
