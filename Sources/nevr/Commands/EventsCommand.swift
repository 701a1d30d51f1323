import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore

/// `nevr events FILE`: the events of a capture, as a table or as JSON lines.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events of a recording (.echoreplay, .nevrcap, .tape, .butter, .nvr).",
        // The example line stays under 80 columns: ArgumentParser wraps around a longer word badly.
        discussion: """
            .echoreplay files are run through the event detectors (events.md). .nevrcap, .tape and .nvr \
            files carry their events; --redetect ignores those and detects again from the sessions. \
            The default output is a table (frame, time, game clock, kind, players by name); \
            --json prints one object per line:
              {"frame":812,"timestamp":"...","kind":"player_save","player_slot":3,...}

            A summary (frames, events, skipped records) goes to stderr.
            """
    )

    @Argument(help: "A recording (.echoreplay, .nevrcap, .tape, .butter), or - for standard input.")
    var file: String

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Only these kinds, comma-separated (e.g. goal_scored,player_stun).")
    var kinds: String?

    @Flag(help: ".nevrcap, .tape: detect events from the sessions instead of using the stored ones.")
    var redetect = false

    @OptionGroup var dictionaries: DictionaryArguments

    @OptionGroup var detection: DetectionArguments

    func validate() throws {
        _ = try kindFilter()
    }

    func kindFilter() throws -> Set<EventKind>? {
        guard let kinds else { return nil }
        var set = Set<EventKind>()
        for name in kinds.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let kind = EventKind(name: name) else {
                let known = EventKind.allCases.filter { $0 != .unknown }.map(\.name).joined(separator: ", ")
                throw ValidationError("unknown event kind \"\(name)\"; known kinds: \(known)")
            }
            set.insert(kind)
        }
        return set
    }

    func run() throws {
        let filter = try kindFilter()
        var printer = EventPrinter(json: json, filter: filter)
        let source = try CLIOutput.run(file: file) { try StandardStream.input(file) }
        let label = source.label
        let progress = ProgressLine("events of \(label == "stdin" ? label : source.url.lastPathComponent)")
        let result: (summary: String, damaged: Bool)
        do {
            result = try read(source.url, label: label, &printer, progress: progress)
        } catch {
            // Whatever was read before the failure has been printed.
            printer.flush()
            progress.finish()
            throw CLIOutput.report(error, file: label)
        }
        printer.flush()
        progress.finish()
        CLIOutput.printError("\(label): \(result.summary)")
        if result.damaged { throw ExitStatus.damaged(label) }
    }

    /// Prints the events of every frame: the stored ones for a format that stores events
    /// (unless --redetect), otherwise detected from the sessions. Returns the summary and
    /// whether anything of the input could not be read.
    private func read(_ url: URL, label: String, _ printer: inout EventPrinter, progress: ProgressLine) throws -> (String, Bool) {
        if !redetect, url.pathExtension.lowercased() == "nvr" { return try readNVR(url, label: label, &printer) }
        let reader = try CaptureFormat.open(url, options: try dictionaries.readOptions())
        let stored = reader.carriesEvents && !redetect
        var processor = FrameProcessor(options: try detection.options())
        var frames = 0, notGame = 0, failed = 0
        while let record = try reader.next() {
            let frame: Frame
            if stored, let typed = record.frame {
                frame = typed
            } else if let typed = record.frame {
                frame = processor.process(session: typed.session, bones: nil, timestamp: typed.timestamp)
            } else {
                do {
                    // Bones play no part in detection; leave them unparsed.
                    frame = try processor.process(session: record.sessionJSON ?? [], bones: nil, timestamp: record.timestamp)
                } catch {
                    // A plain `catch` (no `catch where` on the typed error: it trips Swift 6.3).
                    if error.isNotAGameFrame {
                        notGame += 1
                    } else {
                        failed += 1
                        if failed <= 5 { CLIOutput.printError(file: label, "\(reader.positionUnit) \(record.position): \(error.description) (skipped)") }
                    }
                    continue
                }
            }
            frames += 1
            printer.print(frame)
            if frames & 255 == 0 {
                progress.update(fraction: reader.bytesTotal > 0 ? Double(reader.bytesRead) / Double(reader.bytesTotal) : nil, detail: "\(frames) frames")
            }
        }
        let report = reader.report
        progress.finish()
        CLIOutput.reportDamage(file: label, report, unit: reader.positionUnit, action: "listed the events of")
        var parts = ["\(frames) frames", "\(printer.eventsSeen) events (\(printer.eventsPrinted) printed)"]
        if reader.carriesEvents { parts.append(redetect ? "detected again" : "stored in the file") }
        if notGame > 0 { parts.append("\(notGame) error objects (not game frames) skipped") }
        if failed > 0 { parts.append("\(failed) unreadable sessions skipped") }
        if report.skippedCount > 0 { parts.append("\(report.skippedCount) malformed \(reader.positionUnit)s skipped") }
        return (parts.joined(separator: ", "), report.isDamaged || failed > 0)
    }
}

