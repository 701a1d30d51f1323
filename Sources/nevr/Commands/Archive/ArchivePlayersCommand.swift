import ArgumentParser
import NEVRArchive

/// `nevr archive players`: players by user id with their number of archived matches.
struct ArchivePlayersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "players", abstract: "List archived players by user id, most matches first.")

    @OptionGroup var options: ArchiveQueryOptions

    @Option(help: "At most this many players.")
    var limit: Int = 100

    func run() async throws {
        try await options.run { try await $0.players(limit: limit) }
    }
}
