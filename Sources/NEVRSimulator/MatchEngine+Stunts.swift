import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scripted big boost: the player speeds up to ``peak`` on a horizontal circle, holds it,
/// slows down to walking pace and drifts on slowly before ordinary play takes over again.
///
/// The phases are long enough for Spark's sample-count rule (a ~32-sample mean above
/// 20 m/s, then below 10 m/s) at every rate from 10 Hz up: the plateau lasts
/// ``MatchEngine/sprintPlateauSeconds`` and the slow drift afterwards
/// ``MatchEngine/sprintDriftSeconds``.
struct Sprint: Sendable {
    /// Plateau and drift count ticks of live play: during a goal's `score` phase or a pause
    /// the sprinter waits in place and goes on afterwards, as the detectors (which sample
    /// only running clocks) see it.
    enum Phase: Sendable { case speedingUp, plateau(ticksLeft: Int), slowingDown, drifting(ticksLeft: Int) }
    var centre: V3
    var radius: Double
    /// +1 or -1: the sense of the turn around ``centre`` (seen from above).
    var turn: Double
    /// Angle of the player around ``centre`` in the x-z plane.
    var angle: Double
    var speed: Double
    /// The player's own boost speed (whole m/s, see ``MatchEngine/boostPeak(of:)``).
    var peak: Double
    var phase: Phase
}

/// A step in the real room: the head and body move by up to a few metres while the
/// locomotion velocity the game reports does not (Spark's playspace abuse).
struct RoomWalk: Sendable {
    /// Unit horizontal direction.
    var direction: V3
    var speed: Double
    var distance: Double
    var walked = 0.0
    var elapsed = 0.0
    var startTick: Int
    /// The truth for this walk was recorded.
    var claimed = false
}

/// The engine's side of the derived kinds the ordinary match never produces: big boosts,
/// playspace abuse and a restart request. Each is scripted from the world state (who,
/// how fast, how far) and its truth recorded from that state, never from frames; the
/// few places where Spark's rule depends on sampling are said where they are handled.
extension MatchEngine {
    /// Spark's limits (`spark-events.md`), restated here rather than read from the
    /// detectors' settings: a playspace point drifts toward the head at 0.05 m/s and a
    /// head 1.7 m from it is abuse.
    static let playspacePull = 0.05
    static let playspaceLimit = 1.7
    static let sprintAcceleration = 40.0
    static let sprintPlateauSeconds = 3.5
    static let sprintDriftSpeed = 2.0
    static let sprintDriftSeconds = 1.0
    /// Longest a sprint takes (speeding up from rest, plateau, slowing down, drift), for scheduling.
    static var sprintMaximumSeconds: Double {
        30 / sprintAcceleration + sprintPlateauSeconds + 30 / sprintAcceleration + sprintDriftSeconds
    }

    /// Someone is in a big boost.
    var sprintActive: Bool { people.contains { $0.sprint != nil } }

    /// Each player boosts at their own whole number of m/s (23-29): the reported speed is
    /// the 99th percentile of a window that at low rates spans more than one boost of the
    /// same player, which then still reads the same speed.
    static func boostPeak(of userID: UInt64) -> Double { Double(23 + Int(userID % 7)) }

    /// Busy with a stunt: not chosen to leave, switch teams or start another stunt.
    func isInStunt(_ i: Int) -> Bool { people[i].sprint != nil || people[i].walk != nil }

    /// One tick of live play: starts stunts now and then, raises and lowers the restart request.
    mutating func stepStunts() {
        stepRestartRequest()
        // Not during a joust (its truth follows the players' heads) nor right after play
        // restarts (the first frames with a running clock put the playspace point on the head).
        let joustRunning = truthState.joustTiming.contains(true) || tick - lastStoppedTick < 30
        let secondsLeft = Double(clockTicks) / MatchEngine.hz
        // One of each is due in every round (at a random point of its clock), more at random.
        let sprintDue = clockTicks <= stuntsDue.sprint || stuntRng.chance(MatchEngine.dt / 40)
        if sprintDue && !sprintActive && !joustRunning && secondsLeft > MatchEngine.sprintMaximumSeconds + 3,
           let who = stuntCandidate(maxX: 8, maxZ: 30) {
            startSprint(who)
            stuntsDue.sprint = -1
        }
        let walkDue = clockTicks <= stuntsDue.walk || stuntRng.chance(MatchEngine.dt / 25)
        if walkDue && !people.contains(where: { $0.walk != nil }) && !joustRunning && secondsLeft > 3,
           let who = stuntCandidate(maxX: 10, maxZ: 33) {
            startWalk(who)
            stuntsDue.walk = -1
        }
    }

    /// At the start of a round: when in its clock the round's sprint and room walk are due.
    mutating func scheduleStunts() {
        let clock = Double(plan.roundClockTicks)
        stuntsDue = (Int(clock * stuntRng.uniform(0.55, 0.85)), Int(clock * stuntRng.uniform(0.6, 0.95)))
    }

    /// A random active team player, uninvolved with the disc and within the given box.
    mutating func stuntCandidate(maxX: Double, maxZ: Double) -> Int? {
        let options = people.indices.filter { i in
            isActive(i) && isUninvolved(i) && !isInStunt(i)
                && abs(people[i].pos.x) <= maxX && abs(people[i].pos.z) <= maxZ && abs(people[i].pos.y) <= 5
        }
        return options.isEmpty ? nil : options[stuntRng.below(options.count)]
    }

