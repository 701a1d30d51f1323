import ArgumentParser
import Foundation
import NEVRCapture

/// `nevr verify FILE`: round-trips a capture through the other format in memory and prints a
/// receipt. Run it before deleting originals.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Convert a recording to the other format and back in memory, compare every field, print a receipt.",
        discussion: """
            Exit status 0 only when every frame came back and nothing both formats can hold was lost. \
            What one format cannot hold (events and header in .echoreplay, unknown JSON keys in .nevrcap) \
            is listed, not counted as a loss. .tape and .butter go through .tape again and .nvr is decoded \
            block by block by default; --via picks the target (any format the registry can write). \
            Example: nevr verify match.echoreplay --via nevrcap
            """)

    @Argument(help: "A recording (.echoreplay, .nevrcap, .tape, .butter, or .nvr: every block decoded and checked).")
    var file: String

    @Flag(name: .long, help: "Print the receipt as one JSON object.")
    var json = false

    @Option(name: .long, help: "Round-trip through this format instead (tape: telemetry v2, reports tape.md's documented holes by name; the default for .tape and .butter files; nvr: byte for byte; echoreplay or nevrcap: through the capture seam, every field compared).")
    var via: String?

    @OptionGroup var dictionaries: DictionaryArguments

    func run() throws {
        var target: CaptureFormat?
        if let via {
            guard let format = CaptureFormat(name: via.lowercased()) else {
                throw ValidationError("--via: unknown format \(via); known: \(CaptureFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            switch format {
            // `.tape` has its own receipt naming tape.md's documented holes; `.nvr` checks byte for byte.
            case .tape: return try runViaTape()
            case .nvr: return try runNVR(roundTrip: true)
            default: target = format
            }
        }
        let url = URL(fileURLWithPath: file)
        let source = CaptureFormat(fileExtension: url.pathExtension)
        if target == nil {
            if source == .nvr { return try runNVR(roundTrip: false) }
            // A .tape or .butter file has no lossless "other format": it goes through .tape again,
            // which checks the reader and writer against each other and names tape's holes.
            if source == .tape || source == .butter { return try runViaTape() }
        }
        // .echoreplay and .nevrcap keep their detailed receipts (byte-identical JSON, dropped keys);
        // every other format, or another target, goes through the capture seam.
        if target == nil, source != .echoReplay, source != .nevrcap { target = .nevrcap }
        let progress = ProgressLine("verifying \(url.lastPathComponent)")
        progress.update(fraction: nil, detail: "")
        let receipt = try CLIOutput.run(file: file) {
            defer { progress.finish() }
            if let target { return try CaptureVerification.verify(url, via: target) }
            return try CaptureVerification.verify(url)
        }
        let c = receipt.comparison
        let outcome = Outcome(lossless: receipt.isLossless, lost: c.differenceCount > 0,
                              damaged: receipt.truncated != nil || receipt.unreadableCount > 0)
        let other = target.map { "." + $0.preferredExtension } ?? (receipt.format == .nevrcap ? ".echoreplay" : ".nevrcap")
        if json {
            let object: [String: Any] = [
                "file": receipt.file, "format": receipt.format.rawValue, "sha256": receipt.sha256,
                "round_trip_through": other, "frames_in": receipt.framesIn, "frames_out": receipt.framesOut,
                "fields_compared": c.fieldsCompared, "differences": c.differenceCount,
                "differences_by_path": c.countsByPath,
                "first_differences": c.differences.map(\.description),
                "unreadable": receipt.unreadableCount,
                "not_holdable": receipt.notHoldable,
                "byte_identical_sessions": receipt.format == .echoReplay && target == nil ? receipt.byteIdenticalSessions as Any : NSNull(),
                "truncated": receipt.truncated as Any? ?? NSNull(),
                "empty": receipt.empty as Any? ?? NSNull(),
                "lossy_text_frames": receipt.lossyText,
                "dropped_keys": receipt.droppedKeys,
                "dropped_key_paths": receipt.droppedKeyPaths,
                "lossless": receipt.isLossless,
            ]
            try Self.printJSONLine(object)
        } else {
            var out = ""
            func row(_ label: String, _ value: String) { out += Self.receiptRow(label, value) }
            row("file:", receipt.file)
            row("format:", receipt.format.rawValue + " (round trip through \(other), in memory)")
            row("sha256:", receipt.sha256)
            row("frames in:", "\(receipt.framesIn)")
            row("frames out:", "\(receipt.framesOut)")
            row("fields compared:", "\(c.fieldsCompared)")
            row("differences:", "\(c.differenceCount)")
            for (path, n) in c.countsByPath.sorted(by: { $0.value > $1.value }) { out += "  \(path): \(n)\n" }
            for d in c.differences { out += "  \(d)\n" }
            if receipt.format == .echoReplay, target == nil {
                row("identical JSON:", "\(receipt.byteIdenticalSessions) of \(receipt.framesOut) session lines rebuilt byte for byte")
            }
            if receipt.unreadableCount > 0 {
                row("unreadable:", "\(receipt.unreadableCount)")
                for u in receipt.unreadable { out += "  \(u)\n" }
            }
            if let t = receipt.truncated { row("truncated:", t) }
            if let e = receipt.empty { row("empty:", e) }
            if receipt.lossyText > 0 {
                row("lossy text:", "\(receipt.lossyText) frame(s) with invalid UTF-8 or lone surrogates (read as U+FFFD)")
            }
            if receipt.droppedKeys > 0 {
                row("dropped keys:", "\(receipt.droppedKeys) key(s) the model has no field for were not written back")
                for (path, n) in receipt.droppedKeyPaths.sorted(by: { $0.value > $1.value }).prefix(10) { out += "  \(path): \(n)\n" }
            }
            for note in receipt.notHoldable { row("not held:", note + " (\(other) cannot hold)") }
            row("result:", outcome.text(ok: "OK: nothing both formats can hold was lost", loss: "LOSS: see the differences above"))
            print(out, terminator: "")
        }
        try outcome.exit(file: file)
    }
}

