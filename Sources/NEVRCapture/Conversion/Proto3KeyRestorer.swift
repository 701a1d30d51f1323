import NEVRCore

/// Puts back the `/session` keys that proto3 dropped because their value was zero,
/// `false` or empty, so a frame from a Go-written `.nevrcap` rebuilds into the JSON the
/// game wrote.
///
/// Proto3 cannot tell "key absent" from "key present with 0"; nested messages, though, keep
/// their presence (the Go tools serialise an empty sub-message when the JSON object existed).
/// The rule therefore reads the frame's era off the objects that are present and writes
/// every key the game writes in that era, with its zero value where it is missing:
///
/// | evidence in the frame | era | keys filled when missing |
/// |---|---|---|
/// | always | 2018+ | `sessionid`, `match_type`, `map_name`, `game_status`, `game_clock`, `game_clock_display`, `private_match`, `tournament_match`, `blue_points`, `orange_points`; disc `bounce_count`; team `team`, `possession`; player `name`, `playerid`, `userid`, `number`, `level`, `stunned`, `invulnerable`, `blocking`, `possession`; every `stats` counter |
/// | `player` object or a player `head` | Sept 2020+ | `sessionip`, `blue_team_restart_request`, `orange_team_restart_request`; player `ping` |
/// | `pause` object | Dec 2020+ | `pause` fields (`""` / `0.0`) |
/// | `last_throw` object | 2021+ | `blue_round_score`, `orange_round_score`, `total_round_count`, the four shoulder inputs, `err_code`; player `packetlossratio`; every `last_throw` and `last_score` field |
/// | `rules_changed_by` present | 2022+ | `rules_changed_at`; player `is_emote_playing` |
///
/// Keys the game only sometimes writes (`client_name`, Combat keys, `holding_*`, which
/// are never empty when present) are left as they are. Files whose sessions carry
/// `key_presence` (every file this toolkit writes now) keep every present key explicitly and
/// are never restored; for older files of this toolkit the header's `writer` metadata says the
/// same (see ``CaptureConversion/needsKeyRestore(header:notes:)``).
public enum Proto3KeyRestorer {
    /// Puts back, in place, the keys an old proto3 writer dropped from `s` (see the type's table).
    public static func restore(_ s: inout Session) {
        fill(&s, Eras(s))
    }

    /// What the frame shows of its build era (the evidence column of the type's table).
    struct Eras {
        var sept2020: Bool
        var dec2020: Bool
        var y2021: Bool
        var y2022: Bool

        init(_ s: Session) {
            sept2020 = s.player != nil || (s.teams ?? []).contains { ($0.players ?? []).contains { $0.head != nil } }
            dec2020 = s.pause != nil
            y2021 = s.lastThrow != nil
            y2022 = s.rulesChangedBy != nil
        }
    }

    // The per-object fills (which key, which era, which zero) are generated from
    // `schema/session.toml` (`restore = true`): Proto3KeyRestorer.generated.swift.

    @inline(__always)
    static func fill<T>(_ value: inout T?, _ zero: T) {
        if value == nil { value = zero }
    }
}
