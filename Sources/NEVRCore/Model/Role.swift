/// The role a team index stands for (protobuf `Role` in `.nevrcap`).
public enum Role: Int32, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case blueTeam = 1
    case orangeTeam = 2
    case spectator = 3
    case socialParticipant = 4
    case moderator = 5

    /// The role of the team at `index` in the `teams` array (0 blue, 1 orange, 2 spectators).
    public init(teamIndex: Int) {
        switch teamIndex {
        case 0: self = .blueTeam
        case 1: self = .orangeTeam
        case 2: self = .spectator
        default: self = .unspecified
        }
    }

    /// The protobuf enum value name, as `.nevrcap` tools and `nevr events --json` spell it.
    public var protoName: String {
        switch self {
        case .unspecified: "ROLE_UNSPECIFIED"
        case .blueTeam: "ROLE_BLUE_TEAM"
        case .orangeTeam: "ROLE_ORANGE_TEAM"
        case .spectator: "ROLE_SPECTATOR"
        case .socialParticipant: "ROLE_SOCIAL_PARTICIPANT"
        case .moderator: "ROLE_MODERATOR"
        }
    }
}
