import ArgumentParser
import NEVRArchive

/// `nevr archive matches`: archived matches, newest first.
struct ArchiveMatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "matches", abstract: "List archived matches, newest first.")

    @OptionGroup var options: ArchiveQueryOptions

    @Option(help: "Only matches this player (user id or name) played in.")
    var player: String?

    @Option(help: "Only matches on this map (e.g. mpl_arena_a).")
    var map: String?

    @Option(help: "At most this many matches.")
    var limit: Int = 100

    func run() async throws {
        try await options.run { try await $0.matches(.init(player: player, map: map, limit: limit)) }
    }
}
