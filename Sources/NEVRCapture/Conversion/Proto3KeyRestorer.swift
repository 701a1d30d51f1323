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
/// are never empty when present) are left as they are. Files written by this toolkit keep
/// every present key explicitly, so ``NevrcapConversion`` applies this only to files from
/// other writers (see ``NevrcapConversion/writesExplicitZeros(_:)``).
public enum Proto3KeyRestorer {
    public static func restore(_ s: inout Session) {
        let sept2020 = s.player != nil || (s.teams ?? []).contains { ($0.players ?? []).contains { $0.head != nil } }
        let dec2020 = s.pause != nil
        let y2021 = s.lastThrow != nil
        let y2022 = s.rulesChangedBy != nil

        fill(&s.sessionID, "")
        fill(&s.matchType, "")
        fill(&s.mapName, "")
        fill(&s.gameStatus, "")
        fill(&s.gameClock, 0)
        fill(&s.gameClockDisplay, "")
        fill(&s.privateMatch, false)
        fill(&s.tournamentMatch, false)
        fill(&s.bluePoints, 0)
        fill(&s.orangePoints, 0)
        if s.disc != nil { fill(&s.disc!.bounceCount, 0) }
        if sept2020 {
            fill(&s.sessionIP, "")
            fill(&s.blueTeamRestartRequest, 0)
            fill(&s.orangeTeamRestartRequest, 0)
        }
        if dec2020, var p = s.pause {
            fill(&p.pausedState, "")
            fill(&p.unpausedTeam, "")
            fill(&p.pausedRequestedTeam, "")
            fill(&p.unpausedTimer, 0)
            fill(&p.pausedTimer, 0)
            s.pause = p
        }
        if y2021 {
            fill(&s.blueRoundScore, 0)
            fill(&s.orangeRoundScore, 0)
            fill(&s.totalRoundCount, 0)
            fill(&s.leftShoulderPressed, 0)
            fill(&s.rightShoulderPressed, 0)
            fill(&s.leftShoulderPressed2, 0)
            fill(&s.rightShoulderPressed2, 0)
            fill(&s.errCode, 0)
            var t = s.lastThrow!
            fill(&t.armSpeed, 0); fill(&t.totalSpeed, 0); fill(&t.offAxisSpinDeg, 0)
            fill(&t.wristThrowPenalty, 0); fill(&t.rotPerSec, 0); fill(&t.potSpeedFromRot, 0)
            fill(&t.speedFromArm, 0); fill(&t.speedFromMovement, 0); fill(&t.speedFromWrist, 0)
            fill(&t.wristAlignToThrowDeg, 0); fill(&t.throwAlignToMovementDeg, 0)
            fill(&t.offAxisPenalty, 0); fill(&t.throwMovePenalty, 0)
            s.lastThrow = t
            if var l = s.lastScore {
                fill(&l.discSpeed, 0); fill(&l.team, ""); fill(&l.goalType, ""); fill(&l.pointAmount, 0)
                fill(&l.distanceThrown, 0); fill(&l.personScored, ""); fill(&l.assistScored, "")
                s.lastScore = l
            }
        }
        if y2022 { fill(&s.rulesChangedAt, 0) }
        guard var teams = s.teams else { return }
        for ti in teams.indices {
            fill(&teams[ti].name, "")
            fill(&teams[ti].possession, false)
            if teams[ti].stats != nil { restore(&teams[ti].stats!) }
            guard var players = teams[ti].players else { continue }
            for pi in players.indices {
                var p = players[pi]
                fill(&p.name, ""); fill(&p.slot, 0); fill(&p.userID, 0); fill(&p.number, 0); fill(&p.level, 0)
                fill(&p.stunned, false); fill(&p.invulnerable, false); fill(&p.blocking, false); fill(&p.possession, false)
                if sept2020 { fill(&p.ping, 0) }
                if y2021 { fill(&p.packetLossRatio, 0) }
                if y2022 { fill(&p.isEmotePlaying, false) }
                if p.stats != nil { restore(&p.stats!) }
                players[pi] = p
            }
            teams[ti].players = players
        }
        s.teams = teams
    }

    static func restore(_ s: inout Stats) {
        fill(&s.possessionTime, 0); fill(&s.points, 0); fill(&s.saves, 0); fill(&s.goals, 0)
        fill(&s.stuns, 0); fill(&s.passes, 0); fill(&s.catches, 0); fill(&s.steals, 0)
        fill(&s.blocks, 0); fill(&s.interceptions, 0); fill(&s.assists, 0); fill(&s.shotsTaken, 0)
    }

    @inline(__always)
    static func fill<T>(_ value: inout T?, _ zero: T) {
        if value == nil { value = zero }
    }
}
