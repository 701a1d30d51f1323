import Foundation
import NEVRCore

/// `nevr verify`: converts a capture to the other format in memory and back, frame by frame
/// (flat memory), and compares every field of every frame.
///
/// - `.echoreplay`: each line's session and bones are parsed, encoded as a `.nevrcap` frame,
///   decoded, written back as game JSON and parsed again; the result is compared with the
///   first parse, timestamps to the millisecond.
/// - `.nevrcap`: each frame is written as an `.echoreplay` line (game JSON, millisecond
///   timestamp) and read back. Events, the header and frame indices cannot be held by
///   `.echoreplay` and are listed as such, not as losses.
///
/// ```swift
/// let receipt = try CaptureVerification.verify(URL(fileURLWithPath: "match.echoreplay"))
/// print(receipt.isLossless ? "safe to delete the original" : "\(receipt.comparison.differenceCount) differences")
/// ```
public enum CaptureVerification {
    /// What ``verify(_:)`` found about one file; ``isLossless`` is the verdict `nevr verify` prints.
    public struct Receipt: Sendable {
        /// The file's path.
        public var file: String
        /// The file's format (from its extension).
        public var format: CaptureFormat
        /// SHA-256 of the file's bytes, 64 lower-case hex digits, so the receipt names exactly what was verified.
        public var sha256: String
        /// Frames read from the file, unreadable ones included (the game's error objects between
        /// matches, such as `err_code` -6, are not frames and not counted).
        public var framesIn = 0
        /// Frames that came back from the round trip through the other format and were compared.
        public var framesOut = 0
        /// Input frames (lines or records) that could not be read at all, with reasons.
        public var unreadable: [SkippedLine] = []
        /// Every input frame that could not be read or stored in the other format (``unreadable``
        /// keeps the first 20).
        public var unreadableCount = 0
        /// The field-by-field comparison of each frame with its round-tripped copy.
        public var comparison: FrameComparison
        /// Content the other format cannot hold (not counted as losses), one line each.
        public var notHoldable: [String] = []
        /// `.echoreplay` only: lines whose rebuilt session JSON is byte-identical to the original.
        public var byteIdenticalSessions = 0
        /// Set when the file was cut short (a crashed recording): where and why; `nil` for a complete file.
        public var truncated: String?

        /// True when the file held at least one frame, every frame came back and nothing both
        /// formats hold differs. An empty or header-only file verifies nothing, so it is not lossless.
        public var isLossless: Bool {
            framesIn > 0 && framesIn == framesOut && unreadableCount == 0 && comparison.differenceCount == 0
                && truncated == nil && lossyText == 0 && droppedKeys == 0
        }

        /// Frames whose JSON strings held invalid UTF-8 or lone surrogates (read as U+FFFD: the
        /// original bytes cannot come back).
        public var lossyText = 0
        /// Key paths of the original JSON missing from the round-tripped JSON (nested keys the
        /// model has no field for), by path.
        public var droppedKeys = 0
        /// ``droppedKeys`` by key path.
        public var droppedKeyPaths: [String: Int] = [:]
        /// Set when the file held no frame (empty, or a `.nevrcap` with only a header).
        public var empty: String?
    }

    /// Verifies the `.echoreplay` or `.nevrcap` file at `url` (reading it twice: once for the
    /// SHA-256, once for the round trip).
    /// - Throws: ``CaptureFormatError`` for an unknown extension or another format (`.nvr` and
    /// `.tape` are verified by ``NVRVerification`` and ``TapeVerification``), and the reader's
    /// error when the file cannot be read on.
    public static func verify(_ url: URL) throws -> Receipt {
        let sha = try SHA256.hexDigest(of: url)
        let format = try CaptureFormat(url: url)
        switch format {
        case .echoReplay: return try verifyEchoReplay(url, sha)
        case .nevrcap: return try verifyNevrcap(url, sha)
        default: throw CaptureFormatError(path: url.path, reason: .notSupportedYet(format))
        }
    }

