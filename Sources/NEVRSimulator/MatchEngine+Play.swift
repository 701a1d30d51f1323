import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Live play: decisions, contact, movement and the disc, one tick at a time.
extension MatchEngine {
    /// Rates are per second; `chance(rate)` is the probability for one tick.
    mutating func chance(perSecond rate: Double) -> Bool { rng.chance(rate * MatchEngine.dt) }

    /// In play: present, on a team, not stunned and not in a big boost (a sprinter takes no
    /// part in contact, passes or pick-ups until it is over).
    func isActive(_ i: Int) -> Bool {
        people[i].present && people[i].team < 2 && !people[i].isStunned(at: tick) && people[i].sprint == nil
    }

    /// One tick of `playing` (not paused).
    mutating func play() {
        clockTicks -= 1
        playedTicks += 1
        if clockTicks <= 0 {
            endRound()
            return
        }
        stepRoster()
        stepStunts()
        if disc.holder >= 0 {
            people[disc.holder].possessionTime += MatchEngine.dt
            if people[disc.holder].fumbleAt == tick { fumble(disc.holder) } else { holderDecides() }
        }
        contact()
        grabs()
        moveEveryone()
        for i in people.indices where people[i].present {
            if people[i].sprint != nil { advanceSprint(i) }
            if people[i].walk != nil { advanceWalk(i) }
        }
        moveDisc()
        pickUpFreeDisc()
    }

    // MARK: Roster changes

    mutating func stepRoster() {
        let played = Double(playedTicks) / MatchEngine.hz
        switch rosterStep {
        case 0 where played >= joinAt:
            join(lateJoiner, slot: freeSlot())
            rosterStep += 1
        case 1 where played >= leaveAt:
            if let who = members[0].first(where: { $0 != client && isUninvolved($0) && !isInStunt($0) }) {
                leaver = who
                people[who].present = false
                members[0].removeAll { $0 == who }
                for j in people.indices where people[j].grabSlot == people[who].slot { people[j].grabSlot = -1 }
                record(.playerLeft, [people[who].slot])
                rosterStep += 1
            }
        case 2 where played >= switchAt:
            if let who = members[1].first(where: { $0 != lateJoiner && isUninvolved($0) && !isInStunt($0) }) {
                switcher = who
                members[1].removeAll { $0 == who }
                members[0].append(who)
                people[who].team = 0
                record(.playerSwitchedTeam, [people[who].slot], team: 0, previousTeam: 1)
                rosterStep += 1
            }
        case 3 where played >= replaceAt:
            // The newcomer takes the slot the leaver freed (a slot is reused with a new userid).
            join(replacement, slot: people[leaver].slot)
            rosterStep += 1
        default:
            break
        }
    }

    func isUninvolved(_ i: Int) -> Bool {
        disc.holder != i && disc.flight?.thrower != i && disc.flight?.participant != i
    }

    func freeSlot() -> Int32 {
        var used = Set<Int32>()
        for p in people where p.present { used.insert(p.slot) }
        var s: Int32 = 0
        while used.contains(s) { s += 1 }
        return s
    }

    mutating func join(_ i: Int, slot: Int32) {
        people[i].slot = slot
        people[i].present = true
        people[i].joinedTick = tick
        members[people[i].team].append(i)
        spawn(i)
        record(.playerJoined, [slot], team: Int32(people[i].team))
    }

    // MARK: Decisions of the disc holder

    mutating func holderDecides() {
        let h = disc.holder
        let team = people[h].team
        let goal = MatchEngine.targetGoal(team)
        let d = (goal - people[h].pos).length
        if d < 2.5 && goalAllowed {
            // Carried in: a slam dunk.
            lastRelease = Release(person: h, tick: tick, byHand: false)
            scoreGoal(by: h, type: "SLAM DUNK", points: 2, speed: people[h].vel.length, distance: 0)
            return
        }
        if (d < 22 && chance(perSecond: 1.2)) || (d >= 22 && d < 32 && chance(perSecond: 0.4)) || d < 2.5 {
            shoot(h, distance: d)
        } else if chance(perSecond: 0.4), let r = pickReceiver(for: h) {
            pass(h, to: r)
        }
    }

