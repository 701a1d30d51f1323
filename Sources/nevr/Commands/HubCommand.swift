import ArgumentParser
import Foundation
import NEVRHub

#if NATS
import NEVRNATS
#endif

/// `nevr hub`: the WebSocket hub between publishers (recorders) and subscribers (overlays, bots).
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Run the WebSocket hub: publishers push frames to /publish, subscribers read /subscribe.",
        discussion: """
            Endpoints: GET /publish (WebSocket), GET /subscribe?match=<id>|all&format=json|binary\
            &parts=session,bones,events&since=<seconds>|all (WebSocket), GET /healthz, GET /metrics.
            GET /matches lists the matches a subscriber can follow.
            With --token, /publish, /subscribe, /matches and /metrics need "Authorization: Bearer <token>" or ?token=<token>.
            With --nats nats://HOST:4222 the hub is one node of a cluster: frames go to a JetStream stream \
            (per-match subjects, --ring frames per match, --max-total-mib and --max-age for the stream) and \
            subscribers on any node get any match (docs/hub-cluster.md).
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

    @Option(help: "Join a hub cluster over NATS JetStream: nats://[user:password@|token@]HOST[:PORT] (docs/hub-cluster.md).")
    var nats: String?
    @Option(help: "With --nats: the JetStream stream all nodes share.") var natsStream: String = "NEVR_HUB"
    @Option(help: "With --nats: the subject prefix of the stream (frames on <prefix>.m.<match>).") var natsSubjectPrefix: String = "nevr.hub"
    @Option(help: "With --nats: where JetStream keeps the frames: file or memory.") var natsStorage: String = "file"
    @Option(help: "With --nats: user name (instead of one in the URL).") var natsUser: String?
    @Option(help: "With --nats: password (instead of one in the URL).") var natsPassword: String?
    @Option(help: "With --nats: token (instead of one in the URL).") var natsToken: String?
    @Option(help: "With --nats: seconds a frame is kept in the stream (0 = no age limit).") var maxAge: Int = 3_600

    func validate() throws {
        if nats == nil {
            let natsOnly = [natsUser, natsPassword, natsToken].contains { $0 != nil }
            guard !natsOnly else { throw ValidationError("--nats-user, --nats-password and --nats-token need --nats") }
        }
        guard ["file", "memory"].contains(natsStorage) else { throw ValidationError("--nats-storage must be file or memory") }
        guard (0...(10 * 365 * 86_400)).contains(maxAge) else { throw ValidationError("--max-age must be 0...315360000 seconds") }
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
        let serverConfig = HubServer.Configuration(host: host, port: port, token: token, hub: hubConfig, maxMessageSize: maxMessageMib << 20)
        let server: HubServer
        var cluster: (any Sendable)?
        if let nats {
            let (relayServer, relay) = try await clusterNode(nats, serverConfig)
            server = relayServer
            cluster = relay
        } else {
            server = HubServer(configuration: serverConfig)
        }
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
        await closeCluster(cluster)
        let s = server.hub.statistics
        Terminal.note(
            "nevr hub: \(s.framesIn) frames in, \(s.framesOut) out, \(s.duplicateFramesIn) duplicates, "
                + "\(s.badMessages) bad messages, \(s.subscribersDropped) slow subscribers dropped, \(s.framesSkipped) frames skipped, "
                + "\(s.framesRefused) refused by a budget, \(s.framesEvicted) evicted to stay within the byte budgets")
    }
}

extension HubCommand {
    /// A cluster node: the relay connected to NATS (the stream created or updated), or the
    /// `nevr: nats://host:port: reason` error and a failure exit.
    func clusterNode(_ text: String, _ serverConfig: HubServer.Configuration) async throws -> (HubServer, any Sendable) {
        #if NATS
        var url: NATSURL
        do {
            url = try NATSURL(parsing: text)
        } catch {
            CLIOutput.printError(file: "--nats", error.description)
            throw ExitCode.failure
        }
        if let natsUser { url.user = natsUser }
        if let natsPassword { url.password = natsPassword }
        if let natsToken { url.token = natsToken }
        var config = JetStreamRelay.Configuration(url: url)
        config.stream = natsStream
        config.subjectPrefix = natsSubjectPrefix
        config.maxFramesPerMatch = serverConfig.hub.ringCapacity
        config.maxBytes = serverConfig.hub.maxTotalBytes
        config.maxAge = maxAge == 0 ? nil : .seconds(maxAge)
        config.storage = natsStorage == "memory" ? .memory : .file
        let hub = StreamHub(configuration: serverConfig.hub, metrics: HubMetrics())
        let relay: JetStreamRelay
        do {
            relay = try await JetStreamRelay.connect(config, hub: hub)
        } catch let error as HubClusterError {
            switch error {
            case .unavailable(let url, let reason): CLIOutput.printError(file: url, reason)
            case .invalidConfiguration(let reason): CLIOutput.printError(file: "--nats", reason)
            }
            throw ExitCode.failure
        }
        Terminal.note(
            "nevr hub: cluster node on \(url) (stream \(config.stream), subjects \(relay.subjects.all), "
                + "\(config.maxFramesPerMatch) frames per match)")
        return (HubServer(configuration: serverConfig, hub: hub, relay: relay), relay)
        #else
        CLIOutput.printError(file: "--nats", "this nevr was built without the NATS trait")
        throw ExitCode.failure
        #endif
    }

    /// Closes the cluster node's NATS connection.
    func closeCluster(_ cluster: (any Sendable)?) async {
        #if NATS
        if let relay = cluster as? JetStreamRelay { await relay.close() }
        #endif
    }
}

extension SlowSubscriberPolicy: ExpressibleByArgument {}