/// Writes events as table rows or JSON lines to stdout, buffered.
struct EventPrinter {
    let json: Bool
    let filter: Set<EventKind>?
    private(set) var eventsSeen = 0
    private(set) var eventsPrinted = 0
    private var buffer = ""
    private var wroteHeader = false

    init(json: Bool, filter: Set<EventKind>?) {
        self.json = json
        self.filter = filter
    }

    mutating func print(_ frame: Frame) {
        for event in frame.events {
            eventsSeen += 1
            if let filter, !filter.contains(event.kind) { continue }
            eventsPrinted += 1
            if json {
                buffer += EventJSON.line(for: event, frameIndex: frame.index, timestamp: frame.timestamp)
            } else {
                if !wroteHeader {
                    buffer += Self.row("FRAME", "TIME", "CLOCK", "KIND", "DETAILS")
                    wroteHeader = true
                }
                buffer += Self.row(String(frame.index), Self.timeOfDay(frame.timestamp),
                                   frame.session.gameClockDisplay ?? "-", event.kind.name,
                                   EventText.details(event, in: frame.session))
                buffer.removeLast()
            }
            buffer += "\n"
            if buffer.utf8.count > 1 << 16 { flush() }
        }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }

    static func row(_ frame: String, _ time: String, _ clock: String, _ kind: String, _ details: String) -> String {
        var line = ""
        for (text, width) in [(frame, 8), (time, 14), (clock, 10), (kind, 25)] {
            line += text
            if text.count < width { line += String(repeating: " ", count: width - text.count) }
        }
        line += details
        line += "\n"
        return line
    }

    /// `HH:MM:SS.mmm` of the capture clock.
    static func timeOfDay(_ t: Timestamp) -> String {
        let iso = t.iso8601
        guard let tIndex = iso.firstIndex(of: "T") else { return iso }
        return String(iso[iso.index(after: tIndex)...])
    }
}

/// Human-readable event details with player names.
enum EventText {
    // `who` and `team` are plain static functions on purpose: as local functions capturing
    // `session` (and a `var` mutated in a closure) they sent Swift 6.3's
    // MandatoryAllocBoxToStack pass into a crash or an endless loop compiling this file.
    static func who(_ slot: Int32, in session: Session) -> String {
        if slot < 0 { return "nobody" }
        for team in session.teams ?? [] {
            for player in team.players ?? [] where player.slot == slot {
                return "\(player.name ?? "?") [\(slot)]"
            }
        }
        return "? [\(slot)]"
    }

    static func team(_ role: Role) -> String {
        switch role {
        case .blueTeam: "blue"
        case .orangeTeam: "orange"
        case .spectator: "spectators"
        case .socialParticipant: "social"
        case .moderator: "moderator"
        case .unspecified: "none"
        }
    }

