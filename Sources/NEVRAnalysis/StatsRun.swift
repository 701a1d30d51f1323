import Foundation
import NEVRCapture
import NEVRCore

/// `nevr stats`: reads captures (files or folders, in parallel), builds each match's
/// figures and adds every player up by userid across all of them.
///
/// ```swift
/// let run = try StatsRun.run(paths: ["replays/"], jobs: 4)
/// for line in run.players { print(line.name, line.counter("goals")) }
/// ```
public struct StatsRun: Sendable {
    /// Every match read, in input order (files sorted by path inside a folder).
    public var matches: [MatchStats]
    /// Per file: frames read and the problems met (skipped records, truncation).
    public var files: [FileSummary]

    /// What reading one file gave.
    public struct FileSummary: Sendable {
        /// The file.
        public var path: String
        /// Game frames read.
        public var frames: Int
        /// Records skipped as unreadable.
        public var skipped: Int
        /// The first problems, with their reasons.
        public var problems: [String]
        /// Why the file could not be read at all, if so.
        public var failure: String?
    }

    /// The capture extensions a folder is searched for: every registered format's (not
    /// `.txt`, which names too many other files).
    public static let extensions: Set<String> = Set(
        CaptureFormat.allCases.filter { $0.codec != nil }.flatMap(\.fileExtensions).filter { $0 != "txt" })

    /// The capture files `paths` names: files as given, folders searched recursively for
    /// ``extensions`` (sorted). Throws for a path that does not exist.
    public static func files(_ paths: [String]) throws -> [URL] {
        var out: [URL] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw StatsError("\(path): no such file or folder") }
            if !isDir.boolValue {
                out.append(URL(fileURLWithPath: path))
                continue
            }
            var found: [URL] = []
            if let e = fm.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.isRegularFileKey]) {
                for case let url as URL in e where extensions.contains(url.pathExtension.lowercased()) { found.append(url) }
            }
            if found.isEmpty { throw StatsError("\(path): no capture files (\(extensions.sorted().map { "." + $0 }.joined(separator: ", "))) in this folder") }
            out += found.sorted { $0.path < $1.path }
        }
        return out
    }

    /// One capture's matches.
    public static func analyze(_ url: URL, options: EventDetectionOptions = .init()) -> (matches: [MatchStats], summary: FileSummary) {
        var builder = MatchStatsBuilder(source: url.path)
        var frames = 0
        do {
            let capture = try ProcessedCapture(url: url, options: options)
            while let frame = try capture.next() {
                frames += 1
                builder.add(frame)
            }
            var problems = capture.problems
            if let t = capture.truncation { problems.append(t) }
            let failure: String? = frames == 0 ? "no game frames" : nil
            return (builder.result(), FileSummary(path: url.path, frames: frames, skipped: capture.skippedCount, problems: problems, failure: failure))
        } catch {
            return (builder.result(), FileSummary(path: url.path, frames: frames, skipped: 0, problems: [], failure: ErrorReason.plain(error)))
        }
    }

    /// Reads `paths` with up to `jobs` files at a time.
    public static func run(paths: [String], jobs: Int = 1, options: EventDetectionOptions = .init()) throws -> StatsRun {
        let urls = try files(paths)
        let results = ResultSlots(count: urls.count)
        let workers = max(1, min(jobs, urls.count))
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: urls.count) { results.set(i, analyze(urls[i], options: options)) }
        }
        let done = results.all()
        return StatsRun(matches: done.flatMap(\.matches), files: done.map(\.summary))
    }

    /// Every player across all matches, added up by userid (name and team as last seen),
    /// sorted by points (desc), then name.
    public var players: [PlayerStatLine] {
        var all: [UInt64: PlayerStatLine] = [:]
        var order: [UInt64] = []
        for m in matches {
            for line in m.players {
                if all[line.userID] == nil { order.append(line.userID) }
                var total = all[line.userID] ?? PlayerStatLine(userID: line.userID, name: line.name, teamIndex: line.teamIndex)
                total.add(line)
                total.name = line.name
                total.teamIndex = line.teamIndex
                all[line.userID] = total
            }
        }
        return order.map { all[$0]! }.sorted {
            if $0.counters[0] != $1.counters[0] { return $0.counters[0] > $1.counters[0] }
            if $0.name != $1.name { return $0.name < $1.name }
            return $0.userID < $1.userID
        }
    }

    /// Game frames over all files.
    public var frames: Int { files.reduce(0) { $0 + $1.frames } }
}

/// A `nevr stats` input problem.
public struct StatsError: Error, CustomStringConvertible {
    /// What is wrong, naming the path.
    public var description: String
    /// An error with this text.
    public init(_ description: String) { self.description = description }
}

/// The per-file results of the parallel loop, filled from many threads.
final class ResultSlots: @unchecked Sendable {
    private var items: [(matches: [MatchStats], summary: StatsRun.FileSummary)?]
    private let lock = NSLock()
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: (matches: [MatchStats], summary: StatsRun.FileSummary)) {
        lock.lock()
        items[i] = value
        lock.unlock()
    }
    func all() -> [(matches: [MatchStats], summary: StatsRun.FileSummary)] { items.map { $0! } }
}

/// A shared work counter for the parallel loop.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
