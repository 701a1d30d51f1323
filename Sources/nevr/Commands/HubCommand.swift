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
    @Option(help: "Largest WebSocket message accepted, in MiB (a frame with bones is ~30 KB).") var maxMessageMib: Int = 4
    @Option(help: "Bytes of frames kept per match, in MiB (oldest frames go first beyond it).") var maxMatchMib: Int = 256
    @Option(help: "Bytes of frames kept in all matches together, in MiB (the largest match gives up frames first).")
    var maxTotalMib: Int = 1_024
    @Option(help: "Bytes queued for one subscriber, in MiB, before it counts as slow.") var maxSubscriberMib: Int = 64
    @Option(help: "Matches kept at once; a new one replaces only a match idle for 60 s, otherwise it is refused.")
    var maxMatches: Int = 64
    @Option(help: "Matches one publisher connection may feed (so one publisher cannot crowd out the others).")
    var maxMatchesPerPublisher: Int = 8

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard ring >= 1 else { throw ValidationError("--ring must be at least 1") }
        guard queue >= 1 else { throw ValidationError("--queue must be at least 1") }
        // Each budget is range-checked before it is multiplied into bytes (no overflow, no zero budget).
        for (name, value) in [
            ("--max-message-mib", maxMessageMib), ("--max-match-mib", maxMatchMib), ("--max-total-mib", maxTotalMib),
            ("--max-subscriber-mib", maxSubscriberMib),
        ] where !(1...1_048_576).contains(value) {
            throw ValidationError("\(name) must be 1...1048576 (MiB), not \(value)")
        }
        guard maxMatchMib <= maxTotalMib else {
            throw ValidationError("--max-match-mib (\(maxMatchMib)) must not exceed --max-total-mib (\(maxTotalMib))")
        }
        guard (1...100_000).contains(maxMatches) else { throw ValidationError("--max-matches must be 1...100000") }
        guard (1...100_000).contains(maxMatchesPerPublisher) else {
            throw ValidationError("--max-matches-per-publisher must be 1...100000")
        }
    }

    func run() async throws {
        var hubConfig = StreamHub.Configuration()
        hubConfig.ringCapacity = ring
        hubConfig.subscriberQueue = queue
        hubConfig.slowSubscriberPolicy = slow
        hubConfig.maxMatchBytes = maxMatchMib << 20
        hubConfig.maxTotalBytes = maxTotalMib << 20
        hubConfig.subscriberQueueBytes = maxSubscriberMib << 20
        hubConfig.maxMatches = maxMatches
        hubConfig.maxMatchesPerPublisher = maxMatchesPerPublisher
        let server = HubServer(
            configuration: .init(host: host, port: port, token: token, hub: hubConfig, maxMessageSize: maxMessageMib << 20))
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
            throw CLIOutput.reportServer(error, address: "\(host):\(port)", file: "ws://\(host):\(port)")
        }
        withExtendedLifetime(signals) {}
        let s = server.hub.statistics
        Terminal.note(
            "nevr hub: \(s.framesIn) frames in, \(s.framesOut) out, \(s.duplicateFramesIn) duplicates, "
                + "\(s.badMessages) bad messages, \(s.subscribersDropped) slow subscribers dropped, \(s.framesSkipped) frames skipped, "
                + "\(s.framesRefused) refused by a budget, \(s.framesEvicted) evicted to stay within the byte budgets")
    }
}

extension SlowSubscriberPolicy: ExpressibleByArgument {}
