import NEVRCore

/// The engine's strings for the telemetry v2 enums (`tape.md` §6), both ways. Unknown strings
/// map to 0 (UNSPECIFIED), unknown numbers to the empty string or `nil`.
enum TapeVocabulary {
    static let gameStatuses = [
        "", "pre_match", "round_start", "playing", "score", "round_over", "post_match", "pre_sudden_death",
        "sudden_death", "post_sudden_death",
    ]

    static func gameStatus(_ s: String?) -> Int32 {
        guard let s, let i = gameStatuses.firstIndex(of: s) else { return 0 }
        return Int32(i)
    }

    static func gameStatus(_ v: Int32) -> String {
        v >= 0 && Int(v) < gameStatuses.count ? gameStatuses[Int(v)] : ""
    }

    /// `PauseState` 1…6 (0 = no pause object).
    static let pauseStates = ["", "unpaused", "paused", "unpausing", "autopause_replay", "none", "paused_requested"]

    static func pauseState(_ s: String?) -> Int32 {
        guard let s, let i = pauseStates.firstIndex(of: s), i > 0 else { return s == nil ? 0 : 5 }
        return Int32(i)
    }

    static func pauseState(_ v: Int32) -> String? {
        v > 0 && Int(v) < pauseStates.count ? pauseStates[Int(v)] : nil
    }

    /// Team strings of `pause` and `last_score` (`blue`, `orange`, `spectator`, `none`) as `Role`.
    static func role(team s: String?) -> Int32 {
        switch s {
        case "blue": 1
        case "orange": 2
        case "spectator": 3
        default: 0
        }
    }

    static func team(role v: Int32) -> String {
        switch v {
        case 1: "blue"
        case 2: "orange"
        case 3: "spectator"
        default: "none"
        }
    }

    /// `GoalType` 0…11 as the engine spells `last_score.goal_type` (0: `[NO GOAL]` before 2.1's 6).
    static let goalTypes = [
        "", "INSIDE SHOT", "LONG SHOT", "BOUNCE SHOT", "LONG BOUNCE SHOT", "SELF GOAL", "[NO GOAL]", "SLAM DUNK",
        "HEADBUTT", "LONG HEADBUTT", "BUMPER SHOT", "LONG BUMPER SHOT",
    ]

    static func goalType(_ s: String?) -> Int32 {
        guard let s, let i = goalTypes.firstIndex(of: s), i > 0 else { return 0 }
        return Int32(i)
    }

    static func goalType(_ v: Int32) -> String {
        v > 0 && Int(v) < goalTypes.count ? goalTypes[Int(v)] : "[NO GOAL]"
    }

    /// `MatchType` numbers of pre-2026-09 headers as game-type symbols.
    static func matchType(_ v: Int32) -> String? {
        switch v {
        case 1: "Social_2.0"
        case 2: "Social_2.0_Private"
        case 3: "Echo_Arena"
        case 4: "Echo_Combat"
        case 6: "Echo_Arena_FFA"
        case 7: "Echo_Arena_Private"
        case 8: "Echo_Arena_Tournament"
        default: nil
        }
    }

    /// `(private, tournament)` from a game-type symbol: segments of the lower-cased name split on `_`.
    static func flags(gameType: String) -> (Bool, Bool) {
        let parts = gameType.lowercased().split(separator: "_")
        return (parts.contains("private"), parts.contains("tournament"))
    }

    /// `c = trunc(clock × 100)` centiseconds rendered `MM:SS.CC` (the engine truncates).
    static func clockDisplay(_ clock: Float) -> String {
        let scaled = Double(clock) * 100
        let c: Int64 = scaled.isFinite && scaled > 0 ? (scaled < 1e15 ? Int64(scaled) : 99_999_999) : 0
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c / 6000)):\(two(c / 100 % 60)).\(two(c % 100))"
    }
}
