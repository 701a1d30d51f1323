import Foundation

// One release-mode executable for every benchmark: `NEVRBenchmarks MODE [ARGS]` (scripts/bench.sh).
let arguments = Array(CommandLine.arguments.dropFirst())
let sharedData = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"] ?? "../shared/data")
let secondsPerCase = Double(ProcessInfo.processInfo.environment["SECONDS_PER_CASE"] ?? "") ?? 2

switch arguments.first {
case "nevrcap":
    try NevrcapBenchmark.run(sharedData: sharedData, seconds: secondsPerCase)
default:
    print("usage: NEVRBenchmarks nevrcap")
}
