import Foundation
import NEVRCore

/// `nevr verify FILE --via tape`: every frame of a recording (any readable format) is converted
/// to telemetry v2 (sparse event tier included), encoded, decoded, rebuilt as the engine's
/// `/session` and compared field by field with the original (flat memory: one frame at a time,
/// the encoder and reconstruction carry the event state).
///
/// Differences are split into the holes `tape.md` §7 documents, each named with its count, and
/// everything else, which is a real loss:
/// - `last_throw` (not rebuilt from `DiscThrown`, by design),
/// - orientation vectors (an orthonormal basis from a float32 quaternion; the largest deviation
///   is reported and must stay under ``orientationTolerance``),
/// - `last_score` before the first goal of the capture (the engine default is rebuilt),
/// - session constants that change mid-capture (the header holds one value),
/// - team `possession_time` (sum of float32 player times, within ``sumTolerance``),
/// - keys older builds lack that v2 always rebuilds (`is_emote_playing`, `holding_*`, …),
/// - Combat `contested`, fractional points, bones responses without `user_bones`.
public enum TapeVerification {
    /// Largest accepted orientation-vector deviation (tape measures 2.4e-3 on real captures).
    public static let orientationTolerance = 5e-3
    /// Tolerance for derived sums (team stats from float32 player values).
    public static let sumTolerance = 1e-3

    /// What a round trip through `.tape` kept, lost and could not hold.
    public struct Receipt: Sendable {
        /// The file verified (or the label).
        public var file: String
        /// Frames read from the input.
        public var framesIn = 0
        /// Frames that came back from telemetry v2.
        public var framesOut = 0
        /// The field-by-field comparison of original and rebuilt frames.
        public var comparison = FrameComparison(compareIndexAndEvents: false, millisecondTimestamps: true)
        /// Documented holes: name → differences counted under it.
        public var holes: [String: Int] = [:]
        /// Differences outside the documented holes, by path.
        public var losses: [String: Int] = [:]
        /// Largest orientation-vector component difference seen.
        public var maxOrientationDeviation = 0.0
        /// Bytes of v2 protobuf per frame (envelope framing included, before zstd).
        public var protobufBytes = 0
        /// Records or lines of the input that could not be read.
        public var unreadable = 0
        /// Where the input was cut off, if it was.
        public var truncated: String?

        /// Every frame came back and nothing outside the documented holes differs.
        public var isLossless: Bool {
            framesIn == framesOut && losses.isEmpty && unreadable == 0 && truncated == nil && maxOrientationDeviation <= TapeVerification.orientationTolerance
        }
    }

    /// Verifies a recording in any readable format (read through the capture seam with `options`,
    /// e.g. the dictionaries a `.tape` needs).
    public static func verify(_ url: URL, options: CaptureReadOptions = .init()) throws -> Receipt {
        var receipt = Receipt(file: url.path)
        var state = State()
        let reader = try CaptureFormat.open(url, options: options)
        var index: UInt32 = 0
        while var record = try reader.next() {
            let frame: Frame
            do {
                frame = try record.typedFrame(index: index)
            } catch {
                // The game's error object (err_code != 0) is not a frame; anything else is unreadable.
                if !error.isNotAGameFrame { receipt.unreadable += 1 }
                continue
            }
            var f = frame
            if record.omitsZeroValues { Proto3KeyRestorer.restore(&f.session) }
            state.check(f, &receipt)
            index += 1
        }
        let report = reader.report
        receipt.unreadable += report.skippedCount
        receipt.truncated = report.truncation
        state.classify(&receipt)
        state.writer.deallocate()
        return receipt
    }

    /// Round-trips frames given in memory (tests, benchmarks).
    public static func verify(frames: [Frame], label: String = "<memory>") -> Receipt {
        var receipt = Receipt(file: label)
        var state = State()
        for f in frames { state.check(f, &receipt) }
        state.classify(&receipt)
        state.writer.deallocate()
        return receipt
    }

    struct State {
        var encoder: TapeFrameEncoder?
        var reconstruction: TapeReconstruction?
        var constants: Session?
        var goalSeen = false
        var writer = ProtoWriter(capacity: 64 * 1024)
        var notes = NevrcapDecodeNotes()
        var beforeGoal: [String: Int] = [:]
        var constantChanges: [String: Int] = [:]

