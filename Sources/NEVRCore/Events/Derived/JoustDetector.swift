/// `Joust`: how fast each team launches at the start of play (`spark-events.md`).
///
/// When `game_status` goes `round_start -> playing` the disc's z decides what is timed:
/// |z| < ``DerivedEventThresholds/joustNeutralDiscZ`` starts a neutral joust for both
/// teams; z within ``DerivedEventThresholds/joustDefensiveTolerance`` of -27.5 a defensive
/// joust for orange, of +27.5 one for blue. While it runs (status `playing`, at most
/// ``DerivedEventThresholds/joustMaximumSeconds`` of game clock) each timed player's top
/// speed (|velocity|) is kept, and their speed the first time their head passes
/// |z| = ``DerivedEventThresholds/joustTubeExitZ`` toward the centre (blue spawns at
/// z < -40, orange at z > 40). The first player of a team whose head reaches z = 0 (of
/// several in one frame, the one furthest past it) ends
/// that team's joust: one event with that player, the time (start clock - clock), their
/// top speed and tube-exit speed (0 when their exit was not seen).
///
/// Spark polls the newest frame every 8 ms on a timer; this runs on the recorded frames,
/// so the time resolves to the capture's frame spacing.
public struct JoustDetector: FrameEventDetector {
    /// The thresholds this detector was made with (Spark's defaults unless changed).
    public var thresholds: DerivedEventThresholds
    private var timing = [false, false]
    private var type = [DerivedEvent.JoustType.unspecified, .unspecified]
    private var startClock = 0.0
    private var owners = SlotOwners()
    private var maxSpeed = Array(repeating: 0.0, count: SlotOwners.count)
    private var exitSpeed = Array(repeating: -1.0, count: SlotOwners.count)

    /// A detector using `thresholds` (Spark's defaults unless given).
    public init(thresholds: DerivedEventThresholds = .init()) {
        self.thresholds = thresholds
    }

    /// Forgets every player's state: a new session starts at `baseline` (nothing is reported for it).
    public mutating func reset(baseline: Session, slots: SlotTable) {
        timing[0] = false; timing[1] = false
    }

    /// Appends this detector's events between `previous` and `current`, in the order the type's discussion gives.
    public mutating func detect(
        previous: Session, current: Session,
        previousSlots: SlotTable, currentSlots: SlotTable,
        into events: inout [Event]
    ) {
        if previous.gameStatus == "round_start" && current.isPlaying, let z = current.disc?.position?.z, let clock = current.gameClock {
            start(discZ: z, clock: clock)
        }
        guard timing[0] || timing[1] else { return }
        guard current.isPlaying, let clock = current.gameClock, startClock - clock <= thresholds.joustMaximumSeconds else {
            timing[0] = false; timing[1] = false
            return
        }
        let tubeZ = thresholds.joustTubeExitZ
        // Per team, the crossing slot: of several crossing in one frame, the one furthest past
        // the centre (it crossed first), then the lowest slot.
        var crossed: (Int32, Int32) = (-1, -1)
        var depth: (Double, Double) = (-1, -1)
        let teams = current.teams!
        for team in 0..<min(2, teams.count) where timing[team] {
            guard let players = teams[team].players else { continue }
            for p in players.indices {
                let player = players[p]
                guard let slot = player.slot else { continue }
                let entry = SlotTable.Entry(slot: slot, teamIndex: Int32(team), playerIndex: Int32(p), userID: player.userID)
                guard let (i, isNew) = owners.claim(entry) else { continue }
                if isNew { maxSpeed[i] = 0; exitSpeed[i] = -1 }
                let speed = player.velocity?.length ?? 0
                if speed.isFinite { maxSpeed[i] = max(maxSpeed[i], speed) }
                guard let z = (player.head?.position ?? player.legacyPose?.position)?.z else { continue }
                let inward = team == 0 ? z : -z  // blue moves toward +z
                if exitSpeed[i] < 0 && inward > -tubeZ { exitSpeed[i] = speed.isFinite ? speed : 0 }
                if inward >= 0 {
                    if team == 0 {
                        if crossed.0 < 0 || inward > depth.0 || (inward == depth.0 && slot < crossed.0) { crossed.0 = slot; depth.0 = inward }
                    } else if crossed.1 < 0 || inward > depth.1 || (inward == depth.1 && slot < crossed.1) {
                        crossed.1 = slot
                        depth.1 = inward
                    }
                }
            }
        }
        for team in 0..<2 {
            let slot = team == 0 ? crossed.0 : crossed.1
            guard timing[team], slot >= 0 else { continue }
            timing[team] = false
            let i = Int(slot)
            events.append(.derived(.joust(.init(
                slot: slot, team: team == 0 ? .blueTeam : .orangeTeam, type: type[team],
                time: max(0, startClock - clock), maxSpeed: maxSpeed[i], tubeExitSpeed: max(0, exitSpeed[i])))))
        }
    }

    private mutating func start(discZ z: Double, clock: Double) {
        owners.reset()
        for i in maxSpeed.indices { maxSpeed[i] = 0; exitSpeed[i] = -1 }
        startClock = clock
        timing[0] = false; timing[1] = false
        if abs(z) < thresholds.joustNeutralDiscZ {
            timing[0] = true; timing[1] = true
            type[0] = .neutral; type[1] = .neutral
        } else if abs(z + thresholds.joustDefensiveDiscZ) < thresholds.joustDefensiveTolerance {
            timing[1] = true
            type[1] = .defensive
        } else if abs(z - thresholds.joustDefensiveDiscZ) < thresholds.joustDefensiveTolerance {
            timing[0] = true
            type[0] = .defensive
        }
    }
}
