import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore

/// `nevr inspect FILE [--json]`: what a capture holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a recording: format, frames, time span, sessions, players, skipped lines.",
        discussion: "Example: nevr inspect match.echoreplay --json | jq .frames")

    @Argument(help: "A recording (.echoreplay, zipped or plain, .nevrcap, .tape, .butter or .nvr), or - for standard input.")
    var file: String

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var dictionaries: DictionaryArguments

    /// What every format reports; a format adds its own `details`.
    struct Report {
        var format: String
        var details: [(key: String, value: Any)] = []
        var statistics = CaptureStatistics()
        var skippedCount = 0
        var skipped: [SkippedLine] = []
        /// Cut off or with lines/records skipped (exit status 2).
        var damaged = false
    }

    func run() throws {
        let source = try CLIOutput.run(file: file) { try StandardStream.input(file) }
        let url = source.url
        let progress = ProgressLine("inspecting \(source.label == "stdin" ? "stdin" : url.lastPathComponent)")
        let report = try CLIOutput.run(file: source.label) { () throws -> Report in
            defer { progress.finish() }
            let format = try CaptureFormat(url: url)
            switch format {
            case .echoReplay: return try Self.inspectEchoReplay(url, progress: progress)
            case .nevrcap: return try Self.inspectNevrcap(url, progress: progress)
            case .tape: return try Self.inspectTape(url, options: try dictionaries.readOptions().tape)
            case .butter: return try Self.inspectButter(url)
            case .nvr: return try Self.inspectNVR(url)
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: jsonObject(report), options: [.sortedKeys, .withoutEscapingSlashes])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            print(text(report), terminator: "")
        }
        if report.damaged {
            throw ExitStatus.damaged(source.label)
        }
    }

    static func inspectEchoReplay(_ url: URL, progress: ProgressLine? = nil) throws -> Report {
        let reader = try EchoReplayReader(url: url)
        var report = Report(format: reader.isZipped ? "echoreplay-zip" : "echoreplay-plain")
        // Events as the detectors find them (an .echoreplay stores none).
        var detector = EventDetector()
        var eventsByKind: [EventKind: Int] = [:]
        // Zero-copy: the session is parsed in the reader's buffer.
        while try reader.nextView({ (record: EchoReplayRecordView) -> Void in
            let hasBones = record.bones != nil
            do throws(GameJSONError) {
                let session = try GameJSONReader.parseSession(record.session)
                report.statistics.add(timestamp: record.timestamp, session: session, hasBones: hasBones)
                for event in detector.detect(session) { eventsByKind[event.kind, default: 0] += 1 }
            } catch {
                report.statistics.add(timestamp: record.timestamp, error: error, hasBones: hasBones, position: record.lineNumber)
            }
            if record.lineNumber & 255 == 0 {
                progress?.update(fraction: Double(reader.fileBytesConsumed) / Double(max(reader.fileSize, 1)), detail: "\(record.lineNumber) lines")
            }
        }) != nil {}
        report.damaged = reader.skippedCount > 0 || reader.isRecoveredFromTruncation
        if let entry = reader.entryName { report.details.append((key: "zip_entry", value: entry)) }
        if reader.isRecoveredFromTruncation { report.details.append((key: "recovered_from_truncation", value: true)) }
        report.details.append((key: "lines", value: reader.linesRead))
        report.details.append((key: "events", value: eventsByKind.values.reduce(0, +)))
        report.details.append((key: "events_by_kind", value: Dictionary(uniqueKeysWithValues: eventsByKind.map { ($0.key.name, $0.value) })))
        report.skippedCount = reader.skippedCount
        report.skipped = reader.skipped
        return report
    }

    /// `.nevrcap`: header fields and metadata, frames, time span, events by kind; a truncated
    /// file reports the frames recovered; malformed records are listed as skipped.
    static func inspectNevrcap(_ url: URL, progress: ProgressLine? = nil) throws -> Report {
        let reader = try NevrcapReader(url: url)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        var report = Report(format: "nevrcap")
        var eventsByKind: [EventKind: Int] = [:]
        var events = 0
        loop: while true {
            switch try reader.step() {
            case .frame(let frame):
                report.statistics.add(timestamp: frame.timestamp, session: frame.session, hasBones: frame.bones != nil)
                for e in frame.events { eventsByKind[e.kind, default: 0] += 1 }
                events += frame.events.count
                if reader.framesRead & 255 == 0 {
                    progress?.update(fraction: Double(reader.compressedBytesRead) / Double(max(size, 1)), detail: "\(reader.framesRead) frames")
                }
            case .end: break loop
            case .skipped(let e):
                report.skippedCount += 1
                report.damaged = true
                if report.skipped.count < 20 { report.skipped.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
            case .truncated(let e):
                report.details.append((key: "truncated", value: e.reasonDescription))
                report.damaged = true
                break loop
            }
        }
        if let h = reader.header {
            report.details.append((key: "capture_id", value: h.captureID))
            if let t = h.createdAt { report.details.append((key: "created_at", value: t.iso8601)) }
            var metadata: [String: String] = [:]
            for entry in h.metadata { metadata[entry.key] = entry.value }
            report.details.append((key: "metadata", value: metadata))
        } else {
            report.details.append((key: "header", value: "none (file starts with a frame)"))
        }
        report.details.append((key: "events", value: events))
        var byKind: [String: Int] = [:]
        for (kind, n) in eventsByKind { byKind[kind.name] = n }
        report.details.append((key: "events_by_kind", value: byKind))
        if reader.notes.unknownEvents > 0 { report.details.append((key: "unknown_events", value: reader.notes.unknownEvents)) }
        if reader.notes.unknownFields > 0 { report.details.append((key: "unknown_fields", value: reader.notes.unknownFields)) }
        return report
    }

    private func jsonObject(_ r: Report) -> [String: Any] {
        let s = r.statistics
        var object: [String: Any] = [
            "file": file == "-" ? "stdin" : file,
            "format": r.format,
            "frames": s.frames,
            "game_frames": s.gameFrames,
            "error_frames": s.errorFrames,
            "frames_without_teams": s.framesWithoutTeams,
            "unreadable_frames": s.unreadableFrames,
            "unreadable": s.unreadable.map { ["line": $0.lineNumber, "reason": $0.reason] as [String: Any] },
            "skipped": r.skippedCount,
            "skipped_lines": r.skipped.map { ["line": $0.lineNumber, "reason": $0.reason] as [String: Any] },
            "first_timestamp": s.firstTimestamp.map { $0.iso8601 as Any } ?? NSNull(),
            "last_timestamp": s.lastTimestamp.map { $0.iso8601 as Any } ?? NSNull(),
            "duration_seconds": s.durationSeconds,
            "frames_out_of_order": s.framesOutOfOrder,
            "sessions": s.sessionIDs,
            "players": s.players.map { p -> [String: Any] in
                var o: [String: Any] = ["team": p.teamRole, "team_index": p.teamIndex]
                o["slot"] = p.slot.map { Int($0) as Any } ?? NSNull()
                o["name"] = p.name ?? NSNull()
                if let t = p.teamName { o["team_name"] = t }
                if let u = p.userID { o["userid"] = NSNumber(value: u) }
                return o
            },
            "frames_with_bones": s.framesWithBones,
        ]
        for (key, value) in r.details { object[key] = value }
        return object
    }

    /// Detail values as text: maps as sorted `key=value` lists, `{}` when empty.
    static func textValue(_ value: Any) -> String {
        if let map = value as? [String: String] {
            return map.isEmpty ? "{}" : "{" + map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
        }
        if let map = value as? [String: Int] {
            return map.isEmpty ? "{}" : "{" + map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
        }
        return "\(value)"
    }

    private func text(_ r: Report) -> String {
        let s = r.statistics
        func row(_ label: String, _ value: String) -> String {
            label.padding(toLength: 19, withPad: " ", startingAt: 0) + value + "\n"
        }
        var out = row("file:", file == "-" ? "stdin" : file)
        var format = r.format
        let extras = r.details.map { "\($0.key) \(Self.textValue($0.value))" }
        if !extras.isEmpty { format += " (" + extras.joined(separator: ", ") + ")" }
        out += row("format:", format)
        out += row("frames:", "\(s.frames) (\(s.gameFrames) game, \(s.errorFrames) error objects, "
            + (s.framesWithoutTeams > 0 ? "\(s.framesWithoutTeams) without teams, " : "") + "\(s.unreadableFrames) unreadable)")
        out += row("frames with bones:", "\(s.framesWithBones)")
        out += row("first timestamp:", s.firstTimestamp.map(EchoReplayTimestamp.string) ?? "-")
        out += row("last timestamp:", s.lastTimestamp.map(EchoReplayTimestamp.string) ?? "-")
        out += row("duration:", String(format: "%.3f s", s.durationSeconds)
            + (s.framesOutOfOrder > 0 ? " (\(s.framesOutOfOrder) frames out of order)" : ""))
        out += row("sessions:", "\(s.sessionIDs.count)")
        for id in s.sessionIDs { out += "  \(id)\n" }
        let players = s.players
        out += row("players:", "\(players.count)")
        for p in players {
            let slot = p.slot.map { String($0) } ?? "-"
            out += "  slot " + slot.padding(toLength: 3, withPad: " ", startingAt: 0)
                + " " + p.teamRole.padding(toLength: 11, withPad: " ", startingAt: 0)
                + (p.name ?? "(no name)") + "\n"
        }
        out += row("skipped lines:", "\(r.skippedCount)")
        for line in r.skipped { out += "  \(line)\n" }
        if r.skippedCount > r.skipped.count { out += "  ... and \(r.skippedCount - r.skipped.count) more\n" }
        for line in s.unreadable { out += "  unreadable JSON at \(line)\n" }
        return out
    }
}