        mutating func check(_ original: Frame, _ r: inout Receipt) {
            r.framesIn += 1
            if encoder == nil {
                let header = TapeFrameEncoder.header(for: original, captureID: "verify")
                encoder = TapeFrameEncoder(createdAt: original.timestamp)
                // Through the wire: encode and decode the header too.
                writer.removeAll()
                TapeWire.encode(header, into: &writer)
                guard case .header(let h)? = try? TapeWire.decodeEnvelope(writer.bytes, notes: &notes) else { return }
                reconstruction = TapeReconstruction(header: h)
                constants = TapeReconstruction.constants(h)
            }
            let v2 = encoder!.encode(original)
            if v2.echoArena?.events.contains(where: { if case .goalScored = $0 { return true } else { return false } }) == true { goalSeen = true }
            writer.removeAll()
            TapeWire.encode(v2, into: &writer)
            r.protobufBytes += writer.count + ProtoWriter.varintSize(UInt64(writer.count))
            guard case .frame(let decoded)? = try? TapeWire.decodeEnvelope(writer.bytes, notes: &notes) else { return }
            let back = reconstruction!.frame(decoded)
            r.framesOut += 1
            r.maxOrientationDeviation = max(r.maxOrientationDeviation, TapeVerification.orientationDeviation(original.session, back.session))
            let before = r.comparison.countsByPath
            r.comparison.compare(TapeVerification.narrowed(original), back, frameNumber: r.framesIn - 1)
            // Attribute this frame's new last_score / constant differences to their holes.
            for (path, n) in r.comparison.countsByPath {
                let added = n - (before[path] ?? 0)
                guard added > 0 else { continue }
                if path.hasPrefix("last_score"), !goalSeen { beforeGoal[path, default: 0] += added }
                if TapeVerification.constantPaths.contains(path) { constantChanges[path, default: 0] += added }
            }
        }

        func classify(_ r: inout Receipt) {
            for (path, n) in r.comparison.countsByPath {
                var remaining = n
                if path.hasPrefix("last_score") {
                    let hole = beforeGoal[path] ?? 0
                    if hole > 0 { r.holes["last_score before the first goal in the capture", default: 0] += hole }
                    remaining -= hole
                }
                if TapeVerification.constantPaths.contains(path) {
                    r.holes["session constants that change mid-capture (the header holds the first value)", default: 0] += remaining
                    remaining = 0
                }
                guard remaining > 0 else { continue }
                if let hole = TapeVerification.hole(path) {
                    r.holes[hole, default: 0] += remaining
                } else {
                    r.losses[path, default: 0] += remaining
                }
            }
        }
    }

    static let constantPaths: Set<String> = [
        "sessionid", "sessionip", "client_name", "map_name", "match_type", "private_match", "tournament_match",
        "total_round_count", "rules_changed_by", "rules_changed_at", "teams[].team",
    ]

    /// The documented hole a path belongs to, or `nil` for a real loss.
    static func hole(_ path: String) -> String? {
        if path.hasPrefix("last_throw") { return "last_throw (the engine reports only the local player's; not rebuilt from DiscThrown)" }
        for axis in [".forward", ".left", ".up", "vr_forward", "vr_left", "vr_up"] where path.hasSuffix(axis) {
            return "orientation vectors (orthonormal basis from a float32 quaternion, not the engine's printed vectors)"
        }
        if path == "teams[].stats.possession_time" { return "team possession_time (sum of float32 player times)" }
        if path.hasSuffix(".is_emote_playing") || path.hasSuffix(".holding_left") || path.hasSuffix(".holding_right") || path == "pause" || path.hasPrefix("pause.") {
            return "keys older builds lack, always rebuilt by v2 (is_emote_playing, holding_*, pause fields)"
        }
        if path == "contested" { return "Combat contested (no v2 field)" }
        if path == "blue_points" || path == "orange_points" { return "fractional points (int32 in v2)" }
        if path == "player_bones" || path.hasPrefix("player_bones.err_code") { return "bones responses without user_bones (nothing to store per player)" }
        if path.hasSuffix(".Arm") { return "Combat arm (no v2 field)" }
        if path.contains("(2018 pose)") || path.contains("(bare-vector hands)") || path.contains("extras") || path.hasSuffix(".") {
            return "pre-2020 poses and keys the model has no field for"
        }
        return nil
    }