extension VerifyCommand {
    /// `--via tape`: every frame to telemetry v2 and back (``TapeVerification``).
    func runViaTape() throws {
        let options = try CLIOutput.run(file: file) { try dictionaries.readOptions() }
        let receipt = try CLIOutput.run(file: file) { try TapeVerification.verify(URL(fileURLWithPath: file), options: options) }
        let c = receipt.comparison
        let outcome = Outcome(lossless: receipt.isLossless, lost: !receipt.losses.isEmpty || receipt.framesIn != receipt.framesOut
                                  || receipt.maxOrientationDeviation > TapeVerification.orientationTolerance,
                              damaged: receipt.truncated != nil || receipt.unreadable > 0)
        if json {
            let object: [String: Any] = [
                "file": receipt.file, "round_trip_through": ".tape", "frames_in": receipt.framesIn, "frames_out": receipt.framesOut,
                "fields_compared": c.fieldsCompared, "differences": c.differenceCount, "documented_holes": receipt.holes,
                "losses": receipt.losses, "max_orientation_deviation": receipt.maxOrientationDeviation,
                "protobuf_bytes_per_frame": receipt.framesOut > 0 ? receipt.protobufBytes / receipt.framesOut : 0,
                "unreadable": receipt.unreadable, "truncated": receipt.truncated as Any? ?? NSNull(), "lossless": receipt.isLossless,
            ]
            try Self.printJSONLine(object)
        } else {
            var out = ""
            func row(_ label: String, _ value: String) { out += Self.receiptRow(label, value) }
            row("file:", receipt.file)
            row("round trip:", "through .tape (telemetry v2, sparse event tier), in memory")
            row("frames in/out:", "\(receipt.framesIn) / \(receipt.framesOut)")
            row("fields compared:", "\(c.fieldsCompared)")
            row("protobuf:", "\(receipt.framesOut > 0 ? receipt.protobufBytes / receipt.framesOut : 0) B/frame before zstd")
            for (hole, n) in receipt.holes.sorted(by: { $0.key < $1.key }) { row("documented hole:", "\(hole): \(n) field(s)") }
            row("orientation:", String(format: "max deviation %.2g (tolerance %.0g)", receipt.maxOrientationDeviation, TapeVerification.orientationTolerance))
            for (path, n) in receipt.losses.sorted(by: { $0.value > $1.value }) { row("loss:", "\(path): \(n)") }
            if receipt.unreadable > 0 { row("unreadable:", "\(receipt.unreadable)") }
            if let t = receipt.truncated { row("truncated:", t) }
            row("result:", outcome.text(ok: "OK: only the holes tape.md documents", loss: "LOSS: see above"))
            print(out, terminator: "")
        }
        try outcome.exit(file: file)
    }

    /// What a receipt comes to, and the exit-status policy of every receipt: a loss is a failure
    /// (1); an input that is only damaged (cut off, unreadable lines or records) with everything
    /// readable back intact is 2, as in every other command.
    enum Outcome {
        case ok, damaged, loss

        init(lossless: Bool, lost: Bool, damaged: Bool) {
            self = lossless ? .ok : (!lost && damaged ? .damaged : .loss)
        }

        /// The `result:` row.
        func text(ok: String, loss: String) -> String {
            switch self {
            case .ok: return ok
            case .damaged: return "DAMAGED: every readable frame came back intact; the input is cut off or has unreadable records"
            case .loss: return loss
            }
        }

        /// Returns for `.ok`, throws exit status 2 for `.damaged`, 1 for `.loss`.
        func exit(file: String) throws {
            switch self {
            case .ok: return
            case .damaged: throw ExitStatus.damaged(file)
            case .loss: throw ExitCode.failure
            }
        }
    }

    /// One receipt as a single sorted JSON line on standard output (`--json`).
    static func printJSONLine(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// One `label: value` line of a text receipt, labels padded to one column.
    static func receiptRow(_ label: String, _ value: String) -> String {
        label.padding(toLength: 20, withPad: " ", startingAt: 0) + value + "\n"
    }
}
