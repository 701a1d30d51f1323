import NEVRCore

/// Spark's joust dictionary, built from a joust event of the core stream.
///
/// The core stream's joust events (neutral and defensive, from the analysis detectors)
/// carry the slot and the measured figures; this maps them to Spark's keys:
/// `player_id`, `player_name`, `joust_time_millis`, `team_color`, `max_speed`,
/// `max_tube_exit_speed`, `joust_time`, plus `event_type` (`joust_speed` for a neutral
/// joust, `defensive_joust`), as Spark's WebSocket clients read them.
enum SparkJoust {
    /// A defensive joust by kind name or by the event's `joust_type` (`JOUST_TYPE_DEFENSIVE`, `defensive`).
    static func isDefensive(fields: SparkEventFields, kind: String) -> Bool {
        kind.contains("defensive") || (fields.string("joust_type", "type") ?? "").lowercased().contains("defensive")
    }

    static func dictionary(fields: SparkEventFields, kind: String, session: Session) -> SparkJSON {
        var player = Player()
        var teamIndex = -1
        if let slot = fields.int("player_slot", "slot") {
            session.forEachPlayer { t, p in
                if p.slot == Int32(clamping: slot) { player = p; teamIndex = t }
            }
        }
        if teamIndex < 0, let role = fields.string("team", "role", "team_color") {
            teamIndex = role.contains("BLUE") || role == "blue" ? 0 : role.contains("ORANGE") || role == "orange" ? 1 : -1
        }
        var seconds = fields.double("joust_time", "time_seconds", "time", "duration") ?? 0
        if seconds == 0, let ms = fields.double("joust_time_millis", "time_ms", "duration_ms") { seconds = ms / 1000 }
        return .object([
            ("event_type", .string(isDefensive(fields: fields, kind: kind) ? "defensive_joust" : "joust_speed")),
            ("player_id", .integer(player.userID ?? 0)),
            ("player_name", .string(player.name ?? fields.string("player_name", "display_name") ?? "")),
            ("joust_time_millis", .int(Int64((seconds * 1000).rounded()))),
            ("team_color", .string(SparkTeam.color(teamIndex))),
            ("max_speed", .double(fields.double("max_speed", "top_speed", "speed") ?? 0)),
            ("max_tube_exit_speed", .double(fields.double("max_tube_exit_speed", "tube_exit_speed") ?? 0)),
            ("joust_time", .double(seconds)),
        ])
    }
}