    /// `f` with every float as the nearest float32: the engine's values are float32 (printed with
    /// 8 digits), v2 stores float32, so narrowing is not a loss; what differs after it is.
    static func narrowed(_ f: Frame) -> Frame {
        func n(_ v: Double?) -> Double? { v.map { Double(Float($0)) } }
        func v(_ x: Vector3?) -> Vector3? { x.map { Vector3(Double(Float($0.x)), Double(Float($0.y)), Double(Float($0.z))) } }
        func p(_ x: Pose?) -> Pose? { x.map { Pose(position: v($0.position), forward: v($0.forward), left: v($0.left), up: v($0.up)) } }
        func st(_ x: Stats?) -> Stats? {
            guard var s = x else { return nil }
            s.possessionTime = n(s.possessionTime)
            return s
        }
        var out = f
        var s = f.session
        s.gameClock = n(s.gameClock)
        for k in [\Session.leftShoulderPressed, \.rightShoulderPressed, \.leftShoulderPressed2, \.rightShoulderPressed2, \.payloadMultiplier, \.payloadDistance, \.payloadSpeed] {
            s[keyPath: k] = n(s[keyPath: k])
        }
        if var d = s.disc {
            (d.position, d.forward, d.left, d.up, d.velocity) = (v(d.position), v(d.forward), v(d.left), v(d.up), v(d.velocity))
            s.disc = d
        }
        if var pl = s.player {
            (pl.vrLeft, pl.vrPosition, pl.vrForward, pl.vrUp) = (v(pl.vrLeft), v(pl.vrPosition), v(pl.vrForward), v(pl.vrUp))
            s.player = pl
        }
        if var pa = s.pause {
            (pa.pausedTimer, pa.unpausedTimer) = (n(pa.pausedTimer), n(pa.unpausedTimer))
            s.pause = pa
        }
        if var ls = s.lastScore {
            (ls.discSpeed, ls.distanceThrown) = (n(ls.discSpeed), n(ls.distanceThrown))
            s.lastScore = ls
        }
        if var teams = s.teams {
            for t in teams.indices {
                teams[t].stats = st(teams[t].stats)
                guard var players = teams[t].players else { continue }
                for i in players.indices {
                    var q = players[i]
                    (q.head, q.body, q.leftHand, q.rightHand) = (p(q.head), p(q.body), p(q.leftHand), p(q.rightHand))
                    q.velocity = v(q.velocity)
                    q.packetLossRatio = n(q.packetLossRatio)
                    q.stats = st(q.stats)
                    players[i] = q
                }
                teams[t].players = players
            }
            s.teams = teams
        }
        out.session = s
        return out
    }

    /// Largest absolute component difference between original and rebuilt orientation vectors.
    static func orientationDeviation(_ a: Session, _ b: Session) -> Double {
        var worst = 0.0
        func vec(_ x: Vector3?, _ y: Vector3?) {
            guard let x, let y else { return }
            worst = max(worst, abs(x.x - y.x), abs(x.y - y.y), abs(x.z - y.z))
        }
        func pose(_ x: Pose?, _ y: Pose?) {
            vec(x?.forward, y?.forward)
            vec(x?.left, y?.left)
            vec(x?.up, y?.up)
        }
        var bPlayers: [Int32: Player] = [:]
        b.forEachPlayer { _, p in bPlayers[p.slot ?? -1] = p }
        a.forEachPlayer { _, p in
            guard let q = bPlayers[p.slot ?? -1] else { return }
            pose(p.head, q.head)
            pose(p.body, q.body)
            pose(p.leftHand, q.leftHand)
            pose(p.rightHand, q.rightHand)
        }
        vec(a.disc?.forward, b.disc?.forward)
        vec(a.disc?.left, b.disc?.left)
        vec(a.disc?.up, b.disc?.up)
        vec(a.player?.vrForward, b.player?.vrForward)
        vec(a.player?.vrLeft, b.player?.vrLeft)
        vec(a.player?.vrUp, b.player?.vrUp)
        return worst
    }
}
