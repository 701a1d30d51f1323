import Foundation
import NEVRCore

extension CaptureVerification {
    /// Verifies a recording of any registered format by a round trip through `target`, over the
    /// capture seam only (``CaptureFormat/open(_:options:)``, ``CaptureFormat/create(_:header:options:)``):
    /// no per-format code, so a format plugged into the registry is verifiable at once.
    ///
    /// Pass one writes every frame into a temporary `target` file (deleted afterwards); pass two
    /// reads the source and that file again side by side and compares every field of each typed
    /// frame (``FrameComparison``). Memory stays flat: neither pass keeps frames.
    ///
    /// The receipt is honest about what `target` implies: every field that differs is listed by
    /// path and counted as a difference (a lossy target, e.g. `.tape`'s documented holes, is not
    /// lossless); what the target cannot hold at all (events, header, bones) is listed in
    /// ``Receipt/notHoldable``; frames the target refused (cannot be parsed or stored) are
    /// unreadable. Timestamps compare at millisecond precision when either side is `.echoreplay`.
    ///
    /// ```swift
    /// let receipt = try CaptureVerification.verify(URL(fileURLWithPath: "match.tape"), via: .nevrcap)
    /// print(receipt.isLossless, receipt.comparison.countsByPath)
    /// ```
    public static func verify(_ url: URL, via target: CaptureFormat) throws -> Receipt {
        let source = try CaptureFormat(url: url)
        guard source.isSupported else { throw CaptureFormatError(path: url.path, reason: .notSupportedYet(source)) }
        guard target.isSupported else { throw CaptureFormatError(path: url.path, reason: .notSupportedYet(target)) }
        let sha = try SHA256.hexDigest(of: url)
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("nevr-verify-\(UUID().uuidString)", isDirectory: true)
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("round-trip." + target.preferredExtension)

        let millis = source == .echoReplay || target == .echoReplay
        var receipt = Receipt(
            file: url.path, format: source, sha256: sha,
            comparison: FrameComparison(proto3Presence: false, compareIndexAndEvents: false, millisecondTimestamps: millis))

        // Pass one: source -> target.
        let reader = try source.open(url)
        let writer = try target.create(copy, header: reader.header)
        var refused: Set<Int> = []
        var events = 0, withBones = 0, ordinal = 0
        while let record = try reader.next() {
            defer { ordinal += 1 }
            receipt.framesIn += 1
            events += record.events.count
            if record.hasBones { withBones += 1 }
            do {
                try writer.write(record)
            } catch {
                // Only frames the target cannot take are skipped; a failing file stops the check.
                let refusedFrame = error is GameJSONError || (error as? NevrcapError)?.isUnrepresentableFrame == true
                guard refusedFrame else { throw error }
                refused.insert(ordinal)
                receipt.unreadableCount += 1
                if receipt.unreadable.count < 20 {
                    let reason = ErrorReason.plain(error)
                    receipt.unreadable.append(SkippedLine(lineNumber: record.position, reason: ".\(target.preferredExtension) cannot take it: \(reason)"))
                }
            }
        }
        try writer.finish()
        let damage = reader.report
        receipt.unreadableCount += damage.skippedCount
        receipt.unreadable += damage.skipped.prefix(max(0, 20 - receipt.unreadable.count))
        receipt.truncated = damage.truncation

        // Pass two: source and round trip side by side.
        let again = try source.open(url)
        let back = try target.open(copy)
        ordinal = 0
        var frameNumber = 0
        while var original = try again.next() {
            defer { ordinal += 1 }
            if refused.contains(ordinal) { continue }
            defer { frameNumber += 1 }
            guard var returned = try back.next() else {
                receipt.comparison.frameMissing(frameNumber: frameNumber, inOutput: true)
                continue
            }
            let a = try original.typedFrame(index: UInt32(truncatingIfNeeded: frameNumber))
            let b = try returned.typedFrame(index: UInt32(truncatingIfNeeded: frameNumber))
            receipt.framesOut += 1
            receipt.comparison.compare(a, b, frameNumber: frameNumber)
        }
        while try back.next() != nil {
            receipt.comparison.frameMissing(frameNumber: frameNumber, inOutput: false)
            frameNumber += 1
        }

        let into = "." + target.preferredExtension
        if events > 0, !writer.storesEvents { receipt.notHoldable.append("\(events) event(s): \(into) stores none (they are detected again when read)") }
        if reader.header != nil, target == .echoReplay { receipt.notHoldable.append("the header: \(into) has none") }
        if withBones > writer.framesWithBones {
            receipt.notHoldable.append("bones of \(withBones - writer.framesWithBones) frame(s) were not written to \(into)")
        }
        receipt.notHoldable += writer.notes
        if receipt.framesIn == 0 { receipt.empty = "the file holds no frame: nothing was verified" }
        return receipt
    }
}
