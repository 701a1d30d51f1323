import ArgumentParser
import Foundation
import NEVRHub

/// `nevr hub`: the WebSocket hub between publishers (recorders) and subscribers (overlays, bots).
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the WebSocket hub: publishers push frames to /publish, subscribers read /subscribe.",
        discussion: """
            Endpoints: GET /publish (WebSocket), GET /subscribe?match=<id>|all&format=json|binary\
            &parts=session,bones,events&since=<seconds>|all (WebSocket), GET /healthz, GET /metrics.
            With --token, /publish, /subscribe and /metrics need "Authorization: Bearer <token>" or ?token=<token>.
            """
    )

    @Option(help: "TCP port (0 picks a free one).") var port: Int = 8080
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Require this bearer token from publishers and subscribers.") var token: String?
    @Option(help: "Frames kept per match for late subscribers.") var ring: Int = 10_000
    @Option(help: "Live messages a subscriber may have queued before it counts as slow.") var queue: Int = 512
    @Option(help: "What to do with a slow subscriber: drop (disconnect) or skip (discard its backlog).")
    var slow: SlowSubscriberPolicy = .drop

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard ring >= 1 else { throw ValidationError("--ring must be at least 1") }
        guard queue >= 1 else { throw ValidationError("--queue must be at least 1") }
    }

    func run() async throws {
        var hubConfig = StreamHub.Configuration()
        hubConfig.ringCapacity = ring
        hubConfig.subscriberQueue = queue
        hubConfig.slowSubscriberPolicy = slow
        let server = HubServer(configuration: .init(host: host, port: port, token: token, hub: hubConfig))
        let host = self.host
        let serving = Task {
            try await server.run { port in
                Terminal.note("nevr hub: listening on ws://\(host):\(port) (/publish, /subscribe, /healthz, /metrics)")
            }
        }
        let signals = SignalCancellation(cancelling: serving)
        do {
            try await serving.value
        } catch is CancellationError {
        } catch {
            CLIOutput.printError(file: "\(host):\(port)", "\(error)")
            throw ExitCode.failure
        }
        withExtendedLifetime(signals) {}
        let s = server.hub.statistics
        Terminal.note(
            "nevr hub: \(s.framesIn) frames in, \(s.framesOut) out, \(s.duplicateFramesIn) duplicates, "
                + "\(s.badMessages) bad messages, \(s.subscribersDropped) slow subscribers dropped, \(s.framesSkipped) frames skipped")
    }
}

extension SlowSubscriberPolicy: ExpressibleByArgument {}
