import Foundation
import NEVRCapture
import NEVRCore

/// `nevr diff A B`: where two recordings of one match disagree, field by field,
/// summarised by JSON path.
///
/// Frames are paired by capture time: each frame of A with the frame of B nearest in
/// timestamp, when within ``tolerance`` (two recordings of one match polled by different
/// clients, or a capture and its conversion, which pair exactly). Each pair's sessions
/// are compared as the game's JSON (``GameJSONWriter`` spelling), flattened to paths
/// (`teams[1].players[3].velocity[0]`); the summary groups paths with their array
/// indices blanked (`teams[].players[].velocity[]`) and counts the frames where the path
/// differs, is only in A, or only in B, with the largest numeric difference and the
/// first frame pair that showed it. Frames without a partner are counted.
public struct RecordingDiff {
    /// The differences found under one JSON path (array indices collapsed to `[]`).
    public struct PathSummary: Sendable {
        /// The JSON path, e.g. `teams[].players[].head.position[]`.
        public var path: String
        /// Frame pairs in which some field under this path differed.
        public var frames = 0
        /// Fields under the path present only in A (one per field and frame pair).
        public var onlyInA = 0
        /// Fields under the path present only in B (one per field and frame pair).
        public var onlyInB = 0
        /// Largest numeric difference seen (0 when only strings or booleans differed).
        public var maxDifference: Double = 0
        /// Frame positions (A, B) of the first difference, and an example field with both values.
        public var first: (Int, Int) = (0, 0)
        /// The example: field path with A's and B's values.
        public var example = ""
    }

    /// Frame pairs compared.
    public var pairs = 0
    /// Pairs without any difference.
    public var identicalPairs = 0
    /// Frames of A with no partner in B.
    public var unpairedA = 0
    /// Frames of B with no partner in A.
    public var unpairedB = 0
    /// Per path, most frames first.
    public var paths: [PathSummary] = []

    /// Pairs frames within this many seconds of each other.
    public static let tolerance = 0.05

    /// Compares the captures `a` and `b` (any readable formats), pairing frames within `tolerance` seconds.
    public static func run(_ a: URL, _ b: URL, tolerance: Double = RecordingDiff.tolerance) throws -> RecordingDiff {
        let ra = try ProcessedCapture(url: a), rb = try ProcessedCapture(url: b)
        var result = RecordingDiff()
        var tally = Tally()
        // One frame of lookahead on each side: a frame within the tolerance is paired only
        // when the other side's next frame is not nearer (at 30 Hz the frame before is within
        // 50 ms too).
        var fa = try ra.next(), fb = try rb.next()
        var na = try fa.flatMap { _ in try ra.next() }, nb = try fb.flatMap { _ in try rb.next() }
        var ia = 0, ib = 0
        let tol = Int64(tolerance * 1e9)
        func advanceA() throws { fa = na; na = try fa.flatMap { _ in try ra.next() }; ia += 1 }
        func advanceB() throws { fb = nb; nb = try fb.flatMap { _ in try rb.next() }; ib += 1 }
        while let x = fa, let y = fb {
            let dx = x.timestamp.nanosecondsSinceEpoch, dy = y.timestamp.nanosecondsSinceEpoch
            let gap = abs(dx - dy)
            if gap <= tol {
                if dx < dy, let n = na, abs(n.timestamp.nanosecondsSinceEpoch - dy) < gap {
                    result.unpairedA += 1  // A's next frame is y's partner
                    try advanceA()
                    continue
                }
                if dy < dx, let n = nb, abs(n.timestamp.nanosecondsSinceEpoch - dx) < gap {
                    result.unpairedB += 1
                    try advanceB()
                    continue
                }
                result.pairs += 1
                tally.pair += 1
                tally.pairA = ia
                tally.pairB = ib
                let changed = compare(x.session, y.session, &tally)
                if !changed { result.identicalPairs += 1 }
                try advanceA()
                try advanceB()
            } else if dx < dy {
                result.unpairedA += 1
                try advanceA()
            } else {
                result.unpairedB += 1
                try advanceB()
            }
        }
        while fa != nil { result.unpairedA += 1; try advanceA() }
        while fb != nil { result.unpairedB += 1; try advanceB() }
        result.paths = tally.summaries.sorted { $0.frames != $1.frames ? $0.frames > $1.frames : $0.path < $1.path }
        return result
    }

    /// `teams[1].players[3].head` -> `teams[].players[].head`.
    static func generalize(_ path: String) -> String {
        var out = ""
        var skipping = false
        for c in path {
            if c == "[" { skipping = true; out.append("["); continue }
            if c == "]" { skipping = false; out.append("]"); continue }
            if !skipping { out.append(c) }
        }
        return out
    }

    /// A table: one line per path group.
    public func text() -> String {
        var s = "\(pairs) frame pairs (\(identicalPairs) identical), \(unpairedA) frames only in A, \(unpairedB) only in B\n"
        if paths.isEmpty { return s + "no differences\n" }
        s += "PATH".padding(toLength: 44, withPad: " ", startingAt: 0) + "FRAMES  ONLY-A  ONLY-B    MAX-DIFF  FIRST (A,B)  EXAMPLE\n"
        for p in paths {
            let diff = p.maxDifference > 0 ? String(format: "%.6g", p.maxDifference) : "-"
            s += p.path.padding(toLength: max(44, p.path.count + 1), withPad: " ", startingAt: 0)
            s += String(p.frames).leftPad(6) + String(p.onlyInA).leftPad(8) + String(p.onlyInB).leftPad(8) + diff.leftPad(12)
            s += ("(\(p.first.0),\(p.first.1))").leftPad(13) + "  " + String(p.example.prefix(120)) + "\n"
        }
        return s
    }

    /// The same as one JSON object.
    public func json() -> String {
        let root: [String: Any] = [
            "pairs": pairs, "identical_pairs": identicalPairs, "only_in_a": unpairedA, "only_in_b": unpairedB,
            "paths": paths.map { p in
                ["path": p.path, "frames": p.frames, "only_in_a": p.onlyInA, "only_in_b": p.onlyInB,
                 "max_difference": p.maxDifference, "first": [p.first.0, p.first.1], "example": p.example] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
