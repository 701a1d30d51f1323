import NEVRCore

/// Ground truth for the derived (Spark-style) events, from the match's own world state:
/// who the engine gave the disc to and from whom, who it stunned, what speed it released
/// the disc at, whose head it moved past the centre line first. Nothing here reads a
/// session or compares frames; the sampler only assigns each occurrence to the first
/// sampled frame after it. Big boosts, playspace abuse and the restart request are
/// scripted stunts (MatchEngine+Stunts).
struct DerivedTruthState: Sendable {
    /// The last person seen holding the disc at a sampled instant (index into `people`),
    /// kept while nobody holds it; -1 before the first. And the one before them.
    var sampledHolder = -1
    var sampledHolderBefore = -1
    /// The team ``sampledHolder`` was on while holding the disc (a player may switch teams
    /// before anyone catches it: the disc was still that team's).
    var sampledHolderTeam = -1
    /// Who held the disc at the last sampled instant (-1: nobody).
    var holderAtLastSample = -1
    struct PendingInterception: Sendable {
        var catcher: Int
        var fromSlot: Int32
        var saves: Int32
        var clock: Double
    }
    var interceptions: [PendingInterception] = []
    /// A release being confirmed (Spark's 150 ms): the thrower, and the clock of the first
    /// sampled instant after the release (`nil` until then).
    var throwDetail: (person: Int, seenClock: Double?)?
    /// Per team (blue, orange): the joust being timed.
    var joustTiming = [false, false]
    var joustClock = 0.0
    /// A room walk took a head over the playspace limit; reported at the next sampled
    /// instant unless a frame step of 0.1 s or more came in between (see below).
    struct PlayspaceClaim: Sendable {
        var slot: Int32
        var walkStart: Int
    }
    var playspaceClaims: [PlayspaceClaim] = []
    /// The last sampled instant reached by a step of 0.1 game seconds or more.
    var lastLongStepTick = Int.min
}

extension MatchEngine {
    /// The game clock (s) as the session shows it.
    var shownClock: Double { Double(clockValue) }

    /// At a sampled instant (`previousTick`: the instant sampled before): turnovers and
    /// steal victims as Spark defines them over the frames a recorder sees, from the
    /// engine's own state at those instants. A catch is a new holder seen at an instant
    /// (someone other than the last holder seen, through moments of nobody holding it);
    /// a turnover when that last holder was on the other team and the catcher made no save
    /// since the previous instant (the engine's save tick, not a counter read from a frame).
    /// A steal's victim is the last other holder seen, when on the other team. Holders
    /// that had and lost the disc between two instants are invisible at that rate; the
    /// truth does not claim them.
    mutating func sampleDerivedTruth(previousTick: Int) {
        sampleStuntTruth(previousTick: previousTick)
        sampleThrowTruth()
        let seen = truthState.sampledHolder, seenBefore = truthState.sampledHolderBefore
        for k in pending.indices where pending[k].kind == .playerSteal {
            guard let stealer = people.indices.first(where: { people[$0].present && people[$0].slot == pending[k].slots[0] }) else { continue }
            let victim = seen != stealer ? seen : seenBefore
            let onOtherTeam = victim >= 0 && people[victim].team < 2 && people[victim].team != people[stealer].team
            pending[k].slots[1] = onOtherTeam ? people[victim].slot : -1
        }
        let h = disc.holder
        truthState.holderAtLastSample = h
        guard h >= 0, h != seen else { return }
        let seenTeam = truthState.sampledHolderTeam
        truthState.sampledHolderBefore = seen
        truthState.sampledHolder = h
        truthState.sampledHolderTeam = people[h].team
        guard seen >= 0, seenTeam < 2, people[h].team < 2, seenTeam != people[h].team,
              people[h].lastSaveTick <= previousTick else { return }
        record(.turnover, [people[h].slot, people[seen].slot])
        if truthState.interceptions.count < 64 {
            truthState.interceptions.append(.init(catcher: h, fromSlot: people[seen].slot, saves: people[h].counters.saves, clock: shownClock))
        }
    }

    /// The disc leaves `h`'s hand at `velocity` (m/s): a throw for the throw-details truth
    /// when it leaves 3 m/s faster than the thrower moves, or when it is the recording
    /// client's own throw (the game then updates `last_throw`), the thrower is not stunned
    /// and was holding the disc at the last sampled instant.
    mutating func noteRelease(_ h: Int, velocity: V3, clientThrow: Bool = false) {
        // A holder who picked the disc up after the last sampled instant was never seen
        // holding it: no recorder at this rate can see that release.
        let seenHolding = truthState.holderAtLastSample == h
        if seenHolding && !people[h].isStunned(at: tick) && ((velocity - people[h].vel).length > 3 || clientThrow) {
            truthState.throwDetail = (h, nil)
        } else {
            truthState.throwDetail = nil
        }
    }

    /// Once per tick, after the world moved: settles the pending confirmations.
    mutating func settleDerivedTruth() {
        let clock = shownClock
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

    /// At a sampled instant: Spark's delayed check of a throw. A recorder learns of a
    /// release from the first frame after it, so the 150 ms run from that instant; at each
    /// later instant the release is confirmed once they have passed (a frame past the time
    /// stands on the instant before, which did not cancel it), or cancelled when someone
    /// else holds the disc or it stands exactly still; at the very instant of the time it
    /// is judged on its own. Who threw, and that it was a throw at all, is the engine's.
    mutating func sampleThrowTruth() {
        guard let (h, seen) = truthState.throwDetail else { return }
        let clock = shownClock
        guard let seen else {
            // Caught by someone else before any frame showed the disc free, or the thrower
            // stunned in that frame: no release seen (Spark's rule; for us a stunned holder
            // losing the disc is not throwing).
            let hidden = (disc.holder >= 0 && disc.holder != h) || people[h].isStunned(at: tick)
            truthState.throwDetail = hidden ? nil : (h, clock)
            return
        }
        let elapsed = seen - clock
        if elapsed > 0.15 + 1e-6 || elapsed < 0 {
            record(.throwDetails, [people[h].slot])
            truthState.throwDetail = nil
        } else if disc.vel == .zero || (disc.holder >= 0 && disc.holder != h) {
            truthState.throwDetail = nil
        } else if elapsed >= 0.15 - 1e-6 {
            record(.throwDetails, [people[h].slot])
            truthState.throwDetail = nil
        }
    }

    /// At a sampled instant: the terminal requests get the player at the terminal now (the
    /// frame that shows the request is the one whose hands are measured), a restart request
    /// counts only while playing (Spark's rule; the flag then stays up, so no later frame
    /// reports it), and a playspace claim counts unless the walk saw a frame step of 0.1 s
    /// or more: Spark's rule then puts the point back on the head instead of measuring
    /// (at 10 Hz and below that is every frame).
    mutating func sampleStuntTruth(previousTick: Int) {
        let longStep = Double(tick - previousTick) / MatchEngine.hz >= 0.1 - 1e-9
        if longStep { truthState.lastLongStepTick = tick }
        var k = 0
        while k < pending.count {
            let e = pending[k]
            if e.kind == .restartRequest && status != .playing {
                pending.remove(at: k)
                continue
            }
            if e.kind == .restartRequest || e.kind == .pauseRequest, let team = e.team {
                pending[k].slots = [nearestToTerminal(team: Int(team))]
            }
            k += 1
        }
        for claim in truthState.playspaceClaims where truthState.lastLongStepTick < claim.walkStart {
            pending.append(TruthEvent(frameIndex: -1, kind: .playspaceAbuse, slots: [claim.slot]))
        }
        truthState.playspaceClaims.removeAll()
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
