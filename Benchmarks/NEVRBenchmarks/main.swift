import Foundation

// nevr-bench: every release-mode benchmark of the project, one mode per area.
//
//   NEVRBenchmarks parse [--frame PATH] [--seconds S] [--orjson-frame F/S] [--orjson-set F/S] [--dump-set PATH]
//   NEVRBenchmarks write [--frame PATH] [--seconds S]
//   NEVRBenchmarks echoreplay [--frame PATH] [--frames N] [--level L]
//   NEVRBenchmarks nevrcap [--frame PATH] [--seconds S] [--long-frames N]
//   NEVRBenchmarks tape [--frame PATH] [--seconds S]
//   NEVRBenchmarks simulate [--seconds S]
//   NEVRBenchmarks nvr [--frame PATH] [--seconds S] [--match-seconds M] [--hour-frames N]
//   NEVRBenchmarks events [--frame PATH] [--seconds S]; NEVRBenchmarks events-allocs N
//   NEVRBenchmarks sha256 [--seconds S]
//
// Add a mode: write `enum XBenchmark { static func run(_ args: BenchmarkArguments) throws }`
// in its own file and add one line to `modes` below. Run them through scripts/bench.sh.

let modes: [(name: String, summary: String, run: (BenchmarkArguments) throws -> Void)] = [
    ("parse", "game-JSON /session parse throughput vs orjson", ParseBenchmark.run),
    ("write", "game-JSON /session write throughput", WriteBenchmark.run),
    ("echoreplay", ".echoreplay write/read throughput, zipped and plain, peak RSS", EchoReplayBenchmark.run),
    ("nevrcap", ".nevrcap write/read/conversion throughput, bytes per frame, peak RSS", NevrcapBenchmark.run),
    ("tape", ".tape write/read throughput and bytes per frame vs .nevrcap (same frames, same run)", TapeBenchmark.run),
    ("simulate", "match simulator throughput, alone and with game-JSON writing", SimulatorBenchmark.run),
    ("events", "event detection alone (us/frame) and parse+detect vs parse alone", EventsBenchmark.run),
    ("events-allocs", "(child of events) N detections, for valgrind's allocation count", EventsBenchmark.runAllocations),
    ("nvr", ".nvr size vs zip/nevrcap/zstd/xz, encode/decode vs nevrcap, seek, entropy coders", NVRBenchmark.run),
    ("sha256", "SHA-256 of verify receipts: swift-crypto vs the hand-written one it replaced", SHA256Benchmark.run),
    ("nevrcap-rss", "(child of nevrcap) convert IN OUT and print VmHWM", { try NevrcapBenchmark.runRSSChild($0.positional) }),
]

let arguments = Array(CommandLine.arguments.dropFirst())
guard let modeName = arguments.first, let mode = modes.first(where: { $0.name == modeName }) else {
    var usage = "usage: NEVRBenchmarks MODE [options]\nmodes:\n"
    for m in modes { usage += "  \(m.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(m.summary)\n" }
    FileHandle.standardError.write(usage.data(using: .utf8)!)
    exit(arguments.isEmpty ? 0 : 2)
}
do {
    try mode.run(BenchmarkArguments(Array(arguments.dropFirst())))
} catch {
    FileHandle.standardError.write("NEVRBenchmarks \(modeName): \(error)\n".data(using: .utf8)!)
    exit(1)
}
