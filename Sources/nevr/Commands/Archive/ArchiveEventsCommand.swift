import ArgumentParser
import NEVRArchive

/// `nevr archive events`: archived events, newest match first.
struct ArchiveEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "List archived events (newest match first, frame order within a match).")

    @OptionGroup var options: ArchiveQueryOptions

    @Option(help: "Only this match (its id from `archive matches`).")
    var match: String?

    @Option(help: "Only these kinds, comma-separated (e.g. player_save,goal_scored).")
    var kinds: String?

    @Option(help: "Only events about this player (user id or name).")
    var player: String?

    @Option(help: "At most this many events.")
    var limit: Int = 1000

    func run() async throws {
        let list = (kinds ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try await options.run { try await $0.events(.init(match: match, kinds: list, player: player, limit: limit)) }
    }
}
