import Foundation
import NEVRCore

/// The match archive: adds ``ArchivedMatch``es and answers the queries of `nevr archive`
/// over any ``ArchiveStore`` (SQLite by default, PostgreSQL with `postgres://`).
///
/// ```swift
/// let archive = try await Archive(store: SQLiteArchiveStore(path: "captures/archive.sqlite"))
/// for match in try MatchIndexer().index(url).matches { _ = try await archive.add(match) }
/// print(try await archive.stats(.init(player: "Sprock", last: 100)).rendered(.table))
/// try await archive.close()
/// ```
public actor Archive {
    /// The database underneath.
    public let store: any ArchiveStore

    /// Opens the archive on `store`, creating its tables when they are missing.
    public init(store: any ArchiveStore) async throws {
        self.store = store
        for statement in ArchiveSchema.statements { _ = try await store.query(statement, []) }
    }

    /// Closes the database.
    public func close() async throws { try await store.close() }

    /// Adds one match with its players, stats and events in one transaction. Returns false
    /// (adding nothing) when a match with the same ``ArchivedMatch/id`` is already there.
    @discardableResult
    public func add(_ match: ArchivedMatch) async throws -> Bool {
        let existing = try await store.query("SELECT id FROM matches WHERE id = $1", [.text(match.id)])
        if !existing.rows.isEmpty { return false }
        _ = try await store.query("BEGIN", [])
        let inserted: Bool
        do {
            inserted = try await insert(match)
            _ = try await store.query(inserted ? "COMMIT" : "ROLLBACK", [])
        } catch {
            _ = try? await store.query("ROLLBACK", [])
            throw error
        }
        return inserted
    }

    /// Inserts the match row first; when another writer (a second machine on a shared
    /// PostgreSQL archive) added the same match since the check in ``add(_:)``, the row is not
    /// inserted (`ON CONFLICT DO NOTHING`, nothing `RETURNING`) and this returns false.
    private func insert(_ m: ArchivedMatch) async throws -> Bool {
        let row = try await store.query(
            """
            INSERT INTO matches (id, session_id, capture, started_at_ms, ended_at_ms, started_at, map, match_type,
                blue_team, orange_team, blue_points, orange_points, result, completed, frames)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            [
                .text(m.id), .text(m.sessionID), .text(m.capture), .int(m.startedAtMs), .int(m.endedAtMs),
                .text(Self.iso(m.startedAtMs)), .text(m.map), .text(m.matchType), .text(m.blueTeam), .text(m.orangeTeam),
                .int(Int64(m.bluePoints)), .int(Int64(m.orangePoints)), .text(m.result), .int(m.completed ? 1 : 0),
                .int(Int64(m.frames)),
            ])
        guard !row.rows.isEmpty else { return false }
        let statColumns = ArchivedPlayerStats.statNames
        let columnList = (["match_id", "user_id", "name", "team", "number"] + statColumns + ["possession_time"]).joined(separator: ", ")
        let placeholders = (1...(6 + statColumns.count)).map { "$\($0)" }.joined(separator: ", ")
        for p in m.players {
            _ = try await store.query(
                """
                INSERT INTO players (user_id, name, last_seen_ms) VALUES ($1, $2, $3)
                ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, last_seen_ms = excluded.last_seen_ms
                WHERE excluded.last_seen_ms >= players.last_seen_ms
                """,
                [.text(p.userID), .text(p.name), .int(m.endedAtMs)])
            let binds: [ArchiveValue] = [.text(m.id), .text(p.userID), .text(p.name), .text(p.team), .int(Int64(p.number))]
                + p.values.map { .int(Int64($0)) } + [.double(p.possessionTime)]
            _ = try await store.query("INSERT INTO match_players (\(columnList)) VALUES (\(placeholders))", binds)
        }
        // Events in multi-row statements: one round trip per 100 events, not per event.
        let perRow = 8
        var start = 0
        while start < m.events.count {
            let chunk = m.events[start..<min(start + 100, m.events.count)]
            var values: [String] = []
            var binds: [ArchiveValue] = []
            for (i, e) in chunk.enumerated() {
                values.append("(" + (1...perRow).map { "$\(i * perRow + $0)" }.joined(separator: ", ") + ")")
                binds += [.text(m.id), .int(Int64(e.sequence)), .int(Int64(e.frame)), .int(e.timeMs), .text(e.kind),
                          .int(Int64(e.slot)), .text(e.userID), .text(e.json)]
            }
            _ = try await store.query(
                "INSERT INTO events (match_id, seq, frame, time_ms, kind, slot, user_id, json) VALUES " + values.joined(separator: ", "),
                binds)
            start += chunk.count
        }
        return true
    }

    /// Which matches ``matches(_:)`` lists: the newest first.
    public struct MatchQuery: Sendable {
        /// Only matches this player (user id or display name, any case) played in.
        public var player: String?
        /// Only matches on this map.
        public var map: String?
        /// At most this many (1...100_000).
        public var limit: Int
        /// Leave out this many of the newest first (paging; 0...10_000_000).
        public var offset: Int
        /// Creates a query.
        public init(player: String? = nil, map: String? = nil, limit: Int = 100, offset: Int = 0) {
            self.player = player
            self.map = map
            self.limit = limit
            self.offset = offset
        }
    }

    /// The columns of ``matches(_:)``.
    public static let matchColumns = [
        "id", "started_at", "map", "blue_team", "orange_team", "blue_points", "orange_points", "result", "completed", "frames",
        "session_id", "capture",
    ]

    /// Matches, newest first.
    public func matches(_ q: MatchQuery) async throws -> ArchiveTable {
        var sql = """
            SELECT id, started_at, map, blue_team, orange_team, blue_points, orange_points, result, completed, frames, session_id, capture
            FROM matches
            """
        var conditions: [String] = []
        var binds: [ArchiveValue] = []
        if let player = q.player {
            binds.append(.text(player))
            conditions.append("id IN (SELECT match_id FROM match_players WHERE user_id = $\(binds.count) OR lower(name) = lower($\(binds.count)))")
        }
        if let map = q.map {
            binds.append(.text(map))
            conditions.append("map = $\(binds.count)")
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        binds.append(.int(Int64(Self.clampLimit(q.limit))))
        sql += " ORDER BY started_at_ms DESC, id LIMIT $\(binds.count)"
        binds.append(.int(Int64(Self.clampOffset(q.offset))))
        sql += " OFFSET $\(binds.count)"
        return try await store.query(sql, binds).named(Self.matchColumns)
    }

    /// One match (as ``matches(_:)`` spells it) and its players' stats, or `nil`.
    public func match(id: String) async throws -> (match: ArchiveTable, players: ArchiveTable)? {
        let match = try await store.query(
            """
            SELECT id, started_at, ended_at_ms, started_at_ms, map, match_type, blue_team, orange_team, blue_points, orange_points,
                result, completed, frames, session_id, capture FROM matches WHERE id = $1
            """, [.text(id)])
        guard !match.rows.isEmpty else { return nil }
        let players = try await store.query(
            "SELECT user_id, name, team, number, \(ArchivedPlayerStats.statNames.joined(separator: ", ")), possession_time FROM match_players WHERE match_id = $1 ORDER BY team, number, name",
            [.text(id)])
        return (match, players)
    }

    /// The capture file a match was read from, or `nil` for an unknown match.
    public func capture(ofMatch id: String) async throws -> String? {
        try await store.query("SELECT capture FROM matches WHERE id = $1", [.text(id)]).value("capture", row: 0)?.text
    }

    /// Players by user id with how many archived matches they played, most matches first.
    public func players(limit: Int = 100) async throws -> ArchiveTable {
        try await store.query(
            """
            SELECT p.user_id, p.name, COUNT(mp.match_id) AS matches, MAX(m.started_at) AS last_match
            FROM players p JOIN match_players mp ON mp.user_id = p.user_id JOIN matches m ON m.id = mp.match_id
            GROUP BY p.user_id, p.name ORDER BY matches DESC, p.name LIMIT $1
            """, [.int(Int64(Self.clampLimit(limit)))]).named(["user_id", "name", "matches", "last_match"])
    }

    /// The player with this user id, or else with this display name (any case; the most
    /// recently seen of several), as `user_id`, `name`, `last_seen_ms`; `nil` when unknown.
    public func player(_ idOrName: String) async throws -> ArchiveTable? {
        let found = try await store.query(
            """
            SELECT user_id, name, last_seen_ms FROM players WHERE user_id = $1 OR lower(name) = lower($1)
            ORDER BY CASE WHEN user_id = $1 THEN 0 ELSE 1 END, last_seen_ms DESC LIMIT 1
            """, [.text(idOrName)])
        return found.rows.isEmpty ? nil : found
    }

    /// Which rows ``stats(_:)`` gives.
    public struct StatsQuery: Sendable {
        /// The player (user id or display name, any case); `nil`: everyone.
        public var player: String?
        /// The last this many matches: the player's, or the archive's for everyone (1...100_000).
        public var last: Int
        /// Only these stat columns (``ArchivedPlayerStats/statNames`` and `possession_time`); empty: all.
        public var columns: [String]
        /// One row of sums over those matches instead of one row per match.
        public var total: Bool
        /// Creates a query.
        public init(player: String? = nil, last: Int = 100, columns: [String] = [], total: Bool = false) {
            self.player = player
            self.last = last
            self.columns = columns
            self.total = total
        }
    }

    /// Every stat column name ``stats(_:)`` accepts.
    public static let statColumns = ArchivedPlayerStats.statNames + ["possession_time"]

    /// Per-player per-match stats over the last ``StatsQuery/last`` matches (the player's, or
    /// the archive's for everyone), newest match first; or their sums with ``StatsQuery/total``
    /// (with `matches`, how many matches they cover).
    /// Throws ``ArchiveError/unknownColumn`` for a column that is not a stat.
    public func stats(_ q: StatsQuery) async throws -> ArchiveTable {
        for column in q.columns where !Self.statColumns.contains(column) { throw ArchiveError.unknownColumn(column) }
        let stats = q.columns.isEmpty ? Self.statColumns : q.columns
        var binds: [ArchiveValue] = []
        let condition: String
        // "Last N matches" counts matches, not rows: everyone's rows of the archive's last N
        // matches, or a player's rows of the last N matches they played in.
        if let player = q.player {
            binds = [.text(player), .int(Int64(Self.clampLimit(q.last)))]
            condition = """
                WHERE (mp.user_id = $1 OR lower(mp.name) = lower($1)) AND m.id IN (
                    SELECT l.id FROM matches l WHERE l.id IN (SELECT match_id FROM match_players WHERE user_id = $1 OR lower(name) = lower($1))
                    ORDER BY l.started_at_ms DESC, l.id LIMIT $2)
                """
        } else {
            binds = [.int(Int64(Self.clampLimit(q.last)))]
            condition = "WHERE m.id IN (SELECT l.id FROM matches l ORDER BY l.started_at_ms DESC, l.id LIMIT $1)"
        }
        let inner = """
            SELECT m.started_at, m.id AS match_id, mp.user_id, mp.name, mp.team, \(stats.map { "mp.\($0)" }.joined(separator: ", "))
            FROM match_players mp JOIN matches m ON m.id = mp.match_id \(condition)
            ORDER BY m.started_at_ms DESC, m.id, mp.team, mp.number, mp.user_id
            """
        if q.total {
            // CAST: PostgreSQL sums BIGINT into NUMERIC; both back ends then give plain numbers.
            let sums = stats.map { "CAST(SUM(s.\($0)) AS \($0 == "possession_time" ? "DOUBLE PRECISION" : "BIGINT")) AS \($0)" }
            return try await store.query(
                "SELECT COUNT(DISTINCT s.match_id) AS matches, \(sums.joined(separator: ", ")) FROM (\(inner)) s", binds
            ).named(["matches"] + stats)
        }
        return try await store.query(inner, binds).named(["started_at", "match_id", "user_id", "name", "team"] + stats)
    }

    /// Which events ``events(_:)`` lists.
    public struct EventQuery: Sendable {
        /// Only this match.
        public var match: String?
        /// Only these kinds (`player_save`, ...).
        public var kinds: [String]
        /// Only events about this player (user id or display name at the event's match).
        public var player: String?
        /// At most this many (1...100_000).
        public var limit: Int
        /// Leave out this many first (paging; 0...10_000_000).
        public var offset: Int
        /// Creates a query.
        public init(match: String? = nil, kinds: [String] = [], player: String? = nil, limit: Int = 1000, offset: Int = 0) {
            self.match = match
            self.kinds = kinds
            self.player = player
            self.limit = limit
            self.offset = offset
        }
    }

    /// Events in match and frame order.
    public func events(_ q: EventQuery) async throws -> ArchiveTable {
        var conditions: [String] = []
        var binds: [ArchiveValue] = []
        if let match = q.match {
            binds.append(.text(match))
            conditions.append("e.match_id = $\(binds.count)")
        }
        if !q.kinds.isEmpty {
            var marks: [String] = []
            for kind in q.kinds {
                binds.append(.text(kind))
                marks.append("$\(binds.count)")
            }
            conditions.append("e.kind IN (\(marks.joined(separator: ", ")))")
        }
        if let player = q.player {
            binds.append(.text(player))
            let n = binds.count
            conditions.append(
                "(e.user_id = $\(n) OR e.user_id IN (SELECT user_id FROM match_players mp WHERE mp.match_id = e.match_id AND lower(mp.name) = lower($\(n))))")
        }
        binds.append(.int(Int64(Self.clampLimit(q.limit))))
        binds.append(.int(Int64(Self.clampOffset(q.offset))))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try await store.query(
            """
            SELECT e.match_id, e.frame, e.time_ms, e.kind, e.slot, e.user_id, e.json FROM events e JOIN matches m ON m.id = e.match_id
            \(whereClause) ORDER BY m.started_at_ms DESC, e.match_id, e.seq LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """, binds).named(["match_id", "frame", "time_ms", "kind", "slot", "user_id", "json"])
    }

    /// Counts of matches, players, player-match rows and events.
    public func counts() async throws -> (matches: Int, players: Int, playerMatches: Int, events: Int) {
        func count(_ table: String) async throws -> Int {
            let value = try await store.query("SELECT COUNT(*) AS n FROM \(table)", []).value("n", row: 0)
            guard let n = value?.int, n >= 0, n <= Int64(Int.max) else { throw ArchiveError.badValue(column: "\(table).count", value: value?.text ?? "nothing") }
            return Int(n)
        }
        return (try await count("matches"), try await count("players"), try await count("match_players"), try await count("events"))
    }

    static func clampLimit(_ n: Int) -> Int { min(max(n, 1), 100_000) }
    static func clampOffset(_ n: Int) -> Int { min(max(n, 0), 10_000_000) }

    static func iso(_ ms: Int64) -> String {
        Timestamp(millisecondsSinceEpoch: ms).iso8601
    }
}
