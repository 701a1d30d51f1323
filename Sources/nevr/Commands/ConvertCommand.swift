import ArgumentParser
import Foundation
import NEVRCapture

/// `nevr convert IN OUT`: rewrites a capture, streaming, with a one-line summary.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a recording (.echoreplay -> .echoreplay, zipped <-> plain).",
        discussion: "Timestamps and JSON bytes are copied exactly. Example: nevr convert match.echoreplay match-plain.echoreplay --plain")

    @Argument(help: "The input recording.")
    var input: String

    @Argument(help: "The output file (overwritten).")
    var output: String

    @Flag(name: .long, help: "Write plain text instead of a ZIP archive.")
    var plain = false

    @Flag(name: .long, help: "Drop the bones column (for readers that accept only two columns).")
    var noBones = false

    func run() throws {
        let inURL = URL(fileURLWithPath: input)
        let outURL = URL(fileURLWithPath: output)
        let progress = ProgressLine("converting \(inURL.lastPathComponent)")
        let summary = try CLIOutput.run(file: input) {
            defer { progress.finish() }
            return try CaptureConversion.echoReplayToEchoReplay(
                from: inURL, to: outURL,
                options: .init(zipped: !plain, includeBones: !noBones)
            ) { p in
                progress.update(fraction: p.fraction, detail: "\(p.framesWritten) frames")
            }
        }
        CLIOutput.warnSkipped(file: input, count: summary.skippedCount, first: summary.skipped)
        let seconds = String(format: "%.2f", summary.elapsedSeconds)
        print("\(output): \(summary.framesWritten) frames written (\(summary.framesWithBones) with bones), "
            + "\(summary.skippedCount) lines skipped, \(seconds) s")
    }
}