    func pickReceiver(for h: Int) -> Int? {
        let team = people[h].team
        let dir = MatchEngine.attackDirection(team)
        var best = -1
        var bestScore = -Double.infinity
        for j in members[team] where j != h && isActive(j) {
            let ahead = (people[j].pos.z - people[h].pos.z) * dir
            let dist = (people[j].pos - people[h].pos).length
            let score = ahead - abs(dist - 9) * 0.5 + Double((people[j].slot &* 7 &+ Int32(tick / 60)) % 5)
            if dist > 2.5 && dist < 30 && score > bestScore {
                bestScore = score
                best = j
            }
        }
        return best >= 0 ? best : nil
    }

    /// Releases the disc from `h` along `waypoints` with the given outcome.
    mutating func release(_ h: Int, waypoints: [V3], speed: Double, outcome: Flight.Outcome) {
        var legs: [Int] = []
        for k in 0..<(waypoints.count - 1) {
            legs.append(max(4, Int(((waypoints[k + 1] - waypoints[k]).length / speed * MatchEngine.hz).rounded())))
        }
        let flight = Flight(thrower: h, waypoints: waypoints, legTicks: legs, outcome: outcome, releasePos: waypoints[0], speed: speed)
        disc.flight = flight
        disc.holder = -1
        disc.bounceCount = 0
        // What the disc really leaves the hand at decides whether Spark's throw rule sees it
        // (3 m/s faster than the thrower); whether it is a throw by events.md (>= 3 m/s) is
        // the disc's speed when the next frame shows it (MatchSimulator).
        let v0 = flight.state(at: 1).vel
        lastRelease = Release(person: h, tick: tick, byHand: true)
        noteRelease(h, velocity: v0, clientThrow: h == client)
        people[h].noPickupUntil = tick + 30
        if h == client { recordClientThrow(speed: speed, movement: people[h].vel.length) }
    }

