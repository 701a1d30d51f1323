import Foundation
import Hummingbird
import NEVRArchive

/// An error answer of the archive API: a status and `{"error": "..."}`.
///
/// Every failure the API gives, including unknown routes and methods, has this body, so a
/// client needs one error decoder (docs/archive-openapi.yaml, `Error`).
public struct ArchiveAPIError: HTTPResponseError, Equatable, Sendable {
    /// The HTTP status (400, 404, 405, 414, 500).
    public var status: HTTPResponse.Status
    /// One line for the client; never a stack trace, a SQL statement or a password.
    public var message: String

    /// An error answer with `status` and `message`.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// 400: a query value out of range or malformed.
    public static func badRequest(_ message: String) -> ArchiveAPIError { .init(.badRequest, message) }
    /// 404: no such match, player, capture file or route.
    public static func notFound(_ message: String) -> ArchiveAPIError { .init(.notFound, message) }

    /// The body: `{"error":"<message>"}`.
    public var body: String { #"{"error":"# + ArchiveTable.jsonString(message) + "}" }

    /// The JSON answer (``ResponseGenerator``).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ArchiveJSON.response(body, status: status)
    }
}

/// Turns every error below it into an ``ArchiveAPIError`` answer: the router's own 404 and
/// other `HTTPError`s keep their status with a JSON body, archive errors become 400 (an
/// unknown stat) or 500 (the database), and anything else a 500 without details.
struct ArchiveErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.answer(for: error, request: request).response
        }
    }

    static func answer(for error: any Error, request: Request) -> (response: Response, error: ArchiveAPIError) {
        let api: ArchiveAPIError
        if let e = error as? ArchiveAPIError {
            api = e
        } else if let e = error as? HTTPError {
            api = ArchiveAPIError(e.status, e.status == .notFound ? "no route \(request.method.rawValue) \(request.uri.path)" : (e.body ?? e.status.reasonPhrase))
        } else if let e = error as? ArchiveError, case .unknownColumn = e {
            api = .badRequest(e.description)
        } else {
            // Database and I/O failures: the message names no SQL and no password (the stores'
            // errors do not), but it is still the server's business; say what failed.
            api = ArchiveAPIError(.internalServerError, "the archive could not answer: \(error)")
        }
        return (ArchiveJSON.response(api.body, status: api.status), api)
    }
}

/// JSON answers.
enum ArchiveJSON {
    static let headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    static func response(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(json)
        buffer.writeString("\n")
        return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
    }
}
