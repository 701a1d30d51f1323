import Foundation
import NEVRCapture
import NEVRCore

/// `nevr clip`: a stretch of a capture written as a new capture of any format.
///
/// The stretch is chosen by capture time, by round, or around the N-th event of a kind.
/// The clip is a capture of its own: its frames are numbered from 0 and, in formats that
/// store events, its events are detected again from the clip's first frame, which is a
/// silent baseline (no joins for the players already there, no goal for the stale
/// `last_score`): what any tool reading the clip would report.
///
/// ```swift
/// let window = try Clip.window(.around(kind: .goalScored, index: 2, before: 5, after: 3), in: url)
/// let written = try Clip.write(url, window: window, to: URL(fileURLWithPath: "goal2.nevrcap"))
/// ```
public enum Clip {
    /// Which part of a capture to cut.
    public enum Selection: Sendable, Equatable {
        /// Seconds after the capture's first game frame.
        case time(from: Double, to: Double)
        /// From the frame where round N starts to the frame where it ends (or the next starts).
        case round(Int)
        /// `before` s before to `after` s after the `index`-th (from 1) event of `kind`.
        case around(kind: EventKind, index: Int, before: Double, after: Double)
    }

    /// Game-frame positions (0-based, in the source) of the first and last frame of the clip.
    public struct Window: Sendable, Equatable {
        /// First game frame of the clip.
        public var first: Int
        /// Last game frame of the clip (inclusive).
        public var last: Int
        /// Frames in the clip.
        public var count: Int { last - first + 1 }
    }

    /// Finds the frames `selection` covers in `url` (one pass with event detection).
    public static func window(_ selection: Selection, in url: URL) throws -> Window {
        let capture = try ProcessedCapture(url: url)
        var position = -1
        var start: Timestamp?
        var first: Int?, last: Int?
        var seen = 0
        var anchor: Timestamp?
        var frameTimes: [(Int, Timestamp)] = []  // only for .around: the times before the anchor (bounded)
        while let frame = try capture.next() {
            position += 1
            if start == nil { start = frame.timestamp }
            let t = Double(frame.timestamp.nanosecondsSinceEpoch - start!.nanosecondsSinceEpoch) / 1e9
            switch selection {
            case .time(let from, let to):
                if t >= from && t <= to {
                    if first == nil { first = position }
                    last = position
                }
            case .round(let n):
                for e in frame.events {
                    if case .roundStarted(let r) = e {
                        if Int(r) == n && first == nil { first = position }
                        else if first != nil && last == nil && Int(r) > n { last = position - 1 }
                    }
                    if case .roundEnded(let r, _) = e, Int(r) == n, first != nil, last == nil { last = position }
                }
            case .around(let kind, let index, let before, let after):
                if let a = anchor {
                    if Double(frame.timestamp.nanosecondsSinceEpoch - a.nanosecondsSinceEpoch) / 1e9 <= after { last = position }
                    continue
                }
                frameTimes.append((position, frame.timestamp))
                for e in frame.events where e.kind == kind {
                    seen += 1
                    if seen == index {
                        anchor = frame.timestamp
                        last = position
                        let from = frame.timestamp.nanosecondsSinceEpoch - Int64(before * 1e9)
                        first = frameTimes.first { $0.1.nanosecondsSinceEpoch >= from }?.0 ?? position
                        frameTimes = []
                        break
                    }
                }
                // Keep only what `before` can reach back to.
                if anchor == nil, let newest = frameTimes.last?.1 {
                    let limit = newest.nanosecondsSinceEpoch - Int64(before * 1e9) - 1
                    while let oldest = frameTimes.first, oldest.1.nanosecondsSinceEpoch < limit { frameTimes.removeFirst() }
                }
            }
        }
        if case .round = selection, first != nil, last == nil { last = position }  // the capture ends inside the round
        guard let f = first, let l = last, l >= f else {
            switch selection {
            case .time(let from, let to): throw StatsError("\(url.path): no game frames between \(from) s and \(to) s (the capture has \(position + 1))")
            case .round(let n): throw StatsError("\(url.path): round \(n) does not start in this capture")
            case .around(let kind, let index, _, _):
                throw StatsError("\(url.path): there is no \(kind.name) number \(index) (found \(seen))")
            }
        }
        return Window(first: f, last: l)
    }

    /// Writes the frames of `window` to `out` (any supported format, by extension). Refuses
    /// to overwrite the input. Returns the frames written.
    @discardableResult
    public static func write(_ url: URL, window: Window, to out: URL, bones: Bool = true) throws -> Int {
        guard out.standardizedFileURL.path != url.standardizedFileURL.path else { throw StatsError("\(out.path): the clip would overwrite its input") }
        let capture = try ProcessedCapture(url: url, bones: bones)
        var processor = FrameProcessor()  // the clip's own detection, baseline at its first frame
        let header = NevrcapHeader(captureID: "clip-" + url.deletingPathExtension().lastPathComponent,
                                   metadata: [.init(key: "source", value: url.lastPathComponent)])
        let writer = try CaptureFormat.create(out, header: header)
        var position = -1, written = 0
        do {
            while let frame = try capture.next() {
                position += 1
                if position < window.first { continue }
                if position > window.last { break }
                let clipped = processor.process(session: frame.session, bones: frame.bones, timestamp: frame.timestamp)
                try writer.write(CaptureRecord(frame: clipped, position: written))
                written += 1
            }
            try writer.finish()
        } catch {
            try? FileManager.default.removeItem(at: out)
            throw error
        }
        return written
    }
}
