import ArgumentParser
import Foundation
import NEVROverlay
import NEVRGameAPI
import NEVRHub

/// `nevr overlay`: Spark-compatible overlay servers and our own overlay pages.
struct OverlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overlay",
        abstract: "Serve live overlays: Spark-compatible JSON (6724) and WebSocket events (6725), and our own pages.",
        discussion: """
            Follows the game (--game URL, polled --rate times a second), a hub (--hub ws://HOST:PORT/subscribe?...) or a \
            recording (--replay FILE, at --speed, --loop). On --port: Spark's /stats, /overlay_info, /scoreboard, \
            /disc_positions, /get_player_speed, /get_disc_speed, /session, /player_bones; our pages under /overlay/ \
            (scoreboard, minimap, feed, stats, speed, all; options ?team=blue&hide=feed ...) and their feed at \
            /subscribe (the hub's JSON format). On --events-port: Spark's WebSocket protocol (subscribe:<type>). \
            Prints the overlay URL on stdout once both servers listen.
            """
    )

    @Option(help: "Game API to poll, e.g. http://127.0.0.1:6721.") var game: String?
    @Option(help: "Hub subscribe URL to follow, e.g. ws://127.0.0.1:8080/subscribe?match=all.") var hub: String?
    @Option(help: "Hub token (with --hub).") var token: String?
    @Option(help: "Recording to play (.echoreplay or .nevrcap).") var replay: String?
    @Option(help: "Playback speed of --replay: 1 is real time.") var speed: Double = 1
    @Flag(help: "Play --replay again from the start after the end.") var loop = false
    /// Polls per second, as in `record --rate`. Before option names got one meaning each, `--rate`
    /// was the replay speed (with --replay it still is, with a warning) and this was `--poll-rate`.
    @Option(help: "Polls per second of --game (default 30).") var rate: Double?
    @Option(name: .customLong("poll-rate"), help: .hidden) var deprecatedPollRate: Double?
    /// The poll rate of --game.
    var pollRate: Double { rate ?? 30 }
    @Flag(help: "Poll /player_bones too (with --game), for /player_bones passthrough.") var bones = false
    @Option(help: "HTTP port: Spark endpoints, pages, /subscribe (0: any free port).") var port = 6724
    @Option(name: .customLong("events-port"), help: "Spark WebSocket event port (0: any free port).") var eventsPort = 6725
    @Option(help: "Address to listen on (0.0.0.0 shares the overlays on the LAN).") var host = "127.0.0.1"
    @Option(name: .customLong("blue-name"), help: "Blue team name shown instead of the game's.") var blueName: String?
    @Option(name: .customLong("orange-name"), help: "Orange team name shown instead of the game's.") var orangeName: String?

    mutating func validate() throws {
        // With --replay there is nothing to poll: --rate is the old spelling of --speed.
        if replay != nil, let old = rate {
            Deprecation.warn(command: "overlay", old: "--rate", new: "--speed")
            speed = old
            rate = nil
        }
        if let old = deprecatedPollRate {
            Deprecation.warn(command: "overlay", old: "--poll-rate", new: "--rate")
            if rate == nil { rate = old }
        }
        let sources = [game != nil, hub != nil, replay != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --game URL, --hub URL, --replay FILE") }
        guard speed > 0, speed <= 1000, speed.isFinite else { throw ValidationError("--speed must be in (0, 1000]") }
        if rate != nil, game == nil { throw ValidationError("--rate is the poll rate of --game (polls per second); it does not apply to --hub or --replay") }
        guard pollRate > 0, pollRate <= 1000 else { throw ValidationError("--rate must be in (0, 1000] polls per second") }
        guard (0...65_535).contains(port), (0...65_535).contains(eventsPort) else {
            throw ValidationError("--port and --events-port must be 0...65535")
        }
        guard port == 0 || port != eventsPort else { throw ValidationError("--port and --events-port must differ") }
        if let game, !(game.hasPrefix("http://") || game.hasPrefix("https://")) {
            throw ValidationError("--game must be an http:// URL, not \"\(game)\"")
        }
        if let hub, !(hub.hasPrefix("ws://") || hub.hasPrefix("wss://")) { throw ValidationError("--hub must be a ws:// URL") }
        for name in [blueName, orangeName].compactMap({ $0 }) where name.utf8.count > 64 {
            throw ValidationError("team names are at most 64 bytes")
        }
    }

    func run() async throws {
        let source: OverlaySource
        let label: String
        if let game {
            source = .game(.init(url: game, rate: pollRate, bones: bones, segmentIdleTimeout: .seconds(5)))
            label = game
        } else if let hub {
            source = .hub(url: hub, token: token)
            label = hub
        } else {
            let replay = self.replay!
            let url = URL(fileURLWithPath: replay)
            let report = SkippedLinesReport()
            do { _ = try ServeCommand.openReplay(url, report: report) } catch {
                CLIOutput.printError(file: replay, ServeCommand.reason(error))
                throw ExitCode.failure
            }
            source = .replay(.init(rate: speed, loop: loop), { try ServeCommand.openReplay(url, report: report) })
            label = replay
        }
        if host != "127.0.0.1", host != "localhost", host != "::1" {
            Terminal.note("nevr overlay: warning: listening on \(host): anyone who can reach this address sees the overlays and the match data")
        }

        var hubConfig = StreamHub.Configuration()
        hubConfig.ringCapacity = 300  // late pages get the last frames at once, not a long backlog
        hubConfig.subscriberQueue = 120
        hubConfig.slowSubscriberPolicy = .skip  // a page that falls behind jumps to live
        let hubServer = HubServer(configuration: .init(host: host, port: port, hub: hubConfig))
        let feed = OverlayFeed(hub: hubServer.hub)
        let config = OverlayConfiguration(teamNames: TeamNames(blue: blueName, orange: orangeName))
        let http = OverlayHTTPServer(host: host, port: port, feed: feed, hubServer: hubServer, configuration: { config })
        let events = SparkEventServer(host: host, port: eventsPort, broadcaster: feed.spark, configuration: { config })
        let (host, port, eventsPort) = (self.host, self.port, self.eventsPort)
        let ports = ReadyPorts()
        let job = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await ServerFailure.tagging(port: port) {
                        try await http.run { p in
                            if let both = ports.set(http: p) { Self.announce(host: host, http: both.0, events: both.1, label: label) }
                        }
                    }
                }
                group.addTask {
                    try await ServerFailure.tagging(port: eventsPort) {
                        try await events.run { p in
                            if let both = ports.set(events: p) { Self.announce(host: host, http: both.0, events: both.1, label: label) }
                        }
                    }
                }
                group.addTask {
                    try await source.run(
                        into: feed, onNote: { note in Terminal.note("nevr overlay: \(note)") },
                        onUnreachable: { address, reason in CLIOutput.printError(file: address, reason) })
                }
                // The first failure ends the command (`waitForAll` would wait for the other,
                // healthy server forever); leaving the group cancels the rest.
                for try await _ in group {}
            }
        }
        let signals = SignalCancellation(cancelling: job)
        let result = await job.result
        withExtendedLifetime(signals) {}
        if case .failure(let error) = result, !(error is CancellationError) {
            let failure = error as? ServerFailure
            throw CLIOutput.reportServer(failure?.error ?? error, address: "\(host):\(failure?.port ?? port)", file: label)
        }
        let s = feed.spark.statistics
        Terminal.note(
            "nevr overlay: \(feed.rejectedFrames) bodies were not game frames; Spark clients: \(s.messagesOut) messages out, "
                + "\(s.framesShed) frames shed, \(s.clientsDropped) slow clients dropped, \(s.clientsRefused) refused")
    }

    static func announce(host: String, http: Int, events: Int, label: String) {
        // Unbuffered: scripts wait for this line to learn the ports.
        FileHandle.standardOutput.write(Data("http://\(host):\(http)/ ws://\(host):\(events)/\n".utf8))
        Terminal.note(
            "nevr overlay: \(label): pages at http://\(host):\(http)/overlay/ (Spark JSON on the same port), "
                + "Spark events at ws://\(host):\(events)/; Ctrl-C to stop")
    }
}

/// An error of the server on `port` (of the overlay's two), so a failure to listen names that port.
struct ServerFailure: Error {
    var port: Int
    var error: any Error

    /// Runs `body`; an error it throws (other than cancellation) comes back tagged with `port`.
    static func tagging(port: Int, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ServerFailure(port: port, error: error)
        }
    }
}

/// The two bound ports, announced once both servers listen.
final class ReadyPorts: @unchecked Sendable {
    private let lock = NSLock()
    private var http: Int?
    private var events: Int?

    func set(http p: Int) -> (Int, Int)? { lock.withLock { http = p; return both } }
    func set(events p: Int) -> (Int, Int)? { lock.withLock { events = p; return both } }
    private var both: (Int, Int)? { if let http, let events { (http, events) } else { nil } }
}
