import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Frames derived from the real 2021 frame with random-walk motion, made without the match
/// simulator (so a codec tuned to the simulator's motion is not flattered): every player's
/// head, hands and the disc move with a velocity that follows a random walk (acceleration
/// noise), orientations turn with a random-walk angular velocity, and everything is printed on
/// the game's 1/1000 grid (`float32(k) * 0.001f`) with `left = up x forward` and
/// `body.position = head.position`, as measured on the real frames. The clock counts down in
/// float32, pings wander, stats step up now and then. Deterministic for a seed.
public struct RandomWalkFrames {
    public struct Options {
        public var rate: Double
        public var seed: UInt64
        /// Also produce `/player_bones` (23 bones, small random-walk jitter, float32 values).
        public var bones: Bool
        public init(rate: Double = 30, seed: UInt64 = 1, bones: Bool = false) {
            self.rate = rate
            self.seed = seed
            self.bones = bones
        }
    }

    struct Body {
        var position: [Double]
        var velocity: [Double]
        var rotation: [Double]  // quaternion w, x, y, z
        var spin: [Double]
    }

    public let options: Options
    var base: Session
    var rng: SeededGenerator
    var heads: [Body] = []
    var hands: [[Body]] = []
    var torsos: [Body] = []
    var disc: Body
    var clock: Float
    var bones: [[Float]] = []
    public private(set) var index = 0
    let start = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)

    public init(base: Session, options: Options = .init()) {
        self.base = base
        self.options = options
        rng = SeededGenerator(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        clock = Float(base.gameClock ?? 300)
        func body(_ p: Vector3?, _ r: inout SeededGenerator) -> Body {
            let v = p ?? .zero
            return Body(
                position: [v.x, v.y, v.z], velocity: [0, 0, 0],
                rotation: RandomWalkFrames.normalize([1, r.normal() * 0.3, r.normal() * 0.3, r.normal() * 0.3]), spin: [0, 0, 0])
        }
        disc = Body(position: [0, 0, 0], velocity: [0, 0, 0], rotation: [1, 0, 0, 0], spin: [0, 0, 0])
        var r = rng
        disc = body(base.disc?.position, &r)
        base.forEachPlayer { _, p in
            heads.append(body(p.head?.position, &r))
            hands.append([body(p.leftHand?.position, &r), body(p.rightHand?.position, &r)])
            torsos.append(body(p.body?.position, &r))
            var b: [Float] = []
            for _ in 0..<(23 * 7) { b.append(Float(r.normal() * 0.3)) }
            bones.append(b)
        }
        rng = r
    }

    static func normalize(_ q: [Double]) -> [Double] {
        let n = (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).squareRoot()
        return q.map { $0 / n }
    }

    /// Rotates `v` by the unit quaternion `q`.
    static func rotate(_ q: [Double], _ v: [Double]) -> [Double] {
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let m: [[Double]] = [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
        return (0..<3).map { i in m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2] }
    }

    /// A value on the game's grid: `float32(k) * 0.001f`.
    static func grid(_ x: Double) -> Double {
        let k = Int((x * 1000).rounded())  // an integer: no negative zero
        return Double(Float(k) * Float(0.001))
    }

    static func gridVector(_ v: [Double]) -> Vector3 { Vector3(grid(v[0]), grid(v[1]), grid(v[2])) }

    static func step(_ b: inout Body, _ rng: inout SeededGenerator, accel: Double, maxSpeed: Double, dt: Double, bounds: [Double]) {
        for i in 0..<3 {
            b.velocity[i] += rng.normal() * accel * dt
            b.velocity[i] = min(max(b.velocity[i], -maxSpeed), maxSpeed)
            b.position[i] += b.velocity[i] * dt
            if abs(b.position[i]) > bounds[i] {
                b.position[i] = b.position[i] > 0 ? bounds[i] : -bounds[i]
                b.velocity[i] = -b.velocity[i] * 0.5
            }
            b.spin[i] += rng.normal() * 4 * dt
            b.spin[i] = min(max(b.spin[i], -6), 6)
        }
        let (w, x, y, z) = (b.rotation[0], b.rotation[1], b.rotation[2], b.rotation[3])
        let (a, c, d) = (b.spin[0] * dt / 2, b.spin[1] * dt / 2, b.spin[2] * dt / 2)
        b.rotation = RandomWalkFrames.normalize([
            w - x * a - y * c - z * d, x + w * a + y * d - z * c, y + w * c + z * a - x * d, z + w * d + x * c - y * a,
        ])
    }

    func orientation(_ b: Body) -> (forward: Vector3, left: Vector3, up: Vector3) {
        let f = RandomWalkFrames.rotate(b.rotation, [0, 0, 1])
        let u = RandomWalkFrames.rotate(b.rotation, [0, 1, 0])
        let l = [u[1] * f[2] - u[2] * f[1], u[2] * f[0] - u[0] * f[2], u[0] * f[1] - u[1] * f[0]]
        return (RandomWalkFrames.gridVector(f), RandomWalkFrames.gridVector(l), RandomWalkFrames.gridVector(u))
    }

    /// The next frame: typed session, its game-spelled bytes, and bones when asked for.
    public mutating func next() -> (timestamp: Timestamp, session: Session, json: [UInt8], bones: PlayerBones?) {
        let dt = 1 / options.rate
        if index > 0 {
            var r = rng
            RandomWalkFrames.step(&disc, &r, accel: 30, maxSpeed: 20, dt: dt, bounds: [15, 8, 40])
            for i in 0..<heads.count {
                RandomWalkFrames.step(&heads[i], &r, accel: 8, maxSpeed: 5, dt: dt, bounds: [14, 7, 38])
                for h in 0..<2 { RandomWalkFrames.step(&hands[i][h], &r, accel: 10, maxSpeed: 6, dt: dt, bounds: [15, 8, 40]) }
                RandomWalkFrames.step(&torsos[i], &r, accel: 8, maxSpeed: 5, dt: dt, bounds: [14, 7, 38])
            }
            rng = r
            clock = max(0, clock - Float(dt))
        }
        var s = base
        s.gameClock = Double(clock)
        let whole = Int(clock)
        let centis = Int((clock - Float(whole)) * 100)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        s.gameClockDisplay = "\(two(whole / 60)):\(two(whole % 60)).\(two(centis))"
        let o = orientation(disc)
        s.disc?.position = RandomWalkFrames.gridVector(disc.position)
        s.disc?.velocity = RandomWalkFrames.gridVector(disc.velocity)
        s.disc?.forward = o.forward
        s.disc?.left = o.left
        s.disc?.up = o.up
        var n = 0
        var userBones: [UserBones] = []
        if var teams = s.teams {
            for t in 0..<teams.count {
                guard var players = teams[t].players else { continue }
                for j in 0..<players.count where n < heads.count {
                    let head = orientation(heads[n])
                    let pos = RandomWalkFrames.gridVector(heads[n].position)
                    players[j].head = Pose(position: pos, forward: head.forward, left: head.left, up: head.up)
                    let body = orientation(torsos[n])
                    players[j].body = Pose(position: pos, forward: body.forward, left: body.left, up: body.up)
                    let l = orientation(hands[n][0])
                    let r = orientation(hands[n][1])
                    players[j].leftHand = Pose(
                        position: RandomWalkFrames.gridVector(hands[n][0].position), forward: l.forward, left: l.left, up: l.up)
                    players[j].rightHand = Pose(
                        position: RandomWalkFrames.gridVector(hands[n][1].position), forward: r.forward, left: r.left, up: r.up)
                    players[j].velocity = RandomWalkFrames.gridVector(heads[n].velocity)
                    if rng.unit() < 0.02 {
                        let ping = players[j].ping ?? 50
                        players[j].ping = max(1, ping + Int32(rng.unit() * 7) - 3)
                    }
                    if rng.unit() < 0.002, let passes = players[j].stats?.passes { players[j].stats?.passes = passes + 1 }
                    if options.bones {
                        for i in 0..<bones[n].count where rng.unit() < 0.7 {
                            bones[n][i] += Float(rng.normal() * 0.002)
                        }
                        userBones.append(
                            UserBones(slot: players[j].slot, translations: Array(bones[n][0..<69]), orientations: Array(bones[n][69..<161])))
                    }
                    n += 1
                }
                teams[t].players = players
            }
            s.teams = teams
        }
        let ts = Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + Int64((Double(index) * dt * 1000).rounded()) * 1_000_000)
        index += 1
        return (ts, s, GameJSONWriter.bytes(s), options.bones ? PlayerBones(userBones: userBones, errCode: 0) : nil)
    }
}
