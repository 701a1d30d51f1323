import NEVRCore

/// Compares frames field by field and names every difference by its game-JSON path
/// (`teams[0].players[3].stats.saves`), for `nevr verify`.
///
/// ```swift
/// var comparison = FrameComparison()
/// comparison.compare(original, roundTripped, frameNumber: 0)
/// print(comparison.fieldsCompared, comparison.differenceCount)
/// ```
public struct FrameComparison: Sendable {
    /// One difference (the first ``keep`` are kept; all are counted by path).
    public struct Difference: Hashable, Sendable, CustomStringConvertible {
        /// The frame the difference is in (as the caller numbered it).
        public var frameNumber: Int
        /// Where: the game-JSON path (`teams[0].players[3].stats.saves`, `timestamp_ns`, `events[2]`).
        public var path: String
        /// The first frame's value as text (`absent` when missing, strings quoted).
        public var before: String
        /// The second frame's value, spelled as ``before``.
        public var after: String
        /// `frame N: path: before -> after`.
        public var description: String { "frame \(frameNumber): \(path): \(before) -> \(after)" }
    }

    /// Treat a missing key and a key holding 0 / `false` / `""` as equal (proto3 cannot tell
    /// them apart); such pairs are counted in ``presenceOnly`` instead.
    public var proto3Presence: Bool
    /// Compare ``Frame/index`` and events too (false when one side cannot hold them).
    public var compareIndexAndEvents: Bool
    /// Compare timestamps at millisecond precision only (`.echoreplay` holds milliseconds).
    public var millisecondTimestamps: Bool
    /// How many differences ``differences`` keeps with their values (all are counted).
    public var keep = 20

    /// Fields compared so far (present on at least one side).
    public private(set) var fieldsCompared = 0
    /// Fields that differed, over every frame compared.
    public private(set) var differenceCount = 0
    /// Fields equal except that one side lacked the key and the other held its zero (only counted
    /// with ``proto3Presence``; not differences).
    public private(set) var presenceOnly = 0
    /// The first ``keep`` differences.
    public private(set) var differences: [Difference] = []
    /// Differences per path with array indices removed (`teams[].players[].stats.saves`).
    public private(set) var countsByPath: [String: Int] = [:]

    private var frameNumber = 0

    /// A comparison with nothing counted yet.
    public init(proto3Presence: Bool = false, compareIndexAndEvents: Bool = true, millisecondTimestamps: Bool = false) {
        self.proto3Presence = proto3Presence
        self.compareIndexAndEvents = compareIndexAndEvents
        self.millisecondTimestamps = millisecondTimestamps
    }

    /// Records a whole frame missing on one side.
    public mutating func frameMissing(frameNumber: Int, inOutput: Bool) {
        note("frame", inOutput ? "present" : "absent", inOutput ? "absent" : "present", frameNumber)
    }

    /// Compares `a` (the original) with `b` (what came back) field by field, with the frame index
    /// and events when ``compareIndexAndEvents``, the timestamp, every session field and the bones;
    /// differences are counted and named with `frameNumber`.
    public mutating func compare(_ a: Frame, _ b: Frame, frameNumber: Int) {
        self.frameNumber = frameNumber
        if compareIndexAndEvents {
            value(a.index, b.index, "frame_index")
            value(a.events.count, b.events.count, "events.count")
            for (i, (x, y)) in zip(a.events, b.events).enumerated() { value(x, y, "events[\(i)]") }
        }
        if millisecondTimestamps {
            value(a.timestamp.milliseconds, b.timestamp.milliseconds, "timestamp_ms")
        } else {
            value(a.timestamp.nanosecondsSinceEpoch, b.timestamp.nanosecondsSinceEpoch, "timestamp_ns")
        }
        compareSession(a.session, b.session, "")
        present(a.bones, b.bones, "player_bones") { c, x, y in c.comparePlayerBones(x, y, "player_bones.") }
    }

    // The walkers (one per object, every field by its JSON path) are generated from
    // `schema/session.toml`: FrameComparison.generated.swift.

    /// An object's unknown keys and `null`s: equal when the same keys hold the same JSON text in
    /// the same order.
    mutating func extras(_ a: [ExtraField], _ b: [ExtraField], _ path: @autoclosure () -> String) {
        guard !(a.isEmpty && b.isEmpty) else { return }
        fieldsCompared += 1
        if a != b {
            let ka = a.map(\.key).joined(separator: ",")
            let kb = b.map(\.key).joined(separator: ",")
            note(path(), "[\(ka)]", "[\(kb)]", frameNumber)
        }
    }

    // MARK: Primitives

    /// An optional value; `zero` is what proto3 reads an absent value as (`nil`: no such value).
    mutating func field<T: Equatable>(_ a: T?, _ b: T?, _ path: @autoclosure () -> String, _ zero: T?) {
        if a == nil && b == nil { return }
        fieldsCompared += 1
        if a == b { return }
        if proto3Presence, let zero, (a ?? zero) == (b ?? zero) {
            presenceOnly += 1
            return
        }
        note(path(), show(a), show(b), frameNumber)
    }

    mutating func value<T: Equatable>(_ a: T, _ b: T, _ path: @autoclosure () -> String) {
        fieldsCompared += 1
        if a != b { note(path(), show(a), show(b), frameNumber) }
    }

    /// An optional object: compares presence, then its fields through `body`.
    mutating func present<T>(_ a: T?, _ b: T?, _ path: @autoclosure () -> String, _ body: (inout FrameComparison, T, T) -> Void) {
        switch (a, b) {
        case (nil, nil): return
        case (let x?, let y?): body(&self, x, y)
        default:
            fieldsCompared += 1
            note(path(), a == nil ? "absent" : "present", b == nil ? "absent" : "present", frameNumber)
        }
    }

    private func show<T>(_ v: T?) -> String {
        guard let v else { return "absent" }
        if let s = v as? String { return "\"\(s)\"" }
        if let vec = v as? Vector3 { return "[\(vec.x),\(vec.y),\(vec.z)]" }
        if let fs = v as? [Float] { return "[\(fs.count) floats]" }
        return "\(v)"
    }

    private mutating func note(_ path: String, _ before: String, _ after: String, _ frame: Int) {
        differenceCount += 1
        countsByPath[FrameComparison.genericPath(path), default: 0] += 1
        if differences.count < keep { differences.append(Difference(frameNumber: frame, path: path, before: before, after: after)) }
    }

    /// `teams[0].players[3].x` -> `teams[].players[].x`.
    static func genericPath(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for c in path {
            if c == "[" { inIndex = true; out.append("[") } else if c == "]" { inIndex = false; out.append("]") } else if !inIndex { out.append(c) }
        }
        return out
    }
}
