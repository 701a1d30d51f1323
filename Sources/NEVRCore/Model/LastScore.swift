/// `last_score`: the most recent goal, repeated on every frame until the next one.
public struct LastScore: Hashable, Sendable {
    public var discSpeed: Double?
    /// `blue`, `orange` or `none`.
    public var team: String?
    /// `[NO GOAL]`, `SLAM DUNK`, `INSIDE SHOT`, `LONG SHOT`, `BOUNCE SHOT`, ...
    public var goalType: String?
    /// 0, 2 or 3.
    public var pointAmount: Int32?
    public var distanceThrown: Double?
    /// Display name, `[INVALID]` before any goal.
    public var personScored: String?
    /// Display name, `[INVALID]` when there was no assist.
    public var assistScored: String?

    public init(
        discSpeed: Double? = nil, team: String? = nil, goalType: String? = nil, pointAmount: Int32? = nil,
        distanceThrown: Double? = nil, personScored: String? = nil, assistScored: String? = nil
    ) {
        self.discSpeed = discSpeed
        self.team = team
        self.goalType = goalType
        self.pointAmount = pointAmount
        self.distanceThrown = distanceThrown
        self.personScored = personScored
        self.assistScored = assistScored
    }
}
