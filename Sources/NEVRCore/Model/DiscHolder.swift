/// The top-level `possession` pair: `[team index, index in that team's players array]`,
/// `[-1, -1]` when nobody holds the disc.
public struct DiscHolder: Hashable, Sendable {
    public var teamIndex: Int32
    public var playerIndex: Int32

    public init(teamIndex: Int32, playerIndex: Int32) {
        self.teamIndex = teamIndex
        self.playerIndex = playerIndex
    }

    public static let nobody = DiscHolder(teamIndex: -1, playerIndex: -1)

    public var isNobody: Bool { teamIndex < 0 || playerIndex < 0 }
}
