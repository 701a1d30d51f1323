extension DerivedEventThresholds {
    /// One threshold by its command-line name (`nevr events --threshold NAME=VALUE`).
    public enum Parameter: String, CaseIterable, Sendable {
        case joustMaximumSeconds = "joust_maximum_seconds"
        case joustNeutralDiscZ = "joust_neutral_disc_z"
        case joustDefensiveTolerance = "joust_defensive_tolerance"
        case joustDefensiveDiscZ = "joust_defensive_disc_z"
        case joustTubeExitZ = "joust_tube_exit_z"
        case bigBoostWindowSamples = "big_boost_window_samples"
        case bigBoostSmoothingSamples = "big_boost_smoothing_samples"
        case bigBoostMinimumSamples = "big_boost_minimum_samples"
        case bigBoostStartSpeed = "big_boost_start_speed"
        case bigBoostEndSpeed = "big_boost_end_speed"
        case bigBoostPercentile = "big_boost_percentile"
        case playspaceAbuseDistance = "playspace_abuse_distance"
        case playspacePullSpeed = "playspace_pull_speed"
        case playspaceMaximumFrameSeconds = "playspace_maximum_frame_seconds"
        case interceptionDelaySeconds = "interception_delay_seconds"
        case throwRelativeSpeed = "throw_relative_speed"
        case throwConfirmSeconds = "throw_confirm_seconds"
        case stunMatchSeconds = "stun_match_seconds"

        /// The property it sets, when the value is a number of samples (a whole number).
        var samples: WritableKeyPath<DerivedEventThresholds, Int>? {
            switch self {
            case .bigBoostWindowSamples: \.bigBoostWindowSamples
            case .bigBoostSmoothingSamples: \.bigBoostSmoothingSamples
            case .bigBoostMinimumSamples: \.bigBoostMinimumSamples
            default: nil
            }
        }

        /// The property it sets, when the value is a real number (metres, m/s, seconds, a fraction).
        var real: WritableKeyPath<DerivedEventThresholds, Double>? {
            switch self {
            case .joustMaximumSeconds: \.joustMaximumSeconds
            case .joustNeutralDiscZ: \.joustNeutralDiscZ
            case .joustDefensiveTolerance: \.joustDefensiveTolerance
            case .joustDefensiveDiscZ: \.joustDefensiveDiscZ
            case .joustTubeExitZ: \.joustTubeExitZ
            case .bigBoostStartSpeed: \.bigBoostStartSpeed
            case .bigBoostEndSpeed: \.bigBoostEndSpeed
            case .bigBoostPercentile: \.bigBoostPercentile
            case .playspaceAbuseDistance: \.playspaceAbuseDistance
            case .playspacePullSpeed: \.playspacePullSpeed
            case .playspaceMaximumFrameSeconds: \.playspaceMaximumFrameSeconds
            case .interceptionDelaySeconds: \.interceptionDelaySeconds
            case .throwRelativeSpeed: \.throwRelativeSpeed
            case .throwConfirmSeconds: \.throwConfirmSeconds
            case .stunMatchSeconds: \.stunMatchSeconds
            default: nil
            }
        }
    }

    /// The current value of `parameter`, as text (`20.0`, `333`).
    public func value(of parameter: Parameter) -> String {
        if let k = parameter.samples { return String(self[keyPath: k]) }
        return String(self[keyPath: parameter.real!])
    }

    /// Sets one threshold from `NAME=VALUE` text; returns why it cannot (unknown name, not a
    /// number, out of range) or `nil` when it was set. Ranges are those of ``problem``, checked
    /// after the assignment, so the thresholds stay valid when this returns an error.
    public mutating func set(_ assignment: String) -> String? {
        guard let eq = assignment.firstIndex(of: "=") else { return "\"\(assignment)\" is not NAME=VALUE" }
        let name = Self.trim(assignment[..<eq])
        let text = Self.trim(assignment[assignment.index(after: eq)...])
        guard let parameter = Parameter(rawValue: name) else {
            return "unknown threshold \"\(name)\"; known: " + Parameter.allCases.map(\.rawValue).joined(separator: ", ")
        }
        var copy = self
        if let k = parameter.samples {
            guard let v = Int(text) else { return "\(name) must be a whole number of samples (got \"\(text)\")" }
            copy[keyPath: k] = v
        } else {
            guard let v = Double(text), v.isFinite else { return "\(name) must be a number (got \"\(text)\")" }
            copy[keyPath: parameter.real!] = v
        }
        if let problem = copy.problem { return problem }
        self = copy
        return nil
    }

    private static func trim(_ s: Substring) -> String {
        String(s.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
