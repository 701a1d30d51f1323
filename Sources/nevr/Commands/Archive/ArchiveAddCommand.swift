import ArgumentParser
import Foundation
import NEVRArchive
import NEVRCapture

/// `nevr archive add FILE|DIR...`: index captures of any format into the archive.
struct ArchiveAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Index capture files (any format; folders recursively) into the archive.",
        discussion: """
            Each file gives one match per session id. A match already archived (same session id
            and start) is not added twice. A file that cannot be read is reported on stderr and
            skipped, and so is a folder without any capture file; the summary counts them. The exit
            status is 1 when anything was skipped, 2 when a file was damaged (and partly indexed).
            """
    )

    @Argument(help: "Capture files or folders.")
    var paths: [String]

    @Option(help: "The archive: a file, sqlite:PATH or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default: archive.sqlite in the first folder given, or beside the first file).")
    var database: String?

    func run() async throws {
        let inputs = ArchiveIngest.inputs(paths)
        let files = inputs.files
        let spec = database ?? defaultDatabase()
        let shown = ArchiveLocation.redacted(spec)
        let archive: Archive
        do {
            archive = try await ArchiveLocation(spec).open()
        } catch {
            throw ArchiveFailure.report(error, database: spec)
        }
        let known = CaptureFormat.allCases.filter(\.isSupported).flatMap(\.fileExtensions).map { "." + $0 }.joined(separator: ", ")
        for folder in inputs.emptyFolders {
            CLIOutput.printError(file: folder, "no capture files in this folder (known extensions: \(known)); skipped")
        }
        let progress = ProgressLine("archive add")
        let summary = await ArchiveIngest(archive: archive).add(files) { i, outcome in
            switch outcome {
            case .failed(let file, let reason):
                CLIOutput.printError(file: file, "\(reason) (skipped)")
            case .added(let file, _, _, let skipped, let damage):
                if skipped > 0 { CLIOutput.printError(file: file, "\(skipped) unreadable records skipped") }
                for line in damage.prefix(5) { CLIOutput.printError(file: file, "damaged: \(line)") }
            }
            progress.update(fraction: files.isEmpty ? nil : Double(i + 1) / Double(files.count), detail: "\(i + 1)/\(files.count) files")
        }
        progress.finish()
        try? await archive.close()
        let skipped = summary.filesFailed + inputs.emptyFolders.count
        CLIOutput.printError(
            "\(shown): \(summary.matchesAdded) matches added, \(summary.duplicates) already archived; "
                + "\(summary.filesIndexed) files indexed, \(skipped) skipped, \(summary.filesDamaged) damaged")
        if skipped > 0 { throw ExitCode.failure }
        if summary.filesDamaged > 0 { throw ExitStatus.damaged(shown) }
    }

    /// `archive.sqlite` in the first folder given, or in the folder of the first file.
    private func defaultDatabase() -> String {
        let first = paths.first ?? "."
        var isDirectory: ObjCBool = false
        let folder: URL
        if FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory), isDirectory.boolValue {
            folder = URL(fileURLWithPath: first, isDirectory: true)
        } else {
            folder = URL(fileURLWithPath: first).deletingLastPathComponent()
        }
        return folder.appendingPathComponent(ArchiveLocation.defaultFileName).path
    }
}
