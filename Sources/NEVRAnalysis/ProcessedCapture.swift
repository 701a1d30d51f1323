import Foundation
import NEVRCapture
import NEVRCore

/// The game frames of one capture file with events detected by this version's detectors
/// (stored `.nevrcap` events are ignored: older files lack the derived kinds), numbered
/// as rule 10 of `events.md` says. Streaming: one frame at a time.
///
/// ```swift
/// let capture = try ProcessedCapture(url: url)
/// while let frame = try capture.next() { print(frame.index, frame.events.count) }
/// print(capture.problems)   // records skipped, with reasons
/// ```
public final class ProcessedCapture {
    public let url: URL
    private var processor: FrameProcessor
    private let echoReplay: EchoReplayReader?
    private let nevrcap: NevrcapReader?
    /// Records that could not be read (bad lines, malformed records, unparsable sessions),
    /// the first 20 with their reason; ``skippedCount`` counts them all.
    public private(set) var problems: [String] = []
    public private(set) var skippedCount = 0
    /// Error objects (`err_code` != 0): not game frames, not counted as problems.
    public private(set) var errorFrames = 0
    /// Set when the file ends early (a crashed recording).
    public private(set) var truncation: String?
    private var ended = false

    /// Opens `url` (`.nevrcap` by extension, anything else as `.echoreplay`).
    /// Keeps `/player_bones` with the frames when `bones` (parsed: slower).
    public let bones: Bool

    public init(url: URL, options: EventDetectionOptions = .init(), bones: Bool = false) throws {
        self.url = url
        self.bones = bones
        processor = FrameProcessor(options: options)
        if url.pathExtension.lowercased() == "nevrcap" {
            nevrcap = try NevrcapReader(url: url)
            echoReplay = nil
        } else {
            echoReplay = try EchoReplayReader(url: url)
            nevrcap = nil
        }
    }

    private func note(_ text: String) {
        skippedCount += 1
        if problems.count < 20 { problems.append(text) }
    }

    /// The next game frame with its events, or `nil` at the end.
    public func next() throws -> Frame? {
        if let reader = nevrcap {
            while true {
                switch try reader.step() {
                case .frame(let f):
                    guard f.session.isGameFrame else { errorFrames += 1; continue }
                    return processor.process(session: f.session, bones: bones ? f.bones : nil, timestamp: f.timestamp)
                case .end: return nil
                case .skipped(let e): note(e.description)
                case .truncated(let e): truncation = e.description; return nil
                }
            }
        }
        guard let reader = echoReplay, !ended else { return nil }
        while let record = try reader.next() {
            do {
                let frame = try processor.process(session: record.session, bones: bones ? record.bones : nil, timestamp: record.timestamp)
                guard frame.session.isGameFrame else { errorFrames += 1; continue }
                return frame
            } catch {
                if error.isNotAGameFrame { errorFrames += 1 } else { note("line \(record.lineNumber): \(error)") }
            }
        }
        ended = true
        for s in reader.skipped where problems.count < 20 { problems.append("line \(s.lineNumber): \(s.reason)") }
        skippedCount += reader.skippedCount
        return nil
    }
}