    // MARK: Big boost

    mutating func startSprint(_ i: Int) {
        let p = people[i]
        let radius = 7.0
        // The circle passes through the player, its centre toward the arena's long axis,
        // so that it stays inside the walls; the sense of the turn follows the player's motion.
        let side: Double = p.pos.x >= 0 ? 1 : -1
        let centre = V3(p.pos.x - side * radius, p.pos.y, p.pos.z)
        let angle = side > 0 ? 0.0 : Double.pi
        let tangentZ = side  // d/dangle of (cos, sin) at angle 0 or pi, times the sense
        let turn: Double = p.vel.z * tangentZ >= 0 ? 1 : -1
        let peak = MatchEngine.boostPeak(of: p.userID)
        people[i].sprint = Sprint(centre: centre, radius: radius, turn: turn, angle: angle,
                                  speed: min(p.vel.length, peak), peak: peak, phase: .speedingUp)
        people[i].grabSlot = -1
    }

    /// Moves a sprinting player one tick along their circle and records the big boost's
    /// truth when they are back at walking pace: the reported speed is the plateau speed.
    mutating func advanceSprint(_ i: Int) {
        guard var s = people[i].sprint else { return }
        let change = MatchEngine.sprintAcceleration * MatchEngine.dt
        switch s.phase {
        case .speedingUp:
            s.speed = min(s.peak, s.speed + change)
            if s.speed >= s.peak { s.phase = .plateau(ticksLeft: Int(MatchEngine.sprintPlateauSeconds * MatchEngine.hz)) }
        case .plateau(let left):
            s.phase = left > 1 ? .plateau(ticksLeft: left - 1) : .slowingDown
        case .slowingDown:
            s.speed = max(MatchEngine.sprintDriftSpeed, s.speed - change)
            if s.speed <= MatchEngine.sprintDriftSpeed {
                s.phase = .drifting(ticksLeft: Int(MatchEngine.sprintDriftSeconds * MatchEngine.hz))
                pending.append(TruthEvent(frameIndex: -1, kind: .bigBoost, slots: [people[i].slot], speed: s.peak))
            }
        case .drifting(let left):
            if left <= 0 {
                people[i].sprint = nil
                integrate(i)  // ordinary play steers from the next tick; this one the player coasts
                return
            }
            s.phase = .drifting(ticksLeft: left - 1)
        }
        s.angle += s.turn * s.speed * MatchEngine.dt / s.radius
        let radial = V3(cos(s.angle), 0, sin(s.angle))
        people[i].pos = s.centre + radial * s.radius
        people[i].vel = V3(-sin(s.angle), 0, cos(s.angle)) * (s.turn * s.speed)
        people[i].sprint = s
    }

    // MARK: Playspace abuse

    mutating func startWalk(_ i: Int) {
        let heading = stuntRng.uniform(0, 2 * .pi)
        people[i].walk = RoomWalk(direction: V3(cos(heading), 0, sin(heading)), speed: stuntRng.uniform(2.5, 3.5),
                                  distance: stuntRng.uniform(2.2, 2.8), startTick: tick)
    }

    /// Moves a walking player's whole body one tick in their room (not through their
    /// velocity). The truth is the instant the walk has taken the head further than the
    /// limit from where locomotion alone would have it, less the point's drift toward the
    /// head since the walk began; the remaining steps stay under the limit.
    mutating func advanceWalk(_ i: Int) {
        guard var w = people[i].walk else { return }
        let step = min(w.speed * MatchEngine.dt, w.distance - w.walked)
        people[i].pos += w.direction * step
        w.walked += step
        w.elapsed += MatchEngine.dt
        if !w.claimed && w.walked - MatchEngine.playspacePull * w.elapsed > MatchEngine.playspaceLimit {
            w.claimed = true
            truthState.playspaceClaims.append(.init(slot: people[i].slot, walkStart: w.startTick))
        }
        people[i].walk = w.walked >= w.distance - 1e-9 ? nil : w
    }

    /// Play stopped (goal, end of round): a walk not yet over the limit is dropped, since
    /// every restart of play puts the playspace point back on the head.
    mutating func cancelWalks() {
        for i in people.indices where people[i].walk != nil && !(people[i].walk!.claimed) { people[i].walk = nil }
    }

    // MARK: Restart request

    /// One restart request per match, in the first round at 70% of its clock (before the
    /// pause), by a team chosen at the start; the flag stays up for two seconds.
    mutating func stepRestartRequest() {
        if restartLowerAt >= 0 && tick >= restartLowerAt {
            restartFlags = [0, 0]
            restartLowerAt = -1
        }
        guard !restartDone, roundIndex == 0, pausedState == "unpaused",
              Double(clockTicks) <= Double(plan.roundClockTicks) * 0.7 else { return }
        restartDone = true
        restartFlags[restartTeam] = 1
        restartLowerAt = tick + 2 * MatchPlan.tickRate
        record(.restartRequest, [-1], team: Int32(restartTeam))
    }
}
