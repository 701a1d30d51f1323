import ArgumentParser
import NEVRCore

/// `--threshold NAME=VALUE` (repeatable) and `--no-derived`: the derived (Spark-style)
/// detectors' thresholds, defaults as in `spark-events.md`. Names and ranges come from
/// ``DerivedEventThresholds/Parameter`` and ``DerivedEventThresholds/problem``.
struct DetectionArguments: ParsableArguments {
    @Option(name: .customLong("threshold"), help: ArgumentHelp(
        "A derived-event threshold, NAME=VALUE (repeatable), e.g. big_boost_start_speed=18.",
        discussion: "Names: " + DerivedEventThresholds.Parameter.allCases.map(\.rawValue).joined(separator: ", ") + ".",
        valueName: "name=value"))
    var thresholds: [String] = []

    @Flag(name: .customLong("no-derived"), help: "Detect only the game's own events (no jousts, big boosts, turnovers...).")
    var noDerived = false

    /// The detection options these arguments describe.
    func options() throws -> EventDetectionOptions {
        var options = EventDetectionOptions()
        for assignment in thresholds {
            if let problem = options.derived.set(assignment) { throw ValidationError("--threshold \(assignment): \(problem)") }
        }
        options.derived.enabled = !noDerived
        return options
    }

    func validate() throws { _ = try options() }
}
