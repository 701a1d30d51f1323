/// The archive's tables, in the SQL both back ends accept. Numbers are `BIGINT` (64-bit in
/// both), user ids `TEXT` (they are unsigned 64-bit, which `BIGINT` cannot hold).
enum ArchiveSchema {
    static let version = 1

    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS matches (
            id TEXT PRIMARY KEY, session_id TEXT NOT NULL, capture TEXT NOT NULL,
            started_at_ms BIGINT NOT NULL, ended_at_ms BIGINT NOT NULL, started_at TEXT NOT NULL,
            map TEXT NOT NULL, match_type TEXT NOT NULL, blue_team TEXT NOT NULL, orange_team TEXT NOT NULL,
            blue_points BIGINT NOT NULL, orange_points BIGINT NOT NULL, result TEXT NOT NULL,
            completed BIGINT NOT NULL, frames BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS matches_started ON matches (started_at_ms)",
        """
        CREATE TABLE IF NOT EXISTS players (
            user_id TEXT PRIMARY KEY, name TEXT NOT NULL, last_seen_ms BIGINT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS match_players (
            match_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, team TEXT NOT NULL, number BIGINT NOT NULL,
            \(ArchivedPlayerStats.statNames.map { "\($0) BIGINT NOT NULL" }.joined(separator: ", ")),
            possession_time DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (match_id, user_id))
        """,
        "CREATE INDEX IF NOT EXISTS match_players_user ON match_players (user_id)",
        """
        CREATE TABLE IF NOT EXISTS events (
            match_id TEXT NOT NULL, seq BIGINT NOT NULL, frame BIGINT NOT NULL, time_ms BIGINT NOT NULL,
            kind TEXT NOT NULL, slot BIGINT NOT NULL, user_id TEXT NOT NULL, json TEXT NOT NULL,
            PRIMARY KEY (match_id, seq))
        """,
        "CREATE INDEX IF NOT EXISTS events_kind ON events (kind)",
    ]
}
