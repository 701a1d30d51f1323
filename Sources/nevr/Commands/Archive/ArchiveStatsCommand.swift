import ArgumentParser
import NEVRArchive

/// `nevr archive stats [PLAYER]`: per-player per-match stats, or their sums.
struct ArchiveStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per-player per-match stats (the game's cumulative stats at each match's end).",
        discussion: """
            Example: a player's saves over their last 100 matches, one row per match and then summed:
              nevr archive stats Sprock --last 100 --columns saves
              nevr archive stats Sprock --last 100 --columns saves --total
            """
    )

    @OptionGroup var options: ArchiveQueryOptions

    @Argument(help: "A player's user id or name (any case); omitted: everyone.")
    var player: String?

    @Option(help: "The last this many matches: the player's, or the archive's for everyone.")
    var last: Int = 100

    @Option(help: "Only these stats, comma-separated (points, goals, saves, stuns, passes, catches, steals, blocks, interceptions, assists, shots_taken, possession_time).")
    var columns: String?

    @Flag(help: "One row of sums over those matches.")
    var total = false

    func run() async throws {
        let names = (columns ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !Archive.statColumns.contains(name) {
            throw ValidationError("unknown stat \"\(name)\"; known: \(Archive.statColumns.joined(separator: ", "))")
        }
        try await options.run { try await $0.stats(.init(player: player, last: last, columns: names, total: total)) }
    }
}
