/// The `pause` object (Dec 2020 onwards).
public struct PauseState: Hashable, Sendable {
    /// `unpaused`, `paused`, `unpausing`, `paused_requested` or `none`.
    public var pausedState: String?
    /// `blue`, `orange` or `none`.
    public var unpausedTeam: String?
    /// `blue`, `orange` or `none`.
    public var pausedRequestedTeam: String?
    public var unpausedTimer: Double?
    public var pausedTimer: Double?

    public init(
        pausedState: String? = nil, unpausedTeam: String? = nil, pausedRequestedTeam: String? = nil,
        unpausedTimer: Double? = nil, pausedTimer: Double? = nil
    ) {
        self.pausedState = pausedState
        self.unpausedTeam = unpausedTeam
        self.pausedRequestedTeam = pausedRequestedTeam
        self.unpausedTimer = unpausedTimer
        self.pausedTimer = pausedTimer
    }
}
