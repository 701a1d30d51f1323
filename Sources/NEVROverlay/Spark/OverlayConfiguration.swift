/// What the caster chose (Spark's overlay config): team names and which overlay parts show.
/// Served in `/overlay_info` and as the `overlay_config` WebSocket message.
public struct OverlayConfiguration: Sendable, Equatable {
    /// Team names set by the caster.
    public var teamNames: TeamNames
    /// Spark's visibility switches, all on by default.
    public var visibility: [(String, Bool)]

    /// Spark's visibility switch names, in Spark's order.
    public static let visibilityKeys = [
        "minimap", "main_banner", "neutral_jousts", "defensive_jousts", "event_log", "playspace", "player_speed", "disc_speed",
    ]

    /// Every part visible; the game's team names unless given.
    public init(teamNames: TeamNames = .init()) {
        self.teamNames = teamNames
        visibility = Self.visibilityKeys.map { ($0, true) }
    }

    /// Same team names and the same visibility switches.
    public static func == (a: Self, b: Self) -> Bool {
        a.teamNames == b.teamNames && a.visibilityJSON == b.visibilityJSON
    }

    var visibilityJSON: SparkJSON { .object(visibility.map { ($0.0, .bool($0.1)) }) }

    var casterPrefsJSON: SparkJSON {
        .object([("blue_team_name", .string(teamNames.blue ?? "")), ("orange_team_name", .string(teamNames.orange ?? ""))])
    }

    /// The `overlay_config` message payload.
    public var overlayConfigJSON: SparkJSON {
        .object([("visibility", visibilityJSON), ("caster_prefs", casterPrefsJSON)])
    }
}
