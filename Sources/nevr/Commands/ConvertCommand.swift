import ArgumentParser
import Dispatch
import Foundation
import NEVRCapture

/// `nevr convert IN OUT` and `nevr convert DIR OUTDIR`: rewrites captures, streaming, each
/// format taken from its file's extension, with a one-line summary.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert recordings between formats (.echoreplay zipped or plain, .nevrcap, .tape, .nvr; from .butter); whole folders in parallel.",
        discussion: """
            Each format comes from its file's extension: .echoreplay or .txt, .nevrcap, .tape, .nvr, .butter \
            (read only; lossy, said in the summary) (an unknown extension is an error). .echoreplay -> .echoreplay copies timestamps and JSON bytes exactly; \
            -> .nevrcap stores typed frames, bones and detected events under a header; .nevrcap -> \
            .echoreplay rebuilds the game's JSON (events and header dropped, said in the summary). \
            IN may be - (standard input) and OUT - (standard output, with --format).

            Folder mode (IN is a folder): every recording below it, recursively (or those matching \
            --glob), is converted into OUTDIR with the same relative path; files that are not \
            recordings are skipped with a note; two inputs that would write the same output get \
            names that keep their source extension (a.echoreplay.nevrcap, a.txt.nevrcap); an output \
            that is one of the inputs is refused.

            Exit status: 0 done, 1 failed (folder: any file failed), 2 an input was damaged or \
            truncated (everything readable was converted).
            Examples:
              nevr convert match.echoreplay match.nevrcap
              nevr convert - out.nevrcap < match.echoreplay
              nevr convert match.nevrcap - --format echoreplay --plain | head
              nevr convert --jobs 4 recordings/ converted/ --format nevrcap --glob '2021-*' --skip-existing
            """)

    @Argument(help: "The input recording, a folder of recordings, or - for standard input.")
    var input: String

    @Argument(help: "The output file (replaced only when the conversion succeeds), the output folder (created) when the input is a folder, or - for standard output.")
    var output: String

    @Flag(name: .long, help: "Write plain text instead of a ZIP archive (.echoreplay output).")
    var plain = false

    @Flag(name: .long, help: "Drop the bones column (.echoreplay output).")
    var noBones = false

    @Flag(name: .long, help: "Do not detect events (.nevrcap output).")
    var noEvents = false

    @Option(name: .long, help: "Compression level: zlib 0-9 for a zipped .echoreplay (default 5), zstd 1-19 for .nevrcap (default 1).")
    var level: Int32?

    @Option(name: .long, help: "Output format: echoreplay or nevrcap. Needed for - as output; in folder mode the default is the other format of each file.")
    var format: String?

    @Option(name: .customLong("to"), help: .hidden)
    var deprecatedTo: String?

    @Option(name: .long, help: "Folder mode: convert this many files at once (default: all cores).")
    var jobs: Int?

    @Option(name: .long, help: "Folder mode: only files whose name or relative path matches this shell pattern (e.g. '*.echoreplay', '2021/*').")
    var glob: String?

    @Flag(name: .long, help: "Folder mode: leave files whose output already exists alone.")
    var skipExisting = false

    @Flag(name: .long, help: "Folder mode: print what would be converted to what, and convert nothing.")
    var dryRun = false

    mutating func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let level, !(0...19).contains(level) { throw ValidationError("--level must be 0 through 19") }
        if let old = deprecatedTo {
            Deprecation.warn(command: "convert", old: "--to", new: "--format")
            if format == nil { format = old }
        }
        if let format, CaptureFormat(name: format) == nil {
            throw ValidationError("--format must be one of \(CaptureFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(format)\")")
        }
    }

    @OptionGroup var dictionaries: DictionaryArguments

    private func makeConversionOptions() throws -> ConversionOptions {
        var options = ConversionOptions(read: try dictionaries.readOptions(), detectEvents: !noEvents)
        options.write.compressionLevel = level
        options.write.includeBones = !noBones
        options.write.echoReplay.zipped = !plain
        return options
    }

    private var outputFormat: CaptureFormat? { format.flatMap(CaptureFormat.init(name:)) }

    func run() throws {
        // Ctrl-C or SIGTERM removes the unfinished output instead of leaving a fragment.
        AtomicOutputFile.installSignalCleanup()
        var isDirectory: ObjCBool = false
        if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
            try runFolder()
            return
        }
        let source = try CLIOutput.run(file: input) { try StandardStream.input(input) }
        let target = try CLIOutput.run(file: output) { try StandardStream.output(output, format: outputFormat) }
        if let outputFormat, !target.isStandard {
            // The extension decides; --format may only confirm it.
            let named = try CLIOutput.run(file: output) { try CaptureFormat(url: target.url) }
            if named != outputFormat {
                CLIOutput.printError(file: output, "the extension says .\(named.preferredExtension) but --format says \(outputFormat.rawValue)")
                throw ExitCode.failure
            }
        }
        let progress = ProgressLine("converting \(source.label == "stdin" ? "stdin" : source.url.lastPathComponent)")
        let options = try makeConversionOptions()
        let summary = try CLIOutput.run(file: source.label) {
            defer { progress.finish() }
            return try CaptureConversion.convert(from: source.url, to: target.url, options: options) { p in
                progress.update(fraction: p.inputBytesTotal > 0 && p.inputBytesRead > 0 ? p.fraction : nil, detail: "\(p.framesWritten) frames")
            }
        }
        try CLIOutput.run(file: "stdout") { try target.finishOutput() }
        CLIOutput.warnSkipped(file: source.label, count: summary.skippedCount, first: summary.skipped, unit: summary.positionUnit)
        for note in summary.notes { CLIOutput.printError(file: source.label, note) }
        let line = Self.line(target.label, summary)
        if target.isStandard { CLIOutput.printError(line) } else { print(line) }
        if summary.inputDamaged { throw ExitStatus.damaged(source.label) }
    }

    static func line(_ output: String, _ summary: ConversionSummary) -> String {
        let seconds = String(format: "%.2f", summary.elapsedSeconds)
        var text = "\(output): \(summary.framesWritten) frames written (\(summary.framesWithBones) with bones"
        if summary.outputStoresEvents { text += ", \(summary.eventsWritten) events" }
        text += "), \(summary.skippedCount) \(summary.positionUnit)s skipped, \(seconds) s"
        if summary.inputTruncated { text += " (input truncated)" }
        return text
    }

    /// Converts every recording below `input` into `output` on `jobs` threads. A failing file
    /// is reported and the others go on.
    private func runFolder() throws {
        let inDir = URL(fileURLWithPath: input, isDirectory: true).standardizedFileURL
        let outDir = URL(fileURLWithPath: output, isDirectory: true).standardizedFileURL
        let plan = try CLIOutput.run(file: input) {
            try FolderConversionPlan(input: inDir, output: outDir, glob: glob, format: outputFormat, skipExisting: skipExisting)
        }
        for note in plan.notes { CLIOutput.printError(file: note.file, note.text) }
        if dryRun {
            for task in plan.tasks { print("\(task.source.path) -> \(task.destination.path)") }
            CLIOutput.printError("nevr convert: dry run: \(plan.tasks.count) file(s) would be converted, \(plan.skipped) skipped")
            return
        }
        guard !plan.tasks.isEmpty else {
            CLIOutput.printError(file: input, plan.skipped > 0 ? "nothing to convert (\(plan.skipped) file(s) skipped)" : "no recordings found")
            if plan.refused > 0 { throw ExitCode.failure }
            return
        }
        let tasks = plan.tasks
        let jobs = min(self.jobs ?? ProcessInfo.processInfo.activeProcessorCount, tasks.count)
        let progress = ProgressLine("converting \(tasks.count) files on \(jobs) threads")
        let state = FolderState(count: tasks.count, progress: progress)
        let started = DispatchTime.now().uptimeNanoseconds
        let options = try makeConversionOptions()
        let next = FolderState.Counter()
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while let i = next.take(limit: tasks.count) {
                let task = tasks[i]
                do {
                    try FileManager.default.createDirectory(at: task.destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    let summary = try CaptureConversion.convert(from: task.source, to: task.destination, options: options)
                    state.finished(i, .success(summary))
                } catch {
                    state.finished(i, .failure(error))
                }
            }
        }
        progress.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var failed = plan.refused
        var damaged = 0
        var frames = 0
        for (i, result) in state.results.enumerated() {
            let file = tasks[i].source.path
            switch result {
            case .success(let summary)?:
                frames += summary.framesWritten
                CLIOutput.warnSkipped(file: file, count: summary.skippedCount, first: summary.skipped, unit: summary.positionUnit, show: 2)
                if summary.inputTruncated { CLIOutput.printError(file: file, "input truncated; converted every complete frame") }
                if summary.inputDamaged { damaged += 1 }
            case .failure(let error)?:
                failed += 1
                CLIOutput.report(error, file: file)
            case nil:
                failed += 1
                CLIOutput.printError(file: file, "not converted")
            }
        }
        var line = "\(output): \(tasks.count - (failed - plan.refused)) of \(tasks.count) files converted, \(frames) frames, \(failed) failed"
        if plan.skipped > 0 { line += ", \(plan.skipped) skipped" }
        if damaged > 0 { line += ", \(damaged) damaged input(s)" }
        print(line + String(format: ", %.2f s (%.0f frames/s on %d threads)", seconds, Double(frames) / max(seconds, 1e-9), jobs))
        if failed > 0 { throw ExitCode.failure }
        if damaged > 0 { throw ExitStatus.damagedInput }
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
