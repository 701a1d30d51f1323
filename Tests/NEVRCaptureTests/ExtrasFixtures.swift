import NEVRCore

/// Where ``ExtrasJSON`` puts its unknown keys and `null`s, object by object.
enum ExtrasFixtures {
    /// Every object's extra keys, by JSON path, as the reader must report them.
    static func extraKeys(_ s: Session, _ b: PlayerBones) -> [String: [String]] {
        var out: [String: [String]] = [:]
        func put(_ path: String, _ list: [ExtraField]?) { out[path] = (list ?? []).map(\.key) }
        put("", s.extras)
        put("disc", s.disc?.extras)
        put("player", s.player?.extras)
        put("pause", s.pause?.extras)
        put("last_throw", s.lastThrow?.extras)
        put("last_score", s.lastScore?.extras)
        put("teams[0]", s.teams?[0].extras)
        put("teams[0].stats", s.teams?[0].extras(of: .stats))
        put("teams[1]", s.teams?[1].extras)
        let p = s.teams?[0].players?[0]
        put("teams[0].players[0]", p?.extras)
        put("teams[0].players[0].stats", p?.extras(of: .stats))
        put("teams[0].players[0].head", p?.extras(of: .head))
        put("teams[0].players[0].body", p?.extras(of: .body))
        put("teams[0].players[0].lhand", p?.extras(of: .leftHand))
        put("teams[0].players[0].rhand", p?.extras(of: .rightHand))
        put("player_bones", b.extras)
        put("player_bones.user_bones[0]", b.userBones?[0].extras)
        return out
    }

    static let expectedExtraKeys: [String: [String]] = [
        "": ["err_description", "x_top"], "disc": ["up", "x_disc"], "player": ["vr_up", "x_vr"], "pause": ["x_pause"],
        "last_throw": ["x_throw"], "last_score": ["x_score", "assist_scored"], "teams[0]": ["x_team"],
        "teams[0].stats": ["x_team_stat"], "teams[1]": ["x_empty_team"], "teams[0].players[0]": ["Weapon", "x_player"],
        "teams[0].players[0].stats": ["x_stat"], "teams[0].players[0].head": ["up"], "teams[0].players[0].body": ["x_body"],
        "teams[0].players[0].lhand": ["x_l"], "teams[0].players[0].rhand": ["x_hand"], "player_bones": ["x_bones"],
        "player_bones.user_bones[0]": ["x_bone"],
    ]
}