    mutating func shoot(_ h: Int, distance d: Double) {
        let team = people[h].team
        let goal = MatchEngine.targetGoal(team)
        let start = disc.pos
        let speed = rng.uniform(14, 20)
        bump(h, \.shotsTaken, .playerShotTaken)
        let defenders = members[1 - team].filter { isActive($0) }
        let roll = rng.unit()
        let mouth = goal + V3(rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), 0)
        if goalAllowed && roll < 0.5 {
            let long = d >= 17
            if rng.chance(0.3) {
                // Off a side wall first.
                let side = start.x >= 0 ? MatchEngine.bounds.x : -MatchEngine.bounds.x
                let bounce = V3(side, (start.y + mouth.y) / 2, (start.z + mouth.z) / 2)
                let type = long ? "LONG BOUNCE SHOT" : "BOUNCE SHOT"
                release(h, waypoints: [start, bounce, mouth], speed: speed, outcome: .goal(type: type, points: long ? 3 : 2))
            } else {
                release(h, waypoints: [start, mouth], speed: speed,
                        outcome: .goal(type: long ? "LONG SHOT" : "INSIDE SHOT", points: long ? 3 : 2))
            }
        } else if roll < 0.8, let saver = defenders.min(by: { (people[$0].pos - goal).length < (people[$1].pos - goal).length }) {
            let point = start + (mouth - start) * 0.85
            release(h, waypoints: [start, point], speed: speed, outcome: .save(by: saver, catches: rng.chance(0.5)))
        } else {
            let sideX = (rng.chance(0.5) ? 1.0 : -1.0) * rng.uniform(2.5, 6)
            let wall = V3(sideX, rng.uniform(-3, 3), MatchEngine.bounds.z * MatchEngine.attackDirection(team))
            release(h, waypoints: [start, wall], speed: speed, outcome: .miss)
        }
    }

    mutating func pass(_ h: Int, to r: Int) {
        let start = disc.pos
        let speed = rng.uniform(10, 15)
        let guess = people[r].pos + people[r].vel * ((people[r].pos - start).length / speed)
        let target = clampToArena(guess, margin: 1)
        let team = people[h].team
        let mid = start + (target - start) * 0.55
        let roll = rng.unit()
        if roll < 0.2, let opp = members[1 - team].filter({ isActive($0) && (people[$0].pos - mid).length < 12 })
            .min(by: { (people[$0].pos - mid).length < (people[$1].pos - mid).length }) {
            release(h, waypoints: [start, mid], speed: speed, outcome: .intercept(by: opp))
        } else if roll < 0.28 {
            release(h, waypoints: [start, target], speed: speed, outcome: .drop)
        } else if roll < 0.36 && (target - start).length < 9 {
            // A soft lob to a near teammate, around the 3 m/s line between a throw and a drop.
            release(h, waypoints: [start, target], speed: rng.uniform(2.0, 4.0), outcome: .pass(receiver: r))
        } else {
            release(h, waypoints: [start, target], speed: speed, outcome: .pass(receiver: r))
        }
    }

    /// `last_throw` for the recording client's own throws: the parts add up to the total.
    mutating func recordClientThrow(speed: Double, movement: Double) {
        let f = GameGrid.float32
        let arm = speed * rng.uniform(0.1, 0.35)
        let wrist = rng.uniform(-0.1, 0.3)
        let move = speed - arm - wrist
        lastThrow = LastThrow(
            armSpeed: f(arm), totalSpeed: f(speed), offAxisSpinDeg: f(rng.uniform(-40, 40)),
            wristThrowPenalty: f(rng.uniform(0, 0.2)), rotPerSec: f(rng.uniform(0, 2)), potSpeedFromRot: f(rng.uniform(0, 0.5)),
            speedFromArm: f(arm), speedFromMovement: f(move), speedFromWrist: f(wrist),
            wristAlignToThrowDeg: f(rng.uniform(0, 140)), throwAlignToMovementDeg: f(rng.uniform(0, 60)),
            offAxisPenalty: f(rng.uniform(0, 0.05)), throwMovePenalty: f(rng.uniform(0, 0.1)))
    }

    // MARK: Stuns, blocks, steals

    mutating func contact() {
        for a in people.indices where isActive(a) && a != disc.holder && tick >= people[a].attackCooldownUntil {
            let holder = disc.holder
            let team = people[a].team
            for v in members[1 - team] where isActive(v) && !people[v].isInvulnerable(at: tick) && isUninvolvedInFlight(v) {
                let dist = (people[a].pos - people[v].pos).length
                if v == holder && dist < 1.8 && chance(perSecond: 0.5) {
                    // Steal: the disc changes hands directly.
                    give(to: a)
                    bump(a, \.steals, .playerSteal, extraSlot: people[v].slot)
                    people[a].attackCooldownUntil = tick + 60
                    people[v].noPickupUntil = tick + 60
                    // The one robbed needs a moment before hitting back (no counter-stun in
                    // the same 1/60 s, which no frame could tell apart from a throw).
                    people[v].attackCooldownUntil = max(people[v].attackCooldownUntil, tick + 30)
                    break
                }
                guard dist < 2.5, chance(perSecond: v == holder ? 0.9 : 0.35) else { continue }
                people[a].attackCooldownUntil = tick + 60
                if rng.chance(v == holder ? 0.15 : 0.3) {
                    people[v].blockingUntil = tick + 36
                    bump(v, \.blocks, .playerBlock)
                } else {
                    bump(a, \.stuns, .playerStun)
                    record(.stun, [people[a].slot, people[v].slot])
                    people[v].stunnedUntil = tick + 2 * MatchPlan.tickRate
                    people[v].invulnerableUntil = tick + 2 * MatchPlan.tickRate + 90
                    people[v].grabSlot = -1
                    if v == holder {
                        // Knocked loose: a slow drop, not a throw.
                        disc.holder = -1
                        disc.vel = (people[v].vel * 0.4).clamped(maxLength: 1.5) + V3(rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5))
                        lastRelease = Release(person: v, tick: tick, byHand: false)
                        noteRelease(v, velocity: disc.vel)
                        people[v].noPickupUntil = people[v].invulnerableUntil
                    }
                }
                break
            }
        }
    }

    func isUninvolvedInFlight(_ i: Int) -> Bool { disc.flight?.participant != i }

    mutating func grabs() {
        for i in people.indices where people[i].present && people[i].team < 2 {
            if people[i].grabSlot >= 0 && tick >= people[i].grabUntil { people[i].grabSlot = -1 }
            guard people[i].grabSlot < 0, isActive(i), disc.holder != i, chance(perSecond: 0.05) else { continue }
            if let other = people.indices.first(where: {
                $0 != i && people[$0].present && people[$0].team < 2 && (people[$0].pos - people[i].pos).length < 1.8
            }) {
                people[i].grabSlot = people[other].slot
                people[i].grabUntil = tick + 45 + rng.below(45)
            }
        }
    }

    // MARK: Movement

    func clampToArena(_ p: V3, margin: Double) -> V3 {
        let b = MatchEngine.bounds
        return V3(min(max(p.x, -b.x + margin), b.x - margin), min(max(p.y, -b.y + margin), b.y - margin), min(max(p.z, -b.z + margin), b.z - margin))
    }

    mutating func moveEveryone() {
        // Who chases: per team the active player nearest the disc (or its holder).
        var chaser = [-1, -1]
        var goalie = [-1, -1]
        for team in 0..<2 {
            var best = Double.infinity
            for j in members[team] where isActive(j) && j != disc.holder {
                let d = (people[j].pos - disc.pos).length
                if d < best { best = d; chaser[team] = j }
            }
            goalie[team] = members[team].first(where: { $0 != chaser[team] && $0 != disc.holder }) ?? -1
        }
        let participant = disc.flight?.participant ?? -1
        let flightEnd = disc.flight?.waypoints.last ?? disc.pos
        let t = Double(tick) * MatchEngine.dt
        for i in people.indices where people[i].present {
            let p = people[i]
            if p.team == 2 { continue }  // the spectator watches from a fixed seat in the stands
            if p.sprint != nil { continue }  // MatchEngine+Stunts moves sprinters
            if p.isStunned(at: tick) {
                people[i].vel *= 0.97
                integrate(i)
                continue
            }
            let dir = MatchEngine.attackDirection(p.team)
            let sway = V3(sin(t * 0.9 + p.phase), 0.5 * sin(t * 0.7 + p.phase * 2), 0) * 0.8
            var target: V3
            var speed = 6.5
            if i == participant {
                target = flightEnd
                speed = 8
            } else if i == disc.holder {
                target = MatchEngine.targetGoal(p.team) + V3(p.anchor.x * 0.2, p.anchor.y * 0.2, -dir * 1.0)
            } else if disc.holder >= 0 {
                let h = people[disc.holder]
                if h.team == p.team {
                    target = h.pos + V3(p.anchor.x, p.anchor.y, dir * (5 + p.anchor.z))
                } else if i == chaser[p.team] {
                    target = h.pos
                    speed = 7.5
                } else if i == goalie[p.team] {
                    target = V3(0, 0, -dir * 32)
                } else {
                    target = V3(p.anchor.x, p.anchor.y, (h.pos.z - dir * 32) / 2)
                }
            } else if i == chaser[p.team] {
                target = disc.flight == nil ? disc.pos : flightEnd
                speed = 7.5
            } else if i == goalie[p.team] {
                target = V3(0, 0, -dir * 32)
            } else {
                target = V3(p.anchor.x, p.anchor.y, disc.pos.z * 0.6 - dir * 4)
            }
            target = clampToArena(target + sway, margin: 0.6)
            if (target - p.pos).length > 6 && tick >= p.boostUntil && chance(perSecond: 0.4) {
                people[i].boostUntil = tick + 30
            }
            let boosting = tick < people[i].boostUntil
            steer(i, toward: target, maxSpeed: boosting ? 10 : speed, accel: boosting ? 24 : 10)
        }
    }

    /// Accelerates toward `target` (limited acceleration and speed), then integrates.
    mutating func steer(_ i: Int, toward target: V3, maxSpeed: Double, accel: Double) {
        let offset = target - people[i].pos
        let dist = offset.length
        let desired = dist > 1e-6 ? offset / dist * min(maxSpeed, dist * 1.5) : V3.zero
        people[i].vel += (desired - people[i].vel).clamped(maxLength: accel * MatchEngine.dt)
        integrate(i)
    }

    mutating func integrate(_ i: Int) {
        var p = people[i].pos + people[i].vel * MatchEngine.dt
        var v = people[i].vel
        let b = people[i].team == 2 ? V3(16, 9, 45) : MatchEngine.bounds - V3(0.3, 0.3, 0.3)
        for k in 0..<3 where abs(p[k]) > b[k] {
            p[k] = p[k] > 0 ? b[k] : -b[k]
            v[k] = -v[k] * 0.3
        }
        people[i].pos = p
        people[i].vel = v
    }

    /// Outside live play: everyone floats gently (pre-match, round over, post-match).
    mutating func drift() {
        let t = Double(tick) * MatchEngine.dt
        for i in people.indices where people[i].present && people[i].team < 2 {
            let p = people[i]
            let home = V3(p.anchor.x, p.anchor.y, -MatchEngine.attackDirection(p.team) * 18)
            let target = home + V3(2 * sin(t * 0.25 + p.phase), sin(t * 0.2 + p.phase), 3 * sin(t * 0.15 + p.phase))
            steer(i, toward: target, maxSpeed: 2, accel: 2)
        }
        if disc.holder < 0 && disc.flight == nil { moveFreeDisc() }
    }

    /// `round_start`: in the launch tubes, still.
    mutating func holdAtSpawn() {
        for i in people.indices where people[i].present { people[i].vel = .zero }
    }

    /// `score`: back toward the own half for the restart; the disc rests in the goal.
    mutating func regroup() {
        for i in people.indices where people[i].present && people[i].team < 2 {
            if people[i].sprint != nil {  // waits for play to resume (MatchEngine+Stunts)
                people[i].vel = .zero
                continue
            }
            let p = people[i]
            let home = V3(p.anchor.x, p.anchor.y, -MatchEngine.attackDirection(p.team) * 20)
            steer(i, toward: home, maxSpeed: 4, accel: 4)
        }
    }

    mutating func updateOrientations() {
        let turn = 4.0 * MatchEngine.dt
        for i in people.indices where people[i].present {
            let p = people[i]
            if p.team == 2 { continue }  // seated: body still, see spawn
            let speed = p.vel.length
            let look = disc.pos - p.pos
            let wantYaw = speed > 0.7 ? atan2(p.vel.x, p.vel.z) : atan2(look.x, look.z)
            var dy = wantYaw - p.yaw
            while dy > .pi { dy -= 2 * .pi }
            while dy < -.pi { dy += 2 * .pi }
            people[i].yaw += min(max(dy, -turn), turn)
            if people[i].yaw > .pi { people[i].yaw -= 2 * .pi }
            if people[i].yaw < -.pi { people[i].yaw += 2 * .pi }
            let wantPitch = speed > 0.7 ? atan2(p.vel.y, (p.vel.x * p.vel.x + p.vel.z * p.vel.z).squareRoot()) * 0.5 : 0
            people[i].pitch += min(max(wantPitch - p.pitch, -turn), turn)
            // The head looks at the disc, within the neck's reach.
            var hy = atan2(look.x, look.z) - people[i].yaw
            while hy > .pi { hy -= 2 * .pi }
            while hy < -.pi { hy += 2 * .pi }
            people[i].headYaw = min(max(hy, -1.2), 1.2)
            let horiz = (look.x * look.x + look.z * look.z).squareRoot()
            people[i].headPitch = min(max(atan2(look.y, max(horiz, 0.1)), -1.0), 1.0)
        }
    }

    // MARK: The disc

    /// The right hand's position of person `i` (where a held disc sits).
    func rightHand(_ i: Int) -> V3 {
        let p = people[i]
        let b = Basis(yaw: p.yaw, pitch: p.pitch)
        let t = Double(tick) * MatchEngine.dt
        return p.pos + b.forward * 0.35 - b.left * 0.25 - b.up * (0.3 - 0.05 * sin(t * 2 + p.phase))
    }

    func leftHand(_ i: Int) -> V3 {
        let p = people[i]
        let b = Basis(yaw: p.yaw, pitch: p.pitch)
        let t = Double(tick) * MatchEngine.dt
        return p.pos + b.forward * 0.3 + b.left * 0.25 - b.up * (0.3 - 0.05 * sin(t * 2.3 + p.phase))
    }

    mutating func placeDiscWithHolder() {
        if disc.holder >= 0 {
            disc.pos = rightHand(disc.holder) + Basis(yaw: people[disc.holder].yaw, pitch: 0).forward * 0.1
            disc.vel = people[disc.holder].vel
        }
        disc.spin += (disc.holder >= 0 ? 0.5 : 6) * MatchEngine.dt
    }

    mutating func moveDisc() {
        guard disc.holder < 0 else { return }
        guard var f = disc.flight else {
            moveFreeDisc()
            return
        }
        let before = f.state(at: f.elapsed).leg
        f.elapsed += 1
        let s = f.state(at: f.elapsed)
        if s.leg != before { disc.bounceCount += 1 }
        disc.pos = s.pos
        disc.vel = s.vel
        disc.flight = f
        if f.elapsed >= f.totalTicks { land(f) }
    }

    mutating func moveFreeDisc() {
        var p = disc.pos + disc.vel * MatchEngine.dt
        let b = MatchEngine.bounds
        for k in 0..<3 where abs(p[k]) > b[k] {
            p[k] = p[k] > 0 ? b[k] : -b[k]
            disc.vel[k] = -disc.vel[k] * 0.8
            disc.bounceCount += 1
        }
        disc.pos = p
        disc.vel *= 0.996
    }

    /// The end of a scripted flight: the outcome decided at release happens now.
    mutating func land(_ f: Flight) {
        disc.flight = nil
        let thrower = f.thrower
        let distance = (f.waypoints.last! - f.releasePos).length
        switch f.outcome {
        case .pass(let r):
            if isActive(r) {
                give(to: r)
                if rng.chance(0.06) { people[r].fumbleAt = tick + 1 + rng.below(3) }
                if people[thrower].present && people[thrower].team == people[r].team { bump(thrower, \.passes, .playerPass) }
                bump(r, \.catches, nil)
                people[r].lastPassFrom = thrower
                people[r].lastPassTick = tick
            }
        case .intercept(let by):
            if isActive(by) {
                give(to: by)
                bump(by, \.interceptions, .playerInterception)
            }
        case .drop:
            disc.vel *= 0.8
        case .goal(let type, let pts):
            if people[thrower].present {
                scoreGoal(by: thrower, type: type, points: pts, speed: f.speed, distance: distance)
            }
        case .save(let by, let catches):
            bump(by, \.saves, .playerSave)
            people[by].lastSaveTick = tick
            if catches && isActive(by) {
                give(to: by)
            } else {
                disc.vel = V3(disc.vel.x * 0.5 + rng.uniform(-2, 2), disc.vel.y * 0.5 + rng.uniform(-2, 2), -disc.vel.z * 0.4)
            }
        case .miss:
            disc.vel = V3(disc.vel.x * 0.7, disc.vel.y * 0.7, -disc.vel.z * 0.6)
            disc.bounceCount += 1
        }
    }

    mutating func give(to i: Int) {
        disc.holder = i
        disc.flight = nil
        disc.bounceCount = 0
        people[i].fumbleAt = -1
    }

    /// The holder loses a just-caught disc (possession flicker): it drifts on with their
    /// motion, slowing down; a throw only if the next frame shows it at 3 m/s or more
    /// (events.md), never a Spark throw.
    mutating func fumble(_ h: Int) {
        disc.holder = -1
        disc.vel = people[h].vel + V3(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
        people[h].fumbleAt = -1
        people[h].noPickupUntil = tick + 20
        lastRelease = Release(person: h, tick: tick, byHand: true)
        noteRelease(h, velocity: disc.vel)
    }

    mutating func pickUpFreeDisc() {
        guard disc.holder < 0, disc.flight == nil, status == .playing else { return }
        var best = -1
        var bestD = 1.0
        for i in people.indices where isActive(i) && tick >= people[i].noPickupUntil {
            let d = (people[i].pos - disc.pos).length
            if d < bestD { bestD = d; best = i }
        }
        if best >= 0 { give(to: best) }
    }
}
