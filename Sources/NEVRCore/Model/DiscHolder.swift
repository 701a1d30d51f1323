/// The top-level `possession` pair: `[team index, index in that team's players array]`,
/// `[-1, -1]` when nobody holds the disc.
public struct DiscHolder: Hashable, Sendable {
    /// Index of the team in ``Session/teams`` (0 blue, 1 orange, 2 spectators); -1 (with
    /// ``playerIndex`` -1) means nobody. Taken from the input as is: not checked against `teams`.
    public var teamIndex: Int32
    /// Index of the holder in that team's ``Team/players`` (not the player's ``Player/slot``);
    /// -1 means nobody.
    public var playerIndex: Int32

    /// A holder from the pair as the game sends it; no range check (see ``isNobody``).
    public init(teamIndex: Int32, playerIndex: Int32) {
        self.teamIndex = teamIndex
        self.playerIndex = playerIndex
    }

    /// `[-1, -1]`: nobody holds the disc.
    public static let nobody = DiscHolder(teamIndex: -1, playerIndex: -1)

    /// True when either index is negative, which the game only sends as `[-1, -1]`.
    public var isNobody: Bool { teamIndex < 0 || playerIndex < 0 }
}
