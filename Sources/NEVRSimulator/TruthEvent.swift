import NEVRCore

/// One thing the simulator made happen, attributed to the first sampled frame that shows it:
/// what an ideal detector should report from the sampled frames (`events.md`).
///
/// `slots` by kind (first is the acting player):
/// - `disc_possession_changed`: `[new holder, previous holder]`, -1 for nobody
/// - `player_steal`: `[stealer, victim]`; `goal_scored`: `[scorer]` or `[scorer, assister]`
/// - round, match, pause and scoreboard events: `[]`; every other kind: `[slot]`
///
/// Attribution follows a streaming detector: `goal_scored` comes in the first frame that
/// shows the goal's new `last_score` (the game updates it a frame after `game_status`
/// enters `score`, where `player_goal` and the scoreboard change); possession, catch,
/// throw and scoreboard events compare the two sampled frames; everything else is
/// reported in the first sampled frame after it happened.
///
/// JSON line form (keys in this order, absent details omitted):
/// `{"frame":812,"kind":"player_goal","slots":[3],"total":2,"points":3}`
public struct TruthEvent: Hashable, Sendable {
    /// Index of the sampled frame (0-based, as `Frame.index`).
    public var frameIndex: Int
    /// What happened (the detector's event kinds).
    public var kind: EventKind
    /// Player slots involved, acting player first (see the type's discussion).
    public var slots: [Int32]
    /// Running total after this increment (stat events).
    public var total: Int32?
    /// Points of a goal (`goal_scored`, `player_goal`).
    public var points: Int32?
    /// Team index: the scoring team (goal), the winner (round/match end, -1 on a tie),
    /// the new team (switch, join), the requesting team (pause/unpause).
    public var team: Int32?
    /// The team before a switch.
    public var previousTeam: Int32?
    /// Round number (`round_started`, `round_ended`): blue + orange round scores + 1 at the start.
    public var round: Int32?
    /// `last_score.goal_type` of a goal.
    public var goalType: String?
    /// `[blue_points, orange_points, blue_round_score, orange_round_score]` (`scoreboard_updated`).
    public var scores: [Int32]?

    /// A truth event; the details that do not apply to `kind` stay `nil`.
    public init(
        frameIndex: Int, kind: EventKind, slots: [Int32], total: Int32? = nil, points: Int32? = nil,
        team: Int32? = nil, previousTeam: Int32? = nil, round: Int32? = nil, goalType: String? = nil, scores: [Int32]? = nil
    ) {
        self.frameIndex = frameIndex
        self.kind = kind
        self.slots = slots
        self.total = total
        self.points = points
        self.team = team
        self.previousTeam = previousTeam
        self.round = round
        self.goalType = goalType
        self.scores = scores
    }

    /// The first slot, or -1 for events without players.
    public var slot: Int32 { slots.first ?? -1 }

    /// The JSON line (without newline), deterministic key order.
    public var jsonLine: String {
        var s = "{\"frame\":\(frameIndex),\"kind\":\"\(kind.name)\",\"slots\":["
        s += slots.map(String.init).joined(separator: ",")
        s += "]"
        if let total { s += ",\"total\":\(total)" }
        if let points { s += ",\"points\":\(points)" }
        if let team { s += ",\"team\":\(team)" }
        if let previousTeam { s += ",\"previous_team\":\(previousTeam)" }
        if let round { s += ",\"round\":\(round)" }
        if let goalType { s += ",\"goal_type\":\"\(goalType)\"" }
        if let scores { s += ",\"scores\":[" + scores.map(String.init).joined(separator: ",") + "]" }
        s += "}"
        return s
    }

    /// Order inside one frame (`events.md` rule 3): game-state, player, disc, goal, stat
    /// events; inside a group by slot.
    static func frameOrder(_ a: TruthEvent, _ b: TruthEvent) -> Bool {
        let ga = a.kind.rawValue / 10, gb = b.kind.rawValue / 10
        if ga != gb { return ga < gb }
        if a.slot != b.slot { return a.slot < b.slot }
        if a.kind != b.kind { return a.kind < b.kind }
        return (a.total ?? 0) < (b.total ?? 0)
    }
}
