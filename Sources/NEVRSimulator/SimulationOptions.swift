import NEVRCore

/// What to simulate: one private arena match, sampled at ``rate`` for ``duration`` seconds.
///
/// The underlying match runs on a fixed internal tick (``MatchSimulator/tickRate``) that
/// does not depend on ``rate``: a lower rate samples the same match less often.
public struct SimulationOptions: Hashable, Sendable {
    /// Same seed, same match, same bytes.
    public var seed: UInt64
    /// Length of the capture in seconds (at least ``minimumDuration``). The match
    /// (pre-match, rounds, post-match) is planned to fit inside it.
    public var duration: Double
    /// Sampling rate in frames per second (the poll rate of a recorder).
    public var rate: Double
    /// Players on the blue and orange teams at full strength (4...12); one spectator is added.
    public var players: Int
    /// Also produce `/player_bones` for every frame.
    public var bones: Bool
    /// Wall-clock time of frame 0; `nil` derives one from the seed.
    public var startTime: Timestamp?

    /// The shortest capture a match is planned into (seconds).
    public static let minimumDuration: Double = 30
    /// Players per match the simulator supports.
    public static let playerRange = 4...12

    /// Defaults: seed 1, five minutes at 60 Hz, eight players, no bones.
    public init(seed: UInt64 = 1, duration: Double = 300, rate: Double = 60, players: Int = 8, bones: Bool = false, startTime: Timestamp? = nil) {
        self.seed = seed
        self.duration = duration
        self.rate = rate
        self.players = players
        self.bones = bones
        self.startTime = startTime
    }

    /// Why these options cannot be simulated, or `nil` when they can.
    public var problem: String? {
        if !(duration >= SimulationOptions.minimumDuration) || !duration.isFinite {
            return "duration must be at least \(Int(SimulationOptions.minimumDuration)) s (got \(duration))"
        }
        if duration > 6 * 3600 { return "duration must be at most 6 h (got \(duration) s)" }
        if !(rate > 0) || !rate.isFinite || rate > 10_000 { return "rate must be between 0 and 10000 Hz (got \(rate))" }
        if !SimulationOptions.playerRange.contains(players) {
            return "players must be between \(SimulationOptions.playerRange.lowerBound) and \(SimulationOptions.playerRange.upperBound) (got \(players))"
        }
        return nil
    }

    /// Number of frames the simulation yields: `floor(duration * rate)`.
    public var frameCount: Int { Int((duration * rate + 1e-9).rounded(.down)) }
}
