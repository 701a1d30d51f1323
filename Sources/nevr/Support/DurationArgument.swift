import ArgumentParser

/// A command-line duration: `90` or `90s` (seconds), `500ms`, `1.5m`, `2h`.
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible, Sendable {
    var duration: Duration
    var seconds: Double
    /// The spelling given (help texts show defaults with it, e.g. `5m`).
    var text: String

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var text = Substring(argument)
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            text = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        seconds = value * scale
        // Checked before the conversion: `1e300s` is refused, not a trap.
        guard seconds * 1e9 < 9.2e18 else { return nil }
        duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
        self.text = argument
    }

    var description: String { text }
}
