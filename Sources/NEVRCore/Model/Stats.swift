/// The twelve cumulative counters a player (and, summed, a team) carries.
///
/// Counters are cumulative for the match; a capture that begins mid-match
/// starts from non-zero values.
public struct Stats: Hashable, Sendable {
    public var possessionTime: Double?
    public var points: Int32?
    public var saves: Int32?
    public var goals: Int32?
    public var stuns: Int32?
    public var passes: Int32?
    public var catches: Int32?
    public var steals: Int32?
    public var blocks: Int32?
    public var interceptions: Int32?
    public var assists: Int32?
    public var shotsTaken: Int32?

    public init(
        possessionTime: Double? = nil, points: Int32? = nil, saves: Int32? = nil, goals: Int32? = nil,
        stuns: Int32? = nil, passes: Int32? = nil, catches: Int32? = nil, steals: Int32? = nil,
        blocks: Int32? = nil, interceptions: Int32? = nil, assists: Int32? = nil, shotsTaken: Int32? = nil
    ) {
        self.possessionTime = possessionTime
        self.points = points
        self.saves = saves
        self.goals = goals
        self.stuns = stuns
        self.passes = passes
        self.catches = catches
        self.steals = steals
        self.blocks = blocks
        self.interceptions = interceptions
        self.assists = assists
        self.shotsTaken = shotsTaken
    }
}
