import NEVRCore

/// Ground truth for the derived (Spark-style) events, from the match's own world state:
/// who the engine gave the disc to and from whom, who it stunned, what speed it released
/// the disc at, whose head it moved past the centre line first. Nothing here reads a
/// session or compares frames; the sampler only assigns each occurrence to the first
/// sampled frame after it.
///
/// Not simulated: big boosts (player speeds stay under 11 m/s), playspace abuse (heads
/// move with their bodies) and restart requests; their detectors are tested on
/// hand-edited real frames instead.
struct DerivedTruthState: Sendable {
    /// The last player who held the disc (index into `people`), -1 before the first.
    var lastHolder = -1
    struct PendingInterception: Sendable {
        var catcher: Int
        var fromSlot: Int32
        var saves: Int32
        var clock: Double
    }
    var interceptions: [PendingInterception] = []
    /// A release being confirmed (Spark's 150 ms): thrower and the clock at release.
    var throwDetail: (person: Int, clock: Double)?
    /// Per team (blue, orange): the joust being timed.
    var joustTiming = [false, false]
    var joustClock = 0.0
}

extension MatchEngine {
    /// The game clock (s) as the session shows it.
    var shownClock: Double { Double(clockValue) }

    /// The disc changes hands to `i` (a catch, pickup, interception or steal). `viaSave`:
    /// the catcher's save was counted in the same instant (Spark calls that a pass).
    mutating func noteNewHolder(_ i: Int, viaSave: Bool) {
        let from = truthState.lastHolder
        truthState.lastHolder = i
        guard from >= 0, from != i, !viaSave else { return }
        let a = people[from].team, b = people[i].team
        guard a < 2, b < 2, a != b else { return }
        record(.turnover, [people[i].slot, people[from].slot])
        if truthState.interceptions.count < 64 {
            truthState.interceptions.append(.init(catcher: i, fromSlot: people[from].slot, saves: people[i].counters.saves, clock: shownClock))
        }
    }

    /// The disc leaves `h`'s hand at `velocity` (m/s): a throw for the throw-details truth
    /// when it leaves 3 m/s faster than the thrower moves, or when it is the recording
    /// client's own throw (the game then updates `last_throw`), and the thrower is not stunned.
    mutating func noteRelease(_ h: Int, velocity: V3, clientThrow: Bool = false) {
        if !people[h].isStunned(at: tick) && ((velocity - people[h].vel).length > 3 || clientThrow) {
            truthState.throwDetail = (h, shownClock)
        } else {
            truthState.throwDetail = nil
        }
    }

    /// Once per tick, after the world moved: settles the pending confirmations.
    mutating func settleDerivedTruth() {
        let clock = shownClock
        if let (h, at) = truthState.throwDetail {
            if disc.holder >= 0 && disc.holder != h {
                truthState.throwDetail = nil  // caught by someone else within 150 ms
            } else if disc.vel == .zero {
                truthState.throwDetail = nil
            } else if at - clock >= 0.15 - 1e-9 || clock > at {
                record(.throwDetails, [people[h].slot])
                truthState.throwDetail = nil
            }
        }
        var k = 0
        while k < truthState.interceptions.count {
            let p = truthState.interceptions[k]
            let elapsed = p.clock - clock
            if elapsed >= 2 - 1e-9 || elapsed < 0 {
                if people[p.catcher].present && people[p.catcher].counters.saves == p.saves {
                    record(.interception, [people[p.catcher].slot, p.fromSlot])
                }
                truthState.interceptions.remove(at: k)
            } else {
                k += 1
            }
        }
        for team in 0..<2 where truthState.joustTiming[team] {
            guard status == .playing, truthState.joustClock - clock <= 10 else {
                truthState.joustTiming[team] = false
                continue
            }
            var best = -1
            var depth = 0.0
            for i in members[team] where people[i].present {
                let inward = team == 0 ? people[i].pos.z : -people[i].pos.z
                if inward >= 0 && (best < 0 || inward > depth) { best = i; depth = inward }
            }
            if best >= 0 {
                record(.joust, [people[best].slot], team: Int32(team))
                truthState.joustTiming[team] = false
            }
        }
    }

    /// Play starts from `round_start` with the disc at the centre: a neutral joust for both.
    mutating func startJoust() {
        truthState.joustTiming = [true, true]
        truthState.joustClock = shownClock
    }

    /// The team's player whose hand is nearest its terminal (blue -z, orange +z).
    func nearestToTerminal(team: Int) -> Int32 {
        let terminal = V3(0, -3.5, team == 0 ? -73.46 : 73.46)
        var best: Int32 = -1
        var bestD = Double.infinity
        for i in members[team] where people[i].present {
            for hand in [leftHand(i), rightHand(i)] {
                let d = (hand - terminal).length
                if d < bestD { bestD = d; best = people[i].slot }
            }
        }
        return best
    }
}
