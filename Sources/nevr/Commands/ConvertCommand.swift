import ArgumentParser
import Dispatch
import Foundation
import NEVRCapture

/// `nevr convert IN OUT` and `nevr convert --jobs N DIR OUTDIR`: rewrites captures, streaming,
/// the direction picked from the extensions, with a one-line summary.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert recordings: .echoreplay <-> .nevrcap, zipped <-> plain .echoreplay; whole folders in parallel.",
        discussion: """
            The direction comes from the extensions (.nevrcap, anything else is .echoreplay). \
            .echoreplay -> .echoreplay copies timestamps and JSON bytes exactly; -> .nevrcap stores typed \
            frames, bones and detected events under a header; .nevrcap -> .echoreplay rebuilds the game's JSON \
            (events and header dropped, said in the summary). Examples:
              nevr convert match.echoreplay match.nevrcap
              nevr convert --jobs 4 recordings/ converted/ --to nevrcap
            """)

    @Argument(help: "The input recording, or a folder of recordings.")
    var input: String

    @Argument(help: "The output file (overwritten), or the output folder (created) when the input is a folder.")
    var output: String

    @Flag(name: .long, help: "Write plain text instead of a ZIP archive (.echoreplay output).")
    var plain = false

    @Flag(name: .long, help: "Drop the bones column (.echoreplay output).")
    var noBones = false

    @Flag(name: .long, help: "Do not detect events (.nevrcap output).")
    var noEvents = false

    @Option(name: .long, help: "Compression level: zlib 0-9 for a zipped .echoreplay (default 5), zstd 1-19 for .nevrcap (default 1).")
    var level: Int32?

    @Option(name: .long, help: "Folder mode: convert this many files at once (default: all cores).")
    var jobs: Int?

    @Option(name: .long, help: "Folder mode: output format, nevrcap or echoreplay (default: the other format of each file).")
    var to: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let level, !(0...19).contains(level) { throw ValidationError("--level must be 0 through 19") }
        if let to, CaptureFormat(name: to) == nil { throw ValidationError("--to must be nevrcap or echoreplay") }
    }

    private var conversionOptions: ConversionOptions {
        var options = ConversionOptions(detectEvents: !noEvents)
        options.write.compressionLevel = level
        options.write.includeBones = !noBones
        options.write.echoReplay.zipped = !plain
        return options
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
            try runFolder()
            return
        }
        let inURL = URL(fileURLWithPath: input)
        let outURL = URL(fileURLWithPath: output)
        let progress = ProgressLine("converting \(inURL.lastPathComponent)")
        let summary = try CLIOutput.run(file: input) {
            defer { progress.finish() }
            return try CaptureConversion.convert(from: inURL, to: outURL, options: conversionOptions) { p in
                progress.update(fraction: p.inputBytesTotal > 0 && p.inputBytesRead > 0 ? p.fraction : nil, detail: "\(p.framesWritten) frames")
            }
        }
        CLIOutput.warnSkipped(file: input, count: summary.skippedCount, first: summary.skipped, unit: summary.positionUnit)
        for note in summary.notes { CLIOutput.printError(file: input, note) }
        print(line(output, summary))
    }

    private func line(_ output: String, _ summary: ConversionSummary) -> String {
        let seconds = String(format: "%.2f", summary.elapsedSeconds)
        var text = "\(output): \(summary.framesWritten) frames written (\(summary.framesWithBones) with bones"
        if summary.outputStoresEvents { text += ", \(summary.eventsWritten) events" }
        text += "), \(summary.skippedCount) \(summary.positionUnit)s skipped, \(seconds) s"
        if summary.inputTruncated { text += " (input truncated)" }
        return text
    }

    /// Converts every recording in `input` into `output` on `jobs` threads. A failing file is
    /// reported and the others go on; exits non-zero when any file failed.
    private func runFolder() throws {
        let inDir = URL(fileURLWithPath: input, isDirectory: true)
        let outDir = URL(fileURLWithPath: output, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: inDir.path)
            .filter { ["echoreplay", "nevrcap", "txt"].contains(URL(fileURLWithPath: $0).pathExtension.lowercased()) }
            .sorted()
        guard !names.isEmpty else {
            CLIOutput.printError(file: input, "no .echoreplay or .nevrcap files")
            throw ExitCode.failure
        }
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let jobs = min(self.jobs ?? ProcessInfo.processInfo.activeProcessorCount, names.count)
        let target = to.flatMap(CaptureFormat.init(name:))
        let tasks: [(URL, URL)] = names.map { name in
            let src = inDir.appendingPathComponent(name)
            let format = target ?? ((try? CaptureFormat(url: src)) == .nevrcap ? .echoReplay : .nevrcap)
            let dst = outDir.appendingPathComponent(src.deletingPathExtension().lastPathComponent + "." + format.preferredExtension)
            return (src, dst)
        }
        let progress = ProgressLine("converting \(tasks.count) files on \(jobs) threads")
        let state = FolderState(count: tasks.count, progress: progress)
        let started = DispatchTime.now().uptimeNanoseconds
        let options = conversionOptions
        let next = FolderState.Counter()
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while let i = next.take(limit: tasks.count) {
                let (src, dst) = tasks[i]
                do {
                    let summary = try CaptureConversion.convert(from: src, to: dst, options: options)
                    state.finished(i, .success(summary))
                } catch {
                    state.finished(i, .failure(error))
                }
            }
        }
        progress.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var failed = 0
        var frames = 0
        for (i, result) in state.results.enumerated() {
            switch result {
            case .success(let summary)?:
                frames += summary.framesWritten
                CLIOutput.warnSkipped(file: tasks[i].0.path, count: summary.skippedCount, first: summary.skipped, unit: summary.positionUnit, show: 2)
                if summary.inputTruncated { CLIOutput.printError(file: tasks[i].0.path, "input truncated; converted every complete frame") }
            case .failure(let error)?:
                failed += 1
                CLIOutput.report(error, file: tasks[i].0.path)
            case nil:
                failed += 1
                CLIOutput.printError(file: tasks[i].0.path, "not converted")
            }
        }
        print("\(output): \(tasks.count - failed) of \(tasks.count) files converted, \(frames) frames, \(failed) failed, "
            + String(format: "%.2f s (%.0f frames/s on %d threads)", seconds, Double(frames) / max(seconds, 1e-9), jobs))
        if failed > 0 { throw ExitCode.failure }
    }
}

/// Results of a folder conversion, shared by the worker threads.
private final class FolderState: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [Result<ConversionSummary, Error>?]
    private var done = 0
    private var frames = 0
    private var failed = 0

    private let progress: ProgressLine

    init(count: Int, progress: ProgressLine) {
        results = Array(repeating: nil, count: count)
        self.progress = progress
    }

    func finished(_ i: Int, _ result: Result<ConversionSummary, Error>) {
        lock.lock()
        defer { lock.unlock() }
        results[i] = result
        done += 1
        switch result {
        case .success(let s): frames += s.framesWritten
        case .failure: failed += 1
        }
        // The overall progress line, redrawn under the lock (one writer at a time).
        progress.update(fraction: Double(done) / Double(results.count), detail: "\(done)/\(results.count) files, \(frames) frames, \(failed) failed")
    }

    /// Hands out file indices to the workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(limit: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
