import NEVRCore
@testable import NEVRSimulator

/// Collected output of one simulation, shared by the tests (simulating is the slow part).
struct SimulationRun {
    var frames: [SimulatedFrame] = []
    var truth: [TruthEvent] { frames.flatMap(\.truth) }
    /// Per frame, the slots the engine had in a room walk / a big boost when it was sampled.
    var walking: [Set<Int32>] = []
    var sprinting: [Set<Int32>] = []

    init(_ options: SimulationOptions) {
        var sim = MatchSimulator(options: options)
        while let f = sim.next() {
            frames.append(f)
            var w = Set<Int32>(), s = Set<Int32>()
            for p in sim.engine.people where p.present {
                if p.walk != nil { w.insert(p.slot) }
                if p.sprint != nil { s.insert(p.slot) }
            }
            walking.append(w)
            sprinting.append(s)
        }
    }

    /// Every player present in `frame`, with their team index.
    static func players(_ s: Session) -> [(team: Int, player: Player)] {
        var out: [(Int, Player)] = []
        s.forEachPlayer { t, p in out.append((t, p)) }
        return out
    }

    /// The stat counters with events, by name.
    nonisolated(unsafe) static let statKinds: [(EventKind, KeyPath<Stats, Int32?>)] = [
        (.playerGoal, \.goals), (.playerSave, \.saves), (.playerStun, \.stuns), (.playerPass, \.passes),
        (.playerSteal, \.steals), (.playerBlock, \.blocks), (.playerInterception, \.interceptions),
        (.playerAssist, \.assists), (.playerShotTaken, \.shotsTaken),
    ]

    nonisolated(unsafe) static let allCounters: [KeyPath<Stats, Int32?>] = [
        \.points, \.saves, \.goals, \.stuns, \.passes, \.catches, \.steals, \.blocks, \.interceptions, \.assists, \.shotsTaken,
    ]
}

/// Two minutes at 60 Hz with default players: long enough for every scripted happening.
let standardOptions = SimulationOptions(seed: 3, duration: 120, rate: 60, players: 8)
let standardRun = SimulationRun(standardOptions)
