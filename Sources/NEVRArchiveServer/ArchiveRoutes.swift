import Foundation
import Hummingbird
import NIOCore
import NEVRArchive
import NEVRCapture

/// The API's routes (docs/archive-openapi.yaml): each parses its query strictly
/// (``ArchiveQuery``), asks the ``Archive`` and answers JSON, or streams a converted capture.
struct ArchiveRoutes: Sendable {
    let archive: Archive
    /// Where downloads are converted (one file per request, deleted once sent).
    let scratch: URL

    /// Largest page size of the list routes, and largest page number × size.
    static let maximumLimit = 1000
    static let maximumEventLimit = 10_000
    static let maximumOffset = 10_000_000

    func add(to router: Router<BasicRequestContext>) {
        router.get("summary") { request, _ in try await summary(request) }
        router.get("matches") { request, _ in try await matches(request) }
        router.get("matches/:id") { request, context in try await match(request, context) }
        router.get("matches/:id/events") { request, context in try await events(request, context) }
        router.get("matches/:id/download") { request, context in try await download(request, context) }
        router.get("players") { request, _ in try await players(request) }
        router.get("players/:id/stats") { request, context in try await stats(request, context) }
    }

    // MARK: routes

    func summary(_ request: Request) async throws -> Response {
        _ = try ArchiveQuery(request.uri.query, known: [])
        let counts = try await archive.counts()
        return ArchiveJSON.response(
            #"{"matches":\#(counts.matches),"players":\#(counts.players),"player_matches":\#(counts.playerMatches),"events":\#(counts.events)}"#)
    }

    func matches(_ request: Request) async throws -> Response {
        let q = try ArchiveQuery(request.uri.query, known: ["player", "map", "limit", "page"])
        let (limit, page, offset) = try Self.paging(q, maxLimit: Self.maximumLimit, defaultLimit: 50)
        let player = try q.text("player"), map = try q.text("map")
        // One row more than asked: whether there is a next page.
        let table = try await archive.matches(.init(player: player, map: map, limit: limit + 1, offset: offset))
        let rows = Array(table.rows.prefix(limit))
        let next = table.rows.count > limit ? String(page + 1) : "null"
        let list = rows.map(table.jsonObject).joined(separator: ",")
        return ArchiveJSON.response(#"{"page":\#(page),"limit":\#(limit),"next_page":\#(next),"matches":[\#(list)]}"#)
    }

    func match(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try ArchiveQuery(request.uri.query, known: [])
        let id = try Self.pathID(context)
        guard let detail = try await archive.match(id: id) else { throw ArchiveAPIError.notFound("no match \"\(ArchiveQuery.shown(id))\"") }
        let match = detail.match.jsonObject(detail.match.rows[0])
        return ArchiveJSON.response(#"{"match":\#(match),"players":\#(detail.players.jsonArray())}"#)
    }

    func events(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let q = try ArchiveQuery(request.uri.query, known: ["kinds", "player", "limit", "page"])
        let id = try Self.pathID(context)
        let (limit, page, offset) = try Self.paging(q, maxLimit: Self.maximumEventLimit, defaultLimit: 1000)
        let kinds = try q.list("kinds", limit: 64)
        for kind in kinds where !kind.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) }) {
            throw ArchiveAPIError.badRequest("event kind \"\(ArchiveQuery.shown(kind))\" is not a kind name (lower-case letters, digits, _)")
        }
        let player = try q.text("player")
        guard try await archive.capture(ofMatch: id) != nil else { throw ArchiveAPIError.notFound("no match \"\(ArchiveQuery.shown(id))\"") }
        let table = try await archive.events(.init(match: id, kinds: kinds, player: player, limit: limit + 1, offset: offset))
        var items: [String] = []
        for row in 0..<min(table.rows.count, limit) {
            func field(_ name: String) -> ArchiveValue { table.value(name, row: row) ?? .null }
            // `json` is the event's JSON object as `nevr events` writes it: embedded, not quoted.
            items.append(
                #"{"frame":\#(field("frame").int ?? 0),"time_ms":\#(field("time_ms").int ?? 0),"kind":\#(ArchiveTable.jsonString(field("kind").text)),"#
                    + #""slot":\#(field("slot").int ?? -1),"user_id":\#(ArchiveTable.jsonString(field("user_id").text)),"event":\#(field("json").text)}"#)
        }
        let next = table.rows.count > limit ? String(page + 1) : "null"
        return ArchiveJSON.response(
            #"{"match_id":\#(ArchiveTable.jsonString(id)),"page":\#(page),"limit":\#(limit),"next_page":\#(next),"events":[\#(items.joined(separator: ","))]}"#)
    }

    func download(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let q = try ArchiveQuery(request.uri.query, known: ["format"])
        let id = try Self.pathID(context)
        let name = try q.text("format") ?? CaptureFormat.nevrcap.rawValue
        guard let format = CaptureFormat(rawValue: name.lowercased()) else {
            throw ArchiveAPIError.badRequest("unknown format \"\(ArchiveQuery.shown(name))\"; known: \(CaptureFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let detail = try await archive.match(id: id) else { throw ArchiveAPIError.notFound("no match \"\(ArchiveQuery.shown(id))\"") }
        let row = detail.match
        guard let capture = row.value("capture", row: 0)?.text, let start = row.value("started_at_ms", row: 0)?.int,
              let end = row.value("ended_at_ms", row: 0)?.int, start <= end
        else { throw ArchiveAPIError(.internalServerError, "match \(id) has no usable capture or time span in the archive") }
        guard FileManager.default.fileExists(atPath: capture) else {
            throw ArchiveAPIError.notFound("the capture of match \"\(ArchiveQuery.shown(id))\" is no longer at the path the archive has")
        }
        let (file, _) = try await MatchDownload(capture: URL(fileURLWithPath: capture), window: start...end, format: format).write(into: scratch)
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        let filename = Self.safeFileName(id) + "." + format.preferredExtension
        var headers: HTTPFields = [.contentType: "application/octet-stream"]
        headers[.contentDisposition] = #"attachment; filename="\#(filename)""#
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? FileManager.default.removeItem(at: file) }
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    func players(_ request: Request) async throws -> Response {
        let q = try ArchiveQuery(request.uri.query, known: ["limit"])
        let limit = try q.integer("limit", in: 1...Self.maximumLimit, default: 100)
        let table = try await archive.players(limit: limit)
        return ArchiveJSON.response(#"{"players":\#(table.jsonArray())}"#)
    }

    func stats(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let q = try ArchiveQuery(request.uri.query, known: ["last", "columns", "total"])
        let id = try Self.pathID(context)
        let last = try q.integer("last", in: 1...100_000, default: 100)
        let columns = try q.list("columns", limit: Archive.statColumns.count)
        for column in columns where !Archive.statColumns.contains(column) {
            throw ArchiveAPIError.badRequest("unknown stat \"\(ArchiveQuery.shown(column))\"; known: \(Archive.statColumns.joined(separator: ", "))")
        }
        let total = try q.flag("total")
        guard let player = try await archive.player(id) else { throw ArchiveAPIError.notFound("no player \"\(ArchiveQuery.shown(id))\"") }
        guard let userID = player.value("user_id", row: 0)?.text else { throw ArchiveAPIError(.internalServerError, "player row without user_id") }
        let table = try await archive.stats(.init(player: userID, last: last, columns: columns, total: total))
        let who = player.jsonObject(player.rows[0])
        if total {
            let sums = table.rows.isEmpty ? "{}" : table.jsonObject(table.rows[0])
            return ArchiveJSON.response(#"{"player":\#(who),"total":\#(sums)}"#)
        }
        return ArchiveJSON.response(#"{"player":\#(who),"stats":\#(table.jsonArray())}"#)
    }

    // MARK: parameters

    /// `limit` (1...maxLimit) and `page` (1-based), with their offset checked against
    /// ``maximumOffset``.
    static func paging(_ q: ArchiveQuery, maxLimit: Int, defaultLimit: Int) throws(ArchiveAPIError) -> (limit: Int, page: Int, offset: Int) {
        let limit = try q.integer("limit", in: 1...maxLimit, default: defaultLimit)
        let page = try q.integer("page", in: 1...maximumOffset, default: 1)
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
        guard !overflow, offset <= maximumOffset else {
            throw ArchiveAPIError.badRequest("page \(page) of \(limit) starts beyond row \(maximumOffset), the deepest the API pages")
        }
        return (limit, page, offset)
    }

    /// The `:id` path segment, percent-decoded (a match id holds `@`, which clients may escape).
    static func pathID(_ context: BasicRequestContext) throws(ArchiveAPIError) -> String {
        guard let raw = context.parameters.get("id"), let id = raw.removingPercentEncoding, !id.isEmpty, id.utf8.count <= 512 else {
            throw ArchiveAPIError.badRequest("bad id in the path")
        }
        return id
    }

    /// `id` with every character outside `[A-Za-z0-9._-]` as `_`, for a download's file name.
    static func safeFileName(_ id: String) -> String {
        String(id.unicodeScalars.map { scalar -> Character in
            let ok = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "." || scalar == "-"
            return ok ? Character(scalar) : "_"
        })
    }
}
