import Foundation
import NEVRCapture
import NEVRCore

/// The game frames of one capture file of any supported format (``CaptureFormat``), with
/// events detected by this version's detectors (stored events are ignored: older files
/// lack the derived kinds), numbered as rule 10 of `events.md` says. Streaming: one frame
/// at a time.
///
/// ```swift
/// let capture = try ProcessedCapture(url: url)
/// while let frame = try capture.next() { print(frame.index, frame.events.count) }
/// print(capture.problems)   // records skipped, with reasons
/// ```
public final class ProcessedCapture {
    /// The capture being read.
    public let url: URL
    /// Keeps `/player_bones` with the frames when `bones` (parsed: slower).
    public let bones: Bool
    private var processor: FrameProcessor
    private let reader: any CaptureFrameReader
    private var ended = false
    /// Records that could not be read (bad lines, malformed records, unparsable sessions),
    /// the first 20 with their reason; ``skippedCount`` counts them all.
    public private(set) var problems: [String] = []
    /// All records that could not be read (``problems`` keeps the first 20).
    public private(set) var skippedCount = 0
    /// Error objects (`err_code` != 0): not game frames, not counted as problems.
    public private(set) var errorFrames = 0
    /// Set when the file ends early (a crashed recording) or was damaged.
    public private(set) var truncation: String?

    /// Opens `url`; its extension names the format (an unknown one is an error listing the known ones).
    public init(url: URL, options: EventDetectionOptions = .init(), bones: Bool = false) throws {
        self.url = url
        self.bones = bones
        processor = FrameProcessor(options: options)
        reader = try CaptureFormat.open(url)
    }

    private func note(_ text: String) {
        skippedCount += 1
        if problems.count < 20 { problems.append(text) }
    }

    /// The next game frame with its events, or `nil` at the end.
    public func next() throws -> Frame? {
        guard !ended else { return nil }
        while let record = try reader.next() {
            if let f = record.frame {
                guard f.session.isGameFrame else { errorFrames += 1; continue }
                return processor.process(session: f.session, bones: bones ? f.bones : nil, timestamp: f.timestamp)
            }
            do {
                let frame = try processor.process(session: record.sessionJSON ?? [], bones: bones ? record.bonesJSON : nil,
                                                  timestamp: record.timestamp)
                guard frame.session.isGameFrame else { errorFrames += 1; continue }
                return frame
            } catch {
                if error.isNotAGameFrame { errorFrames += 1 } else { note("\(reader.positionUnit) \(record.position): \(ErrorReason.plain(error))") }
            }
        }
        ended = true
        let report = reader.report
        for s in report.skipped where problems.count < 20 { problems.append("\(reader.positionUnit) \(s.lineNumber): \(s.reason)") }
        skippedCount += report.skippedCount
        let damage = ([report.truncation].compactMap { $0 } + report.damage)
        if !damage.isEmpty { truncation = damage.joined(separator: "; ") }
        return nil
    }
}
