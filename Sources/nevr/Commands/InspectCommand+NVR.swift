import Foundation
import NEVRCapture
import NEVRCore

extension InspectCommand {
    /// `.nvr`: blocks, whether the index is there (or where a cut file ends), templates,
    /// events by kind from the index, bytes per stream over all blocks, metadata; every frame
    /// decoded for the statistics every format reports. Damaged blocks are reported.
    static func inspectNVR(_ url: URL) throws -> Report {
        let reader = try NVRReader(url: url)
        var report = Report(format: "nvr")
        var streams: [String: (raw: Int, stored: Int)] = [:]
        for i in 0..<reader.blocks.count {
            // A block whose header cannot be read is reported by the frame pass below.
            guard let sizes = try? reader.streamSizes(ofBlock: i) else { continue }
            for s in sizes {
                let old = streams[s.stream.name] ?? (0, 0)
                streams[s.stream.name] = (old.raw + s.raw, old.stored + s.stored)
            }
        }
        var eventsByKind: [String: Int] = [:]
        for kind in EventKind.allCases {
            if let frames = reader.indexedFrames(of: kind), !frames.isEmpty { eventsByKind[kind.name] = frames.count }
        }
        // Frames whose JSON is not a game frame (kept verbatim): counted, not an error of the file.
        var notGameFrames = 0
        while let record = try reader.nextRecord() {
            do {
                let frame = try NVRReader.frame(record, file: reader.label)
                report.statistics.add(timestamp: frame.timestamp, session: frame.session, hasBones: frame.bones != nil)
            } catch {
                notGameFrames += 1
            }
        }
        if notGameFrames > 0 { report.details.append((key: "frames_not_game_json", value: notGameFrames)) }
        report.damaged = reader.cut != nil || !reader.damagedBlocks.isEmpty
        report.details.append((key: "indexed", value: reader.isIndexed))
        if let cut = reader.cut { report.details.append((key: "cut", value: cut)) }
        for (i, d) in reader.damagedBlocks.enumerated() { report.details.append((key: "damaged_block_\(i)", value: d.description)) }
        report.details.append((key: "file_bytes", value: reader.fileSize))
        report.details.append((key: "blocks", value: reader.blocks.count))
        if let first = reader.blocks.first, let last = reader.blocks.last {
            report.details.append((key: "frames_per_block", value: String(format: "%.1f", Double(reader.frameCount) / Double(reader.blocks.count))))
            report.details.append((key: "first_block", value: "frame \(first.firstFrame), \(first.firstTimestamp.iso8601)"))
            report.details.append((key: "last_block", value: "frames \(last.firstFrame)-\(last.firstFrame + last.frameCount - 1), \(last.lastTimestamp.iso8601)"))
        }
        report.details.append((key: "templates", value: reader.templateCount))
        report.details.append((key: "bytes_per_stream", value: streams.mapValues { $0.stored }))
        report.details.append((key: "raw_bytes_per_stream", value: streams.mapValues { $0.raw }))
        if reader.frameCount > 0 {
            report.details.append((key: "bytes_per_frame", value: String(format: "%.1f", Double(reader.fileSize) / Double(reader.frameCount))))
        }
        report.details.append((key: "events", value: eventsByKind.values.reduce(0, +)))
        report.details.append((key: "events_by_kind", value: eventsByKind))
        var metadata: [String: String] = [:]
        for m in reader.metadata { metadata[m.key] = m.value }
        report.details.append((key: "metadata", value: metadata))
        return report
    }
}
