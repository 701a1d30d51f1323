import Foundation
import NEVRCapture

/// `archive add`: finds the captures under the paths given, indexes each one and adds its
/// matches. A file that cannot be read is reported and skipped; nothing stops the run.
public struct ArchiveIngest {
    /// What happened to one file.
    public enum Outcome: Sendable {
        /// Indexed: matches added, matches already in the archive, records skipped, damage notes.
        case added(file: String, added: Int, duplicates: Int, skippedRecords: Int, damage: [String])
        /// Not archived, with the reason.
        case failed(file: String, reason: String)
    }

    /// Totals over a run.
    public struct Summary: Sendable, Equatable {
        /// Files whose matches went in (or were all there already).
        public var filesIndexed = 0
        /// Files reported and skipped.
        public var filesFailed = 0
        /// Matches added.
        public var matchesAdded = 0
        /// Matches that were already archived.
        public var duplicates = 0
        /// Files that were damaged but partly indexed.
        public var filesDamaged = 0
        /// Creates empty totals.
        public init() {}
    }

    /// The archive written to.
    public let archive: Archive

    /// Creates an ingest run into `archive`.
    public init(archive: Archive) { self.archive = archive }

    /// What `archive add PATH...` reads: the capture files, and the folders that held none.
    public struct Inputs: Sendable, Equatable {
        /// Files as given, then each folder's capture files sorted by path.
        public var files: [URL]
        /// Folders given that hold no file with a capture extension (reported and counted as
        /// skipped, so a mistyped folder is not a silent success).
        public var emptyFolders: [String]
    }

    /// The capture files `paths` name: files as given (any extension: an unknown one is
    /// reported when indexing), folders searched recursively for files with a known capture
    /// extension, sorted by path; and the folders without any.
    public static func inputs(_ paths: [String]) -> Inputs {
        var inputs = Inputs(files: [], emptyFolders: [])
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                inputs.files.append(URL(fileURLWithPath: path))
                continue
            }
            let root = URL(fileURLWithPath: path, isDirectory: true)
            var found: [URL] = []
            if let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) {
                for case let url as URL in walker where CaptureFormat(fileExtension: url.pathExtension)?.isSupported == true {
                    if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(url) }
                }
            }
            if found.isEmpty { inputs.emptyFolders.append(path) }
            inputs.files += found.sorted { $0.path < $1.path }
        }
        return inputs
    }

    /// The capture files of ``inputs(_:)``.
    public static func captureFiles(in paths: [String]) -> [URL] { inputs(paths).files }

    /// Indexes and adds every file, calling `report` after each one (in order).
    public func add(_ files: [URL], report: (Int, Outcome) -> Void) async -> Summary {
        var summary = Summary()
        for (i, url) in files.enumerated() {
            let outcome = await add(url)
            switch outcome {
            case .added(_, let added, let duplicates, let skipped, let damage):
                summary.filesIndexed += 1
                summary.matchesAdded += added
                summary.duplicates += duplicates
                if skipped > 0 || !damage.isEmpty { summary.filesDamaged += 1 }
            case .failed:
                summary.filesFailed += 1
            }
            report(i, outcome)
        }
        return summary
    }

    /// Indexes and adds one file.
    public func add(_ url: URL) async -> Outcome {
        let file = url.path
        let result: MatchIndexer.Result
        do {
            result = try MatchIndexer().index(url, label: file)
        } catch {
            return .failed(file: file, reason: Self.reason(error))
        }
        var added = 0, duplicates = 0
        do {
            for match in result.matches {
                if try await archive.add(match) { added += 1 } else { duplicates += 1 }
            }
        } catch {
            return .failed(file: file, reason: Self.reason(error))
        }
        return .added(file: file, added: added, duplicates: duplicates, skippedRecords: result.skipped, damage: result.damage)
    }

    /// An error's reason without a repeated file name.
    static func reason(_ error: any Error) -> String {
        if let e = error as? any CaptureFileError { return e.reasonDescription }
        if let e = error as? ArchiveError, case .noGameFrames = e { return "no game frames with a session id (nothing to archive)" }
        return String(describing: error)
    }
}