    static func details(_ event: Event, in session: Session) -> String {
        switch event {
        case .roundStarted(let n): return "round \(n)"
        case .roundPaused(let p): return "paused (requested by \(p.pausedRequestedTeam ?? "?"))"
        case .roundUnpaused(let p): return "unpaused (by \(p.unpausedTeam ?? "?"))"
        case .roundEnded(let n, let w): return "round \(n), winner \(team(w))"
        case .matchEnded(let w): return "winner \(team(w))"
        case .scoreboardUpdated(let s):
            return "blue \(s.bluePoints) : \(s.orangePoints) orange (rounds \(s.blueRoundScore) : \(s.orangeRoundScore))"
        case .playerJoined(let p, let r):
            let name: String = p.name ?? "?"
            let slot: String = p.slot.map { String($0) } ?? "?"
            return "\(name) [\(slot)] joined \(team(r))"
        case .playerLeft(let slot, let name): return "\(name) [\(slot)] left"
        case .playerSwitchedTeam(let slot, let new, let old): return "\(who(slot, in: session)) \(team(old)) -> \(team(new))"
        case .emotePlayed(let slot, _): return who(slot, in: session)
        case .discPossessionChanged(let now, let before): return "\(who(before, in: session)) -> \(who(now, in: session))"
        case .discThrown(let slot, let details):
            guard let speed = details?.totalSpeed else { return who(slot, in: session) }
            let text: String = String(format: "%.1f", speed)
            return "\(who(slot, in: session)) (\(text) m/s)"
        case .discCaught(let slot): return who(slot, in: session)
        case .goalScored(let s):
            let scorer: String = s.personScored ?? "?"
            let team: String = s.team ?? "?"
            let type: String = s.goalType ?? ""
            let points: Int32 = s.pointAmount ?? 0
            var text = "\(scorer) (\(team)) \(type) \(points) pts"
            if let a = s.assistScored, a != "[INVALID]" { text += ", assist \(a)" }
            return text
        case .playerGoal(let slot, let total, let points): return "\(who(slot, in: session)) total \(total), \(points) pts"
        case .playerSave(let slot, let total), .playerStun(let slot, let total), .playerPass(let slot, let total),
             .playerBlock(let slot, let total), .playerInterception(let slot, let total), .playerAssist(let slot, let total),
             .playerShotTaken(let slot, let total):
            return "\(who(slot, in: session)) total \(total)"
        case .playerSteal(let slot, let total, let victim):
            if victim < 0 { return "\(who(slot, in: session)) total \(total)" }
            return "\(who(slot, in: session)) total \(total) from \(who(victim, in: session))"
        case .generic(let type, _, let payload): return "\(type) \(payload)"
        case .derived(let d): return derivedDetails(d, in: session)
        case .unknown(let number, let payload): return "field \(number), \(payload.count) bytes"
        }
    }
}

extension EventText {
    static func speed(_ v: Double) -> String { String(format: "%.1f m/s", v) }

    static func derivedDetails(_ event: DerivedEvent, in session: Session) -> String {
        switch event {
        case .joust(let j):
            let kind: String = j.type == .defensive ? "defensive" : "neutral"
            let time: String = String(format: "%.2f s", j.time)
            return "\(who(j.slot, in: session)) \(team(j.team)) \(kind) \(time), top \(speed(j.maxSpeed)), tube exit \(speed(j.tubeExitSpeed))"
        case .bigBoost(let b):
            let ago: String = String(format: "%.1f s ago", b.secondsAgo)
            return "\(who(b.slot, in: session)) \(speed(b.speed)) (\(ago))"
        case .playspaceAbuse(let p):
            let distance: String = String(format: "%.2f m", p.distance)
            return "\(who(p.slot, in: session)) \(distance)"
        case .turnover(let p), .interception(let p):
            return "\(who(p.previousSlot, in: session)) -> \(who(p.slot, in: session))"
        case .throwDetails(let t):
            let hand: String = t.hand == .left ? "left" : (t.hand == .right ? "right" : "?")
            return "\(who(t.slot, in: session)) \(speed(t.discSpeed)) (relative \(speed(t.relativeSpeed))), \(hand) hand"
        case .stun(let s):
            return "\(who(s.slot, in: session)) stunned \(who(s.victimSlot, in: session))"
        case .restartRequest(let r), .pauseRequest(let r):
            return "\(team(r.team)), nearest \(who(r.slot, in: session))"
        }
    }
}

