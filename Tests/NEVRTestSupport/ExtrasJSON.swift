/// A `/session` and a `/player_bones` body with unknown keys and `null`s in every object the
/// schema knows (session, disc, poses, hands, stats of players and teams, `pause`, `last_throw`,
/// `last_score`, `player`, teams, an empty team, players, bones). Each object's extras come after
/// its known keys (where the writer puts them), so a lossless round trip gives these bytes back.
public enum ExtrasJSON {
    public static let session: String = #"{"disc":{"position":[0.0,1.0,2.0],"velocity":[0.0,0.0,0.0],"bounce_count":1,"up":null,"x_disc":{"a":[1,2]}},"#
        + #""sessionid":"S","game_status":"playing","teams":[{"players":[{"name":"A","#
        + #""rhand":{"pos":[0.1,0.2,0.5],"forward":[0.0,0.0,1.0],"x_hand":true},"playerid":0,"#
        + #""stats":{"possession_time":1.5,"points":2,"x_stat":null},"userid":7,"head":{"position":[0.0,1.7,0.0],"up":null},"#
        + #""body":{"position":[0.0,1.7,0.0],"x_body":"b"},"lhand":{"pos":[0.0,0.0,0.0],"x_l":[]},"velocity":[0.0,0.0,0.0],"#
        + #""Weapon":null,"x_player":{"deep":{"deeper":[null]}}}],"team":"BLUE TEAM","possession":false,"#
        + #""stats":{"points":2,"possession_time":1.5,"x_team_stat":0},"x_team":null},{"team":"ORANGE TEAM","x_empty_team":1}],"#
        + #""player":{"vr_left":[1.0,0.0,0.0],"vr_up":null,"x_vr":"v"},"pause":{"paused_state":"unpaused","paused_timer":0.0,"x_pause":false},"#
        + #""last_throw":{"arm_speed":0.0,"x_throw":1e-7},"client_name":"c","game_clock":10.0,"possession":[0,0],"#
        + #""last_score":{"team":"blue","x_score":"s","assist_scored":null},"err_code":0,"err_description":null,"x_top":[1,{"k":null}]}"#

    public static let bones: String = #"{"user_bones":[{"bone_t":[0.0,1.0,2.0],"playerid":0,"bone_o":[0.0,0.0,0.0,1.0],"x_bone":null}],"err_code":0,"x_bones":"y"}"#
}
