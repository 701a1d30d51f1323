import ArgumentParser
import NEVRSimulator

/// The match options `nevr simulate` and `nevr demo` share.
struct SimulationArguments: ParsableArguments {
    @Option(help: "Random seed: same seed, same match.")
    var seed: UInt64 = 3

    @Option(help: "Game time to simulate (e.g. 90s, 5m; at least 30s). Default: 5m for simulate, 2m for demo.")
    var duration: DurationArgument?

    @Option(help: "Frames per second (the recorder's poll rate).")
    var rate: Double = 60

    @Option(help: "Players on the two teams (4-12); a spectator is added.")
    var players = 8

    @Flag(help: "Also simulate /player_bones (23 bones per player).")
    var bones = false

    func options(defaultDuration: Double) -> SimulationOptions {
        SimulationOptions(seed: seed, duration: duration?.seconds ?? defaultDuration, rate: rate, players: players, bones: bones)
    }

    func validate() throws {
        if let problem = options(defaultDuration: 300).problem { throw ValidationError(problem) }
    }
}
