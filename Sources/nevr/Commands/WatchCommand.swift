import ArgumentParser
import Foundation
import NEVRHub

/// `nevr watch`: subscribe to a hub and print frames or events as they arrive.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Subscribe to a hub (ws://HOST:PORT/subscribe?...) and print frames or events live.",
        discussion: """
            Prints one line per frame (time, index, match, game status, clock, score). With --events, \
            subscribes with parts=events (unless the URL names parts) and prints each event as a JSON line; \
            events are present when the publisher processed its frames. With --json, prints every \
            message as received (JSON lines; binary messages re-encoded as JSON).
            """
    )

    @Argument(help: "Subscribe URL, e.g. ws://127.0.0.1:8080/subscribe?match=all") var url: String
    @Option(help: "Bearer token (sent as an Authorization header).") var token: String?
    @Flag(help: "Print events instead of frame summaries.") var events = false
    @Flag(help: "Print every message as a JSON line.") var json = false
    @Option(help: "Stop after this many frames.") var count: Int?

    func run() async throws {
        let url = events && !self.url.contains("parts=") ? self.url + (self.url.contains("?") ? "&" : "?") + "parts=events" : self.url
        let stats = WatchStatistics()
        let (events, json, count) = (self.events, self.json, self.count)
        let watching = Task {
            try await WebSocketSubscriber.run(url: url, token: token) { message in
                if json {
                    print(String(decoding: StreamJSON.control(message), as: UTF8.self))
                } else {
                    WatchCommand.printHuman(message, events: events)
                }
                switch message {
                case .frame(let f):
                    stats.frames += 1
                    stats.events += f.eventObjects.count
                case .events(let f):
                    stats.eventMessages += 1
                    stats.events += f.eventObjects.count
                case .dropped(let reason):
                    Terminal.note("nevr: \(url): the hub dropped this subscriber: \(reason)")
                default:
                    break
                }
                if let count, stats.frames + stats.eventMessages >= count { throw WatchLimitReached() }
            }
        }
        let signals = SignalCancellation(cancelling: watching)
        do {
            try await watching.value
        } catch is CancellationError {
        } catch is WatchLimitReached {
        } catch {
            if let count, stats.frames + stats.eventMessages >= count {} else {
                CLIOutput.printError(file: url, ErrorText.reason(error, hint: HubRefusal.hubHint))
                throw ExitCode.failure
            }
        }
        withExtendedLifetime(signals) {}
        Terminal.note("nevr watch: \(stats.frames) frames, \(stats.events) events")
    }

    static func printHuman(_ message: StreamMessage, events: Bool) {
        switch message {
        case .header(let h):
            let meta = h.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("header  match \(h.match)  created \(h.createdAt.iso8601)  \(meta)")
        case .frame(let f):
            if events {
                for e in f.eventObjects { print(String(decoding: e, as: UTF8.self)) }
                return
            }
            let status = f.sessionValue("game_status") ?? f.frame?.session.gameStatus.map { "\"\($0)\"" } ?? "-"
            let clock = f.sessionValue("game_clock_display") ?? f.frame?.session.gameClockDisplay.map { "\"\($0)\"" } ?? "-"
            let blue = f.sessionValue("blue_points") ?? "-"
            let orange = f.sessionValue("orange_points") ?? "-"
            let nEvents = f.eventObjects.count + (f.frame?.events.count ?? 0)
            print(
                "\(f.timestamp.iso8601)  #\(f.index)  \(f.match.prefix(8))  \(status) \(clock)  blue \(blue) - \(orange) orange"
                    + (nEvents > 0 ? "  \(nEvents) events" : ""))
        case .events(let f):
            for e in f.eventObjects { print(String(decoding: e, as: UTF8.self)) }
        case .skipped(let n):
            Terminal.note("nevr watch: fell behind, hub skipped \(n) frames")
        case .dropped, .ack, .saveClip:
            break
        case .error(let m):
            Terminal.note("nevr watch: hub error: \(m)")
        }
    }
}

struct WatchLimitReached: Error {}

/// Counters shared with the subscriber callback.
final class WatchStatistics: @unchecked Sendable {
    var frames = 0
    var events = 0
    var eventMessages = 0
}
