import ArgumentParser
import Foundation
import NEVRCore
import NEVRSimulator

/// `nevr accuracy`: precision and recall of the event detectors against the
/// simulator's ground truth, per kind, across seeds and sampling rates.
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Measure event detection against simulated matches with known events.",
        discussion: """
            Simulates one match per seed and rate, runs the frame processor over it and matches \
            detected events with the ground truth (same kind, same slots, frame within --tolerance; \
            stat events exactly: same frame and running total; big_boost up to the detector's \
            smoothing window later, playspace_abuse within 0.1 s). Prints precision and recall per \
            kind for each rate, checks the targets (>= 0.99 at 30 Hz and above, >= 0.95 below; \
            stat events 1.0) and the stat invariant (events == last - first per player and counter). \
            Exits non-zero when a target is missed.
            """
    )

    @Option(help: "Simulator seeds, comma-separated.")
    var seeds = "1,2,3"

    @Option(help: "Sampling rates in Hz, comma-separated.")
    var rates = "60,30,10"

    @Option(help: "Seconds of simulated capture per match.")
    var duration: Double = 300

    @Option(help: "Players on blue and orange together.")
    var players = 10

    @Option(help: "Frames a non-stat event may be off by.")
    var tolerance = 2

    @Option(help: "Show up to this many missed and spurious events per rate.")
    var examples = 0

    func parseList<T>(_ text: String, _ name: String, _ convert: (String) -> T?) throws -> [T] {
        let values = text.split(separator: ",").map { convert($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw ValidationError("--\(name): expected a comma-separated list of numbers, got \"\(text)\"") }
        return values.map { $0! }
    }

    func run() throws {
        let seedList = try parseList(seeds, "seeds") { UInt64($0) }
        let rateList = try parseList(rates, "rates") { Double($0) }
        var allMet = true
        print("event detection vs simulator truth: seeds \(seeds), \(Int(duration)) s, \(players) players, tolerance \(tolerance) frames")
        for rate in rateList {
            var scores: [EventKind: EventAccuracy.Score] = [:]
            var frames = 0
            var missed: [EventAccuracy.Observation] = []
            var spurious: [EventAccuracy.Observation] = []
            var violations: [String] = []
            for seed in seedList {
                let options = SimulationOptions(seed: seed, duration: duration, rate: rate, players: players)
                if let problem = options.problem { throw ValidationError(problem) }
                Terminal.status("simulating seed \(seed) at \(format(rate)) Hz")
                let report = EventAccuracy.run(options: options, tolerance: tolerance)
                frames += report.frames
                for (kind, s) in report.scores { scores[kind] = (scores[kind] ?? .init()) + s }
                missed += report.missed.prefix(examples)
                spurious += report.spurious.prefix(examples)
                violations += report.invariantViolations.map { "seed \(seed): \($0)" }
            }
            Terminal.clearStatus()
            let target = rate >= 30 ? 0.99 : 0.95
            print("")
            print("\(format(rate)) Hz, \(frames) frames (target \(format(target, 2)); stat events 1.00)")
            print(pad("kind", 24) + lpad("truth", 8) + lpad("detected", 10) + lpad("matched", 9) + lpad("precision", 11) + lpad("recall", 8))
            for kind in scores.keys.sorted() {
                let s = scores[kind]!
                let want = EventAccuracy.isStat(kind) ? 1.0 : target
                let met = s.precision >= want && s.recall >= want
                if !met { allMet = false }
                let line = pad(kind.name, 24) + lpad(String(s.truth), 8) + lpad(String(s.detected), 10) + lpad(String(s.matched), 9)
                print(line + lpad(format(s.precision, 3), 11) + lpad(format(s.recall, 3), 8) + (met ? "" : "  below target"))
            }
            print("stat invariant (events == last - first): " + (violations.isEmpty ? "holds" : "\(violations.count) violations"))
            if !violations.isEmpty { allMet = false }
            for v in violations.prefix(10) { print("  \(v)") }
            for o in missed.prefix(examples) { print("  missed   frame \(o.frameIndex) \(o.kind.name) slots \(o.slots)") }
            for o in spurious.prefix(examples) { print("  spurious frame \(o.frameIndex) \(o.kind.name) slots \(o.slots)") }
        }
        print("")
        print(allMet ? "all targets met" : "some targets missed")
        if !allMet { throw ExitCode.failure }
    }

    private func format(_ v: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", v) }
    private func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
    private func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
}
