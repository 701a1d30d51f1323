// Conveniences over the generated model (Model.generated.swift), kept by hand because they are
// behaviour, not schema.

extension Session {
    /// The team index (0 blue, 1 orange, 2 spectators) and player for every player in the frame.
    @inlinable
    public func forEachPlayer(_ body: (_ teamIndex: Int, _ player: Player) throws -> Void) rethrows {
        guard let teams else { return }
        for (t, team) in teams.enumerated() {
            guard let players = team.players else { continue }
            for p in players { try body(t, p) }
        }
    }

    /// Number of players over all teams (spectators included).
    public var playerCount: Int {
        var n = 0
        for team in teams ?? [] { n += team.players?.count ?? 0 }
        return n
    }
}

extension UserBones {
    /// Bones in this skeleton, derived from the array lengths (23 in every known client).
    public var boneCount: Int { max((translations?.count ?? 0) / 3, (orientations?.count ?? 0) / 4) }
}
