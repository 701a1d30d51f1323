import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a folder conversion will do, decided before anything is written: which recordings
/// below a folder go to which outputs, and what is left out and why.
///
/// - Walks `input` recursively (hidden files and the output folder, if inside, are left out);
///   an output keeps its input's relative folder and stem: `a/b.echoreplay -> OUT/a/b.nevrcap`.
/// - `glob` (a shell pattern) must match the file's name or its relative path.
/// - Files that are not recordings (unknown extension, or content that does not look like
///   the format its extension names) and formats not supported yet are skipped with a note.
/// - Two inputs that would write the same output both get names that keep their source
///   extension (`a.echoreplay.nevrcap`, `a.txt.nevrcap`), said in a note; an output that is
///   one of the input files is refused (never overwritten).
/// - `skipExisting` leaves tasks whose output exists out (with a note).
///
/// ```swift
/// let plan = try FolderConversionPlan(input: inDir, output: outDir, format: .nevrcap)
/// for task in plan.tasks { _ = try CaptureConversion.convert(from: task.source, to: task.destination) }
/// ```
public struct FolderConversionPlan: Sendable {
    /// One conversion to do.
    public struct Task: Sendable, Hashable {
        /// The recording to read.
        public var source: URL
        /// The file to write: below the output folder, at the source's relative folder and stem with
        /// the target format's extension.
        public var destination: URL
    }

    /// A file left out or renamed, and why.
    public struct Note: Sendable, Hashable {
        /// The input's path relative to the input folder.
        public var file: String
        /// What happened to it and why (left out, renamed, refused).
        public var text: String
    }

    /// The conversions to do, in order of the inputs' relative paths.
    public private(set) var tasks: [Task] = []
    /// Every file left out, renamed or refused, with the reason.
    public private(set) var notes: [Note] = []
    /// Files left out on purpose (not recordings, not supported yet, output exists).
    public private(set) var skipped = 0
    /// Files refused because their output would replace an input (counted as failures).
    public private(set) var refused = 0

    /// Plans converting the recordings below `input` into `output`, each into `format`
    /// (`nil`: `.nevrcap` into `.echoreplay`, everything else into `.nevrcap`).
    public init(input: URL, output: URL, glob: String? = nil, format: CaptureFormat? = nil, skipExisting: Bool = false) throws {
        let fm = FileManager.default
        let root = input.standardizedFileURL.resolvingSymlinksInPath()
        let outRoot = output.standardizedFileURL.resolvingSymlinksInPath()
        guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey], options: [.skipsHiddenFiles]) else {
            throw CaptureFormatError(path: input.path, reason: .unrecognisedContent)
        }
        var files: [(url: URL, relative: String)] = []
        for case let url as URL in walker {
            let resolved = url.standardizedFileURL.resolvingSymlinksInPath()
            let values = try? resolved.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
            if values?.isDirectory == true {
                if resolved.path == outRoot.path { walker.skipDescendants() }
                continue
            }
            guard values?.isRegularFile == true else { continue }
            let relative = String(resolved.path.dropFirst(root.path.count).drop { $0 == "/" })
            files.append((resolved, relative))
        }
        files.sort { $0.relative < $1.relative }
        // Every file below the input, recordings or not: none of them may be overwritten.
        let inputPaths = Set(files.map(\.url.path))

        var candidates: [(source: URL, relative: String, format: CaptureFormat)] = []
        for file in files {
            if let glob, fnmatch(glob, file.relative, 0) != 0, fnmatch(glob, file.url.lastPathComponent, 0) != 0 { continue }
            let ext = file.url.pathExtension
            guard let source = CaptureFormat(fileExtension: ext) else {
                skip(file.url, "not a recording (\(ext.isEmpty ? "no extension" : "." + ext)), skipped")
                continue
            }
            guard let codec = source.codec else {
                skip(file.url, "the .\(source.preferredExtension) format is not supported yet, skipped")
                continue
            }
            guard codec.sniff(Self.prefix(of: file.url)) else {
                skip(file.url, "not a recording (its content is not .\(source.preferredExtension)), skipped")
                continue
            }
            candidates.append((file.url, file.relative, source))
        }

        func destination(_ c: (source: URL, relative: String, format: CaptureFormat), keepingExtension: Bool) -> URL {
            let target = format ?? (c.format == .nevrcap ? .echoReplay : .nevrcap)
            let relativeURL = URL(fileURLWithPath: c.relative, relativeTo: outRoot)
            let folder = relativeURL.deletingLastPathComponent()
            let stem = keepingExtension ? c.source.lastPathComponent : c.source.deletingPathExtension().lastPathComponent
            return folder.appendingPathComponent(stem + "." + target.preferredExtension).standardizedFileURL
        }
        var byDestination: [String: [Int]] = [:]
        for (i, c) in candidates.enumerated() { byDestination[destination(c, keepingExtension: false).path, default: []].append(i) }
        var planned: [(Int, URL)] = []
        for (i, c) in candidates.enumerated() {
            var dst = destination(c, keepingExtension: false)
            if let clash = byDestination[dst.path], clash.count > 1 {
                dst = destination(c, keepingExtension: true)
                let others = clash.filter { $0 != i }.map { candidates[$0].source.lastPathComponent }.joined(separator: ", ")
                notes.append(Note(file: c.source.path, text: "would write the same output as \(others); writing \(dst.lastPathComponent) instead"))
            }
            planned.append((i, dst))
        }
        // The library's batch check (issue 15) decides what is refused: an output that is an
        // input (also through a symlink or hard link), or an output two inputs still share.
        let conflicts = OutputPaths.conflicts(in: planned.map { (input: candidates[$0.0].source, output: $0.1) })
        for (i, dst) in planned {
            let c = candidates[i]
            let resolved = dst.standardizedFileURL.resolvingSymlinksInPath().path
            let hits = conflicts.filter { $0.path == dst.path || $0.path == resolved }
            if hits.contains(where: { if case .wouldOverwriteInput = $0.reason { true } else { false } }) || inputPaths.contains(resolved) {
                refused += 1
                notes.append(Note(file: c.source.path, text: "its output \(dst.path) is one of the input files; not converted (nothing is overwritten)"))
                continue
            }
            // Of inputs still sharing an output, the first (in name order) writes it.
            if let shared = hits.lazy.compactMap({ if case .collision(let inputs) = $0.reason { inputs } else { nil } }).first,
               shared.first != c.source.path {
                refused += 1
                notes.append(Note(file: c.source.path, text: "its output \(dst.path) is already written by another input; not converted"))
                continue
            }
            if skipExisting, fm.fileExists(atPath: dst.path) {
                skip(c.source, "output \(dst.path) exists, skipped (--skip-existing)")
                continue
            }
            tasks.append(Task(source: c.source, destination: dst))
        }
    }

    private mutating func skip(_ url: URL, _ text: String) {
        skipped += 1
        notes.append(Note(file: url.path, text: text))
    }

    /// The first 64 bytes of a file (empty when unreadable).
    static func prefix(of url: URL) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 64)) ?? Data())
    }
}
