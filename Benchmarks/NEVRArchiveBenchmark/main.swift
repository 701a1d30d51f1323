// Archive ingest rate and query latency, SQLite against PostgreSQL in the same run
// (BENCHMARKS.md, "Match archive"). Usage:
//   NEVRArchiveBenchmark [--matches 100] [--duration 60] [--rounds 3] [--queries 200]
// Simulates the matches into .nevrcap files (not timed), indexes each file once (timed:
// reading, parsing and the stored events, the same for both back ends), then per round adds
// all indexed matches to a fresh SQLite file and a fresh PostgreSQL database (alternating,
// wall clock: PostgreSQL works in its own process) and times each query `--queries` times on
// the filled archives. PostgreSQL is a private cluster started for the run
// (NEVRTestSupport.PostgresTestServer, synchronous_commit=off, like SQLite's WAL with
// synchronous=NORMAL: commits are not flushed one by one) and stopped at the end.
import Foundation
import NEVRArchive
import NEVRCapture
import NEVRCore
import NEVRSimulator
import NEVRTestSupport

struct Arguments {
    var matches = 100
    var duration = 60.0
    var rounds = 3
    var queries = 200

    init() {
        var args = CommandLine.arguments.dropFirst()
        while let name = args.popFirst() {
            guard let value = args.popFirst() else { Self.fail("\(name) needs a value") }
            switch name {
            case "--matches": matches = Self.number(value, name, 1...10_000)
            case "--duration": duration = Double(Self.number(value, name, 30...3600))
            case "--rounds": rounds = Self.number(value, name, 1...50)
            case "--queries": queries = Self.number(value, name, 1...100_000)
            default: Self.fail("unknown option \(name)")
            }
        }
    }

    static func number(_ text: String, _ name: String, _ range: ClosedRange<Int>) -> Int {
        guard let n = Int(text), range.contains(n) else { fail("\(name) must be a whole number in \(range)") }
        return n
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("NEVRArchiveBenchmark: \(message)\n".utf8))
        exit(64)
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func seconds(since start: UInt64) -> Double { Double(now() - start) / 1e9 }
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[min(s.count - 1, Int((Double(s.count) * p).rounded(.up)) - 1)]
}
func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }

let args = Arguments()
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-archive-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

// 1. Simulated captures (not timed).
var files: [URL] = []
var frames = 0
let t0: Int64 = 1_700_000_000_000
for i in 0..<args.matches {
    let options = SimulationOptions(seed: UInt64(1000 + i), duration: args.duration, rate: 10, players: 8, startTime: Timestamp(millisecondsSinceEpoch: t0 + Int64(i) * 3_600_000))
    let url = folder.appendingPathComponent("m\(i).nevrcap")
    let writer = try CaptureFormat.create(url)
    var processor = FrameProcessor()
    for simulated in MatchSimulator(options: options) {
        try writer.write(CaptureRecord(frame: processor.process(session: simulated.session, bones: nil, timestamp: simulated.timestamp)))
        frames += 1
    }
    try writer.finish()
    files.append(url)
}

