import Foundation
import NEVRCapture
import NEVRCore

extension InspectCommand {
    /// `.tape`: format version, container, blocks (seek table), keyframe and event indexes,
    /// header fields, frames, events by kind; truncation and skipped records reported.
    static func inspectTape(_ url: URL, options: TapeReader.Options = .init()) throws -> Report {
        let reader = try TapeSessionReader(url: url, options: options)
        let tape = reader.tape
        var report = Report(format: "tape")
        var eventsByKind: [String: Int] = [:]
        loop: while true {
            do {
                switch try reader.step() {
                case .frame(let frame):
                    report.statistics.add(timestamp: frame.timestamp, session: frame.session, hasBones: frame.bones != nil)
                case .end: break loop
                case .skipped(let e):
                    report.skippedCount += 1
                    if report.skipped.count < 20 { report.skipped.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
                case .truncated(let e):
                    report.details.append((key: "truncated", value: e.reasonDescription))
                    report.damaged = true
                    break loop
                }
            } catch {
                report.details.append((key: "damage", value: error.reasonDescription))
                report.damaged = true
                break loop
            }
        }
        if report.skippedCount > 0 { report.damaged = true }
        let h = tape.header
        report.details.append((key: "format_version", value: "\(h.formatVersion).\(h.formatMinor).\(h.formatPatch)"))
        report.details.append((key: "container", value: tape.container.rawValue))
        report.details.append((key: "frame_encoding", value: h.frameEncoding == 2 ? "dense" : "sparse"))
        if tape.dictionaryID != 0 { report.details.append((key: "dictionary_id", value: Int(tape.dictionaryID))) }
        if let table = tape.seekTable { report.details.append((key: "blocks", value: table.entries.count)) }
        report.details.append((key: "capture_id", value: h.captureID))
        if let t = h.createdAt { report.details.append((key: "created_at", value: t.iso8601)) }
        if !h.gameType.isEmpty { report.details.append((key: "game_type", value: h.gameType)) }
        var metadata: [String: String] = [:]
        for e in h.metadata { metadata[e.key] = e.value }
        report.details.append((key: "metadata", value: metadata))
        if let footer = tape.footer {
            report.details.append((key: "footer_frame_count", value: Int(footer.frameCount)))
            report.details.append((key: "keyframes", value: footer.keyframeIndex.count))
            for entry in footer.eventIndex {
                eventsByKind[TapeEvent.name(ofEventType: entry.eventType), default: 0] += entry.frameIndices.count
            }
            report.details.append((key: "events", value: eventsByKind.values.reduce(0, +)))
            report.details.append((key: "events_by_kind", value: eventsByKind))
        } else {
            report.details.append((key: "footer", value: "none (unfinished capture): no indexes"))
        }
        if tape.notes.unknownFields > 0 { report.details.append((key: "unknown_fields", value: tape.notes.unknownFields)) }
        if tape.notes.unknownEvents > 0 { report.details.append((key: "unknown_events", value: tape.notes.unknownEvents)) }
        return report
    }

    /// `.butter`: version, keyframe interval, compression, chunks, players table.
    static func inspectButter(_ url: URL) throws -> Report {
        let reader = try ButterReader(url: url)
        var report = Report(format: "butter")
        while true {
            do {
                guard let frame = try reader.next() else { break }
                report.statistics.add(timestamp: frame.timestamp, session: frame.session, hasBones: frame.bones != nil)
            } catch {
                guard error.isRecoverable else { throw error }
                report.damaged = true
                report.skippedCount += 1
                if report.skipped.count < 20 { report.skipped.append(SkippedLine(lineNumber: error.frame, reason: error.reasonDescription)) }
            }
        }
        report.details.append((key: "version", value: Int(reader.version)))
        report.details.append((key: "keyframe_interval", value: Int(reader.keyframeInterval)))
        report.details.append((key: "compression", value: ["none", "gzip", "zstd-3", "zstd-7", "zstd-15", "zstd-22", "zstd-7+dictionary"][Int(reader.compression)]))
        report.details.append((key: "chunks", value: reader.chunkSizes.count))
        report.details.append((key: "header_players", value: reader.players.count))
        report.details.append((key: "match_type", value: reader.matchType))
        report.details.append((key: "lossy", value: ButterReader.lossNote))
        return report
    }
}