    static func verifyEchoReplay(_ url: URL, _ sha: String) throws -> Receipt {
        let reader = try EchoReplayReader(url: url)
        var receipt = Receipt(file: url.path, format: .echoReplay, sha256: sha, comparison: FrameComparison(compareIndexAndEvents: false, millisecondTimestamps: true))
        var wire: [UInt8] = []
        var json: [UInt8] = []
        var bonesJSON: [UInt8] = []
        var fractional = 0, errorObjects = 0
        while let record = try reader.next() {
            receipt.framesIn += 1
            let original: Frame
            do {
                let s = try GameJSONReader.parseSession(record.session)
                let b = try record.bones.map { try GameJSONReader.parseBones($0) }
                original = Frame(index: UInt32(receipt.framesIn - 1), timestamp: record.timestamp, session: s, bones: b)
            } catch let e as GameJSONError where e.isNotAGameFrame {
                // The game's error object (`err_code` != 0, e.g. -6 between matches): not a frame.
                receipt.framesIn -= 1
                errorObjects += 1
                continue
            } catch {
                receipt.unreadableCount += 1
                if receipt.unreadable.count < 20 { receipt.unreadable.append(SkippedLine(lineNumber: record.lineNumber, reason: ErrorReason.plain(error))) }
                continue
            }
            fractional = NevrcapHoldability.countFractional(original, fractional)
            audit(record, original, &receipt, scratch: &json)
            // A number .nevrcap cannot store (points out of int32): the frame would not survive.
            do {
                try NevrcapWire.checkEncodable(original)
            } catch {
                receipt.unreadableCount += 1
                if receipt.unreadable.count < 20 {
                    receipt.unreadable.append(SkippedLine(lineNumber: record.lineNumber, reason: "cannot be stored in .nevrcap: \(ErrorReason.plain(error))"))
                }
                continue
            }
            // To .nevrcap and back.
            wire.removeAll(keepingCapacity: true)
            NevrcapWire.encode(original, into: &wire)
            let decoded = try wire.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }
            // To .echoreplay (game JSON, millisecond timestamp) and back.
            json.removeAll(keepingCapacity: true)
            GameJSONWriter.write(decoded.session, into: &json)
            if json == record.session { receipt.byteIdenticalSessions += 1 }
            var bones: PlayerBones?
            if let b = decoded.bones {
                bonesJSON.removeAll(keepingCapacity: true)
                GameJSONWriter.write(b, into: &bonesJSON)
                bones = try GameJSONReader.parseBones(bonesJSON)
            }
            let stamp = EchoReplayTimestamp.parse(EchoReplayTimestamp.format(decoded.timestamp)) ?? decoded.timestamp
            let back = Frame(index: decoded.index, timestamp: stamp, session: try GameJSONReader.parseSession(json), bones: bones)
            receipt.framesOut += 1
            receipt.comparison.compare(NevrcapHoldability.holdable(original), back, frameNumber: receipt.framesIn - 1)
        }
        receipt.unreadableCount += reader.skippedCount
        receipt.unreadable = Array((reader.skipped + receipt.unreadable).prefix(20))
        if reader.isRecoveredFromTruncation { receipt.truncated = "the input was cut short (recovered up to the last complete line)" }
        if errorObjects > 0 {
            receipt.notHoldable.append("\(errorObjects) line(s) holding the game's error object instead of a frame (not converted)")
        }
        if fractional > 0 { receipt.notHoldable.append("\(fractional) frame(s) with fractional blue/orange points (int32 in .nevrcap)") }
        if receipt.framesIn == 0 { receipt.empty = "the file holds no frame: nothing was verified" }
        return receipt
    }

    /// What the typed read itself loses from a line, which no round trip through the model can
    /// notice: text that is not valid UTF-8 (or holds lone surrogates), and key paths of the
    /// original JSON that the model does not write back (nested keys it has no field for).
    static func audit(_ record: EchoReplayRecord, _ parsed: Frame, _ receipt: inout Receipt, scratch: inout [UInt8]) {
        let lossy = record.session.withUnsafeBytes(JSONTextAudit.hasLossyText)
            || (record.bones?.withUnsafeBytes(JSONTextAudit.hasLossyText) ?? false)
        if lossy { receipt.lossyText += 1 }
        scratch.removeAll(keepingCapacity: true)
        GameJSONWriter.write(parsed.session, into: &scratch)
        // Identical bytes keep every key: the common case costs one comparison.
        if scratch == record.session { return }
        guard let before = record.session.withUnsafeBytes(JSONTextAudit.keyPaths),
            let after = scratch.withUnsafeBytes(JSONTextAudit.keyPaths)
        else { return }
        for path in before.subtracting(after) {
            receipt.droppedKeys += 1
            receipt.droppedKeyPaths[path, default: 0] += 1
        }
    }

    static func verifyNevrcap(_ url: URL, _ sha: String) throws -> Receipt {
        let reader = try NevrcapReader(url: url)
        var receipt = Receipt(
            file: url.path, format: .nevrcap, sha256: sha,
            comparison: FrameComparison(compareIndexAndEvents: false, millisecondTimestamps: true))
        var restoredFrames = 0
        var json: [UInt8] = []
        var bonesJSON: [UInt8] = []
        var events = 0, subMillisecond = 0
        loop: while true {
            let frame: Frame
            switch try reader.step() {
            case .frame(let f): frame = f
            case .end: break loop
            case .skipped(let e):
                receipt.framesIn += 1
                receipt.unreadableCount += 1
                if receipt.unreadable.count < 20 { receipt.unreadable.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
                continue
            case .truncated(let e):
                receipt.truncated = e.reasonDescription
                break loop
            }
            receipt.framesIn += 1
            events += frame.events.count
            if frame.timestamp.nanosecondsSinceEpoch % 1_000_000 != 0 { subMillisecond += 1 }
            var session = frame.session
            let restore = CaptureConversion.needsKeyRestore(header: reader.header, notes: reader.notes)
            if restore {
                Proto3KeyRestorer.restore(&session)
                restoredFrames += 1
            }
            receipt.comparison.proto3Presence = restore
            json.removeAll(keepingCapacity: true)
            GameJSONWriter.write(session, into: &json)
            var bones: PlayerBones?
            if let b = frame.bones {
                bonesJSON.removeAll(keepingCapacity: true)
                GameJSONWriter.write(b, into: &bonesJSON)
                bones = try GameJSONReader.parseBones(bonesJSON)
            }
            guard let stamp = EchoReplayTimestamp.parse(EchoReplayTimestamp.format(frame.timestamp)) else {
                receipt.unreadableCount += 1
                continue
            }
            let back = Frame(index: frame.index, timestamp: stamp, session: try GameJSONReader.parseSession(json), bones: bones)
            receipt.framesOut += 1
            receipt.comparison.compare(frame, back, frameNumber: receipt.framesIn - 1)
        }
        receipt.notHoldable.append("header\(reader.header == nil ? " (file has none)" : ""), frame indices and \(events) event(s)")
        if subMillisecond > 0 { receipt.notHoldable.append("\(subMillisecond) timestamp(s) finer than a millisecond") }
        if restoredFrames > 0 {
            receipt.notHoldable.append("\(restoredFrames) frame(s) without key presence (another tool's proto3 writer): missing keys and zero values compare equal; \(receipt.comparison.presenceOnly) such field(s)")
        }
        if reader.notes.unknownFields > 0 { receipt.notHoldable.append("\(reader.notes.unknownFields) unknown protobuf field(s)") }
        if receipt.framesIn == 0 {
            receipt.empty = (reader.header == nil ? "the file holds no record: nothing was verified" : "the file holds only a header, no frame: nothing was verified")
        }
        return receipt
    }
}

/// What of a typed frame `.nevrcap` can hold: everything (unknown keys and `null`s in each
/// message's `extras`, 2018 poses and bare-vector hands in their own fields) except fractional
/// Combat points, which the Go schema stores as int32.
enum NevrcapHoldability {
    /// Updates the count of frames with fractional blue/orange points.
    static func countFractional(_ f: Frame, _ fractional: Int) -> Int {
        let frac = [f.session.bluePoints, f.session.orangePoints].contains { $0.map { $0 != $0.rounded(.towardZero) } ?? false }
        return fractional + (frac ? 1 : 0)
    }

    /// `f` as `.nevrcap` holds it (points rounded toward zero), the expected result of a
    /// lossless round trip.
    static func holdable(_ f: Frame) -> Frame {
        var f = f
        if let p = f.session.bluePoints { f.session.bluePoints = Double(NevrcapWire.points(p)) }
        if let p = f.session.orangePoints { f.session.orangePoints = Double(NevrcapWire.points(p)) }
        return f
    }
}
