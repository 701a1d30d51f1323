import NEVRCore

/// One round of the current match as Spark keeps it (a `MatchData` per round): the players'
/// records for the round, and the goals and jousts scored in it.
///
/// ``OverlayState`` keeps the current round and up to ``OverlayState/Limits/previousRounds``
/// earlier rounds of the same match; `/stats` reports them together (players summed per team,
/// goals and jousts listed oldest first), as Spark's `/stats` does.
public struct SparkRound: Sendable {
    /// The round's number as the core stream reports it (`round_started`: blue + orange round
    /// scores + 1), 0 while the match has not started one.
    public var number: Int32
    /// Per-player records of this round, in order of first appearance.
    public var players: [SparkPlayerRecord] = []
    /// Goals of this round as `/stats` lists them (Spark's keys), oldest first.
    public var goals: [SparkJSON] = []
    /// Jousts of this round as `/stats` lists them, oldest first.
    public var jousts: [SparkJSON] = []
    /// Whether a `playing` frame was seen in this round (before that, a `round_started` does not
    /// open a new round: the pre-match frames belong to the first round).
    var sawPlay = false

    /// An empty round.
    public init(number: Int32 = 0) {
        self.number = number
    }
}

extension Array where Element == SparkRound {
    /// The rounds' player records as `/stats` reports them: one per player and team, summed
    /// over the rounds (``SparkPlayerRecord/roundStats`` added up), in order of first appearance.
    var mergedPlayers: [SparkPlayerRecord] {
        var out: [SparkPlayerRecord] = []
        for round in self {
            for r in round.players {
                if let i = out.firstIndex(where: { $0.isSamePlayer(as: r) }) {
                    out[i] = out[i].merged(with: r)
                } else {
                    out.append(r)
                }
            }
        }
        return out
    }
}