// 2. Index every file once (the same work for both back ends).
var indexStart = now()
var matches: [ArchivedMatch] = []
for file in files { matches += try MatchIndexer().index(file).matches }
let indexSeconds = seconds(since: indexStart)
// The simulator draws new user ids per seed: one player becomes the same person in every
// match, so "a player's last 100 matches" reads 100 matches (as a league regular's would).
let someone = "4242"
for i in matches.indices where !matches[i].players.isEmpty {
    matches[i].players[0].userID = someone
    matches[i].players[0].name = "Keeper"
}
let events = matches.map(\.events.count).reduce(0, +)
let playerRows = matches.map(\.players.count).reduce(0, +)
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; load \(String((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.prefix(14) ?? "?"))")
print("\(matches.count) matches, \(frames) frames, \(playerRows) player rows, \(events) events; indexing (read + parse): \(fmt(indexSeconds, 2)) s = \(fmt(Double(matches.count) / indexSeconds)) matches/s")

// 3. Ingest and query, alternating back ends, fresh database each round.
let pg = try PostgresTestServer(settings: PostgresTestServer.benchmarkSettings)
defer { pg.stop() }

struct QueryCase {
    var name: String
    var run: (Archive, Int) async throws -> Void
}
let ids = matches.map(\.id)
let queries: [QueryCase] = [
    QueryCase(name: "matches, newest 50") { a, _ in _ = try await a.matches(.init(limit: 50)) },
    QueryCase(name: "matches of a player") { a, _ in _ = try await a.matches(.init(player: someone, limit: 100)) },
    QueryCase(name: "match detail (players' stats)") { a, i in _ = try await a.match(id: ids[i % ids.count]) },
    QueryCase(name: "a player's saves, last 100 matches") { a, _ in _ = try await a.stats(.init(player: someone, last: 100, columns: ["saves"])) },
    QueryCase(name: "a player's saves, last 100 matches, total") { a, _ in _ = try await a.stats(.init(player: someone, last: 100, columns: ["saves"], total: true)) },
    QueryCase(name: "everyone's stats, last 10 matches") { a, _ in _ = try await a.stats(.init(last: 10)) },
    QueryCase(name: "players, most matches first") { a, _ in _ = try await a.players(limit: 100) },
    QueryCase(name: "events of a match") { a, i in _ = try await a.events(.init(match: ids[i % ids.count], limit: 100_000)) },
]

var ingest: [String: [Double]] = [:]
var latency: [String: [String: [Double]]] = [:]
for round in 1...args.rounds {
    for backend in ["sqlite", "postgres"] {
        let archive: Archive
        if backend == "sqlite" {
            archive = try await Archive(store: SQLiteArchiveStore(path: folder.appendingPathComponent("r\(round).sqlite").path))
        } else {
            let admin = try await PostgresArchiveStore(url: pg.url())
            _ = try await admin.query("CREATE DATABASE r\(round)", [])
            try await admin.close()
            archive = try await ArchiveLocation(pg.url(database: "r\(round)")).open()
        }
        let start = now()
        for match in matches { try await archive.add(match) }
        let rate = Double(matches.count) / seconds(since: start)
        ingest[backend, default: []].append(rate)
        print("round \(round) \(backend): add \(fmt(rate)) matches/s")
        for q in queries {
            for i in 0..<args.queries {
                let s = now()
                try await q.run(archive, i)
                latency[q.name, default: [:]][backend, default: []].append(Double(now() - s) / 1e3)
            }
        }
        try await archive.close()
    }
}

// 4. Medians and ratios.
let perMatchIndex = indexSeconds / Double(matches.count)
print("\n| back end | add (matches/s, median of \(args.rounds)) | index + add (matches/s) |")
print("|---|---|---|")
for backend in ["sqlite", "postgres"] {
    let add = median(ingest[backend] ?? [])
    print("| \(backend) | \(fmt(add)) | \(fmt(1 / (perMatchIndex + 1 / add))) |")
}
print("ratio postgres/sqlite (add): \(fmt(median(ingest["postgres"] ?? []) / median(ingest["sqlite"] ?? []), 2))x")
print("\n| query (\(args.queries) x \(args.rounds)) | sqlite median / p95 (µs) | postgres median / p95 (µs) | postgres/sqlite (median) |")
print("|---|---|---|---|")
for q in queries {
    let s = latency[q.name]?["sqlite"] ?? [], p = latency[q.name]?["postgres"] ?? []
    print("| \(q.name) | \(fmt(median(s), 0)) / \(fmt(percentile(s, 0.95), 0)) | \(fmt(median(p), 0)) / \(fmt(percentile(p, 0.95), 0)) | \(fmt(median(p) / median(s), 2))x |")
}
