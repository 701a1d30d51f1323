import NEVRCore

/// Which polled frames a recording keeps and where it starts a new file (Spark's and
/// nevr-agent's recording options).
///
/// ```swift
/// let filter = RecordingFilter(matchTypes: ["echo_arena_private"], activeOnly: true, split: .round)
/// let recorder = LiveRecorder(options: .init(url: url, filter: filter), sink: sink)
/// ```
public struct RecordingFilter: Sendable, Equatable {
    /// When a new file starts.
    public enum Split: String, Sendable, CaseIterable {
        /// A new file per match (`sessionid`), the default.
        case match
        /// A new file per round too: when the rounds won (blue + orange) change.
        case round
    }

    /// `game_status` values that count as play (``activeOnly`` keeps only these).
    public static let activeStatuses: Set<String> = [
        "round_start", "playing", "score", "round_over", "pre_sudden_death", "sudden_death", "post_sudden_death",
    ]

    /// Keep only these `match_type`s (lower case; `nil`: all).
    public var matchTypes: Set<String>?
    /// Leave out these `match_type`s (lower case).
    public var excludedMatchTypes: Set<String>
    /// Leave out lobby, pre-match and post-match frames.
    public var activeOnly: Bool
    /// Leave out frames while the match is paused.
    public var excludePaused: Bool
    /// When a new file starts.
    public var split: Split

    /// A filter; match types are compared in lower case. The default keeps everything, one file per match.
    public init(matchTypes: Set<String>? = nil, excludedMatchTypes: Set<String> = [], activeOnly: Bool = false,
                excludePaused: Bool = false, split: Split = .match) {
        self.matchTypes = matchTypes.map { Set($0.map { $0.lowercased() }) }
        self.excludedMatchTypes = Set(excludedMatchTypes.map { $0.lowercased() })
        self.activeOnly = activeOnly
        self.excludePaused = excludePaused
        self.split = split
    }

    /// True when every frame is kept and files split per match (no need to look inside frames).
    public var keepsEverything: Bool {
        matchTypes == nil && excludedMatchTypes.isEmpty && !activeOnly && !excludePaused && split == .match
    }

    /// What to do with one frame.
    public enum Verdict: Sendable, Equatable {
        /// Record it; `round` is set when files split per round.
        case keep(round: Int?)
        /// Leave it out, with the reason (for the summary).
        case drop(String)
    }

    /// Decides for one parsed `/session`.
    public func verdict(for session: Session) -> Verdict {
        let matchType = session.matchType?.lowercased() ?? ""
        if let matchTypes, !matchTypes.contains(matchType) { return .drop("match type \(matchType.isEmpty ? "(none)" : matchType) not selected") }
        if excludedMatchTypes.contains(matchType) { return .drop("match type \(matchType) excluded") }
        if activeOnly, !Self.activeStatuses.contains(session.gameStatus ?? "") { return .drop("not in play (\(session.gameStatus ?? "no status"))") }
        if excludePaused, session.pause?.pausedState == "paused" { return .drop("paused") }
        guard split == .round else { return .keep(round: nil) }
        let won = Int(session.blueRoundScore ?? 0) + Int(session.orangeRoundScore ?? 0)
        return .keep(round: won + 1)
    }
}
