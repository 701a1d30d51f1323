import ArgumentParser
import Foundation
import NEVRArchive
import NEVRArchiveServer

/// `nevr archive serve`: the archive as a REST API (docs/archive-openapi.yaml).
struct ArchiveServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer the archive's queries as a small REST API (read-only; docs/archive-openapi.yaml).",
        discussion: """
            Routes: /summary, /matches (player, map, limit, page), /matches/ID,
            /matches/ID/events, /matches/ID/download?format=FORMAT (converted on the fly),
            /players, /players/ID/stats (last, columns, total). Errors are JSON
            {"error": "..."} with status 400 (bad query) or 404 (unknown match, player, route).
            Prints the base URL on stdout once it listens; Ctrl-C stops it.
            """
    )

    @Option(help: "The archive: a file (default ./archive.sqlite), sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.")
    var database: String = ArchiveLocation.defaultFileName

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 6790

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535, not \(port)") }
    }

    func run() async throws {
        let shown = ArchiveLocation.redacted(database)
        let archive: Archive
        do {
            archive = try await ArchiveLocation(database).open(mustExist: true)
        } catch {
            throw ArchiveFailure.report(error, database: database)
        }
        let server = ArchiveServer(archive: archive, options: .init(host: host, port: port))
        let host = self.host
        let job = Task {
            try await server.run { bound in
                // Unbuffered: scripts wait for this line to know the port.
                FileHandle.standardOutput.write(Data("http://\(host):\(bound)\n".utf8))
                Terminal.note("nevr archive serve: \(shown) on http://\(host):\(bound) (/matches, /players, /summary); Ctrl-C to stop")
            }
        }
        let signals = SignalCancellation(cancelling: job)
        let result = await job.result
        withExtendedLifetime(signals) {}
        try? await archive.close()
        if case .failure(let error) = result, !(error is CancellationError) {
            throw CLIOutput.reportServer(error, address: "\(host):\(port)", file: shown)
        }
    }
}
