import ArgumentParser
import Foundation
import NEVRArchive

/// `nevr archive`: index captures into a database of matches, players, stats and events,
/// and query it.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Index captures into a match archive (SQLite by default, or PostgreSQL) and query it.",
        discussion: """
            The archive keeps matches (session id, time, map, teams, result), players by user id,
            each player's cumulative stats per match (the game's stats at the match's last frame)
            and the detected events. Without --database it is archive.sqlite: next to the
            captures for `add`, in the current folder for the queries. With
            --database postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE several machines add to
            and query one archive on a PostgreSQL server (no TLS: a loopback or private network).
            """,
        subcommands: [
            ArchiveAddCommand.self, ArchiveMatchesCommand.self, ArchivePlayersCommand.self,
            ArchiveStatsCommand.self, ArchiveEventsCommand.self, ArchiveServeCommand.self,
        ]
    )
}

/// Options every archive query shares.
struct ArchiveQueryOptions: ParsableArguments {
    @Option(help: "The archive: a file (default ./archive.sqlite), sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.")
    var database: String = ArchiveLocation.defaultFileName

    @Option(help: "Output: table, json (one object per line) or csv.")
    var output: ArchiveTable.Format = .table

    /// Opens the archive (it must exist), runs `body` and prints its table.
    func run(_ body: (Archive) async throws -> ArchiveTable) async throws {
        let archive: Archive
        do {
            archive = try await ArchiveLocation(database).open(mustExist: true)
        } catch {
            throw ArchiveFailure.report(error, database: database)
        }
        do {
            let table = try await body(archive)
            try? await archive.close()
            let stdout = StandardOutputBuffer()
            try stdout.append(Array(table.rendered(output).utf8))
            try stdout.flush()
        } catch {
            try? await archive.close()
            throw ArchiveFailure.report(error, database: database)
        }
    }
}

extension ArchiveTable.Format: ExpressibleByArgument {}
