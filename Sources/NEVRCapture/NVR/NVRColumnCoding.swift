/// Column coding inside a block (docs/nvr-format.md "Columns"): per slot, the kinds (one byte
/// when uniform), the predictor chosen for this block (previous value, linear extrapolation from
/// the two previous values, the slot's role, a turn, a velocity or a whole orientation), and one
/// zigzag residual per row.
enum NVRColumnCoding {
    enum Predictor: UInt8 {
        case previous = 0
        case linear = 1
        case role = 2
        /// Constant-rotation extrapolation of an orientation component (``turn(_:_:_:row:slotCount:)``).
        case turn = 3
        /// Position from the previous row plus the same row's velocity times a per-block scale
        /// (format version 2, ``velocityPrediction(_:_:_:row:slotCount:scale:)``).
        case velocity = 4
        /// The six `up`/`forward` columns of one object coded together with three degrees of
        /// freedom (format version 2, ``orientRow(_:_:_:row:slotCount:residuals:decode:)``).
        case orient = 5
    }

    /// Predictor and scale limits of a format version.
    static func predictorBits(version: Int) -> Int { version >= 2 ? 3 : 2 }
    static func maxPredictor(version: Int) -> UInt8 { version >= 2 ? Predictor.orient.rawValue : Predictor.turn.rawValue }
    /// Largest |scale| of the velocity predictor (a velocity of 1 grid unit per second moves
    /// `scale / 65536` grid units per row).
    static let maxScale: Int64 = 1 << 24

    static let mixedKinds: UInt8 = 0xFF

    /// `floor(c * 1000 + 0.5)` of component `i` of `up x forward`, both read as k/1000;
    /// 0 when one of the six values is not on a grid.
    @inline(__always)
    static func cross(_ kinds: UnsafePointer<UInt8>, _ values: UnsafePointer<Int64>, up: [Int], forward: [Int], component: Int) -> Int64 {
        for s in up where kinds[s] != NVRValueKind.grid.rawValue && kinds[s] != NVRValueKind.gridDivide.rawValue { return 0 }
        for s in forward where kinds[s] != NVRValueKind.grid.rawValue && kinds[s] != NVRValueKind.gridDivide.rawValue { return 0 }
        let u0 = Double(values[up[0]]) / 1000.0, u1 = Double(values[up[1]]) / 1000.0, u2 = Double(values[up[2]]) / 1000.0
        let f0 = Double(values[forward[0]]) / 1000.0, f1 = Double(values[forward[1]]) / 1000.0, f2 = Double(values[forward[2]]) / 1000.0
        let c: Double
        switch component {
        case 0:
            let a = u1 * f2
            let b = u2 * f1
            c = a - b
        case 1:
            let a = u2 * f0
            let b = u0 * f2
            c = a - b
        default:
            let a = u0 * f1
            let b = u1 * f0
            c = a - b
        }
        let x = (c * 1000.0 + 0.5).rounded(.down)
        guard x.isFinite, abs(x) < 9.0e15 else { return 0 }
        return Int64(x)
    }

    /// The turn prediction of `t.slot` in row `r` (docs/nvr-format.md "Turn predictor"): the
    /// rotation from row r-2 to r-1 applied once more to row r-1, so a steady spin costs
    /// nothing; linear extrapolation when a row is missing or a value is not on a grid.
    @inline(__always)
    static func turn(_ t: NVRTurn, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, row r: Int, slotCount n: Int) -> Int64 {
        let s = t.slot
        if r == 0 { return 0 }
        let r1 = (r &- 1) &* n
        let a = v[r1 &+ s]
        if r == 1 { return a }
        let r2 = (r &- 2) &* n
        let linear = (a &* 2) &- v[r2 &+ s]
        guard let p = turnProduct(t, k, v, row: r, slotCount: n) else { return linear }
        let q = (p * 1000.0 + 0.5).rounded(.down)
        guard q.isFinite, abs(q) < 9.0e15 else { return linear }
        return Int64(q)
    }

    /// The turn prediction of `t.slot` in row `r` before rounding, as a unit vector component
    /// (value / 1000): 0 in row 0, the previous value in row 1, linear extrapolation when a
    /// value of rows r-1, r-2 is not on a grid (the orientation predictor's starting point).
    @inline(__always)
    static func turnUnits(_ t: NVRTurn, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, row r: Int, slotCount n: Int) -> Double {
        let s = t.slot
        if r == 0 { return 0 }
        let a = v[(r &- 1) &* n &+ s]
        if r == 1 { return Double(a) / 1000.0 }
        if let p = turnProduct(t, k, v, row: r, slotCount: n) { return p }
        return Double((a &* 2) &- v[(r &- 2) &* n &+ s]) / 1000.0
    }

    /// The rotation from row r-2 to r-1 applied to row r-1 (component `t.component` of
    /// `t.vector`), or nil when one of the 12 values is not on a grid; r >= 2.
    @inline(__always)
    static func turnProduct(_ t: NVRTurn, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, row r: Int, slotCount n: Int) -> Double? {
        let r1 = (r &- 1) &* n
        let r2 = (r &- 2) &* n
        for x in [t.u0, t.u1, t.u2, t.f0, t.f1, t.f2] {
            let k1 = k[r1 &+ x], k2 = k[r2 &+ x]
            guard k1 == NVRValueKind.grid.rawValue || k1 == NVRValueKind.gridDivide.rawValue,
                k2 == NVRValueKind.grid.rawValue || k2 == NVRValueKind.gridDivide.rawValue
            else { return nil }
        }
        let ua = (Double(v[r1 &+ t.u0]) / 1000.0, Double(v[r1 &+ t.u1]) / 1000.0, Double(v[r1 &+ t.u2]) / 1000.0)
        let fa = (Double(v[r1 &+ t.f0]) / 1000.0, Double(v[r1 &+ t.f1]) / 1000.0, Double(v[r1 &+ t.f2]) / 1000.0)
        let ub = (Double(v[r2 &+ t.u0]) / 1000.0, Double(v[r2 &+ t.u1]) / 1000.0, Double(v[r2 &+ t.u2]) / 1000.0)
        let fb = (Double(v[r2 &+ t.f0]) / 1000.0, Double(v[r2 &+ t.f1]) / 1000.0, Double(v[r2 &+ t.f2]) / 1000.0)
        let la = crossProduct(ua, fa)
        let lb = crossProduct(ub, fb)
        // Row `c` of A = M1 * M2^T with M = [left up forward] as columns.
        let c = t.component
        let l1c = c == 0 ? la.0 : (c == 1 ? la.1 : la.2)
        let u1c = c == 0 ? ua.0 : (c == 1 ? ua.1 : ua.2)
        let f1c = c == 0 ? fa.0 : (c == 1 ? fa.1 : fa.2)
        let a0 = dot3(l1c, lb.0, u1c, ub.0, f1c, fb.0)
        let a1 = dot3(l1c, lb.1, u1c, ub.1, f1c, fb.1)
        let a2 = dot3(l1c, lb.2, u1c, ub.2, f1c, fb.2)
        let x1 = t.vector == 0 ? ua : fa
        return dot3(a0, x1.0, a1, x1.1, a2, x1.2)
    }

    /// `floor(x * 1000 + 0.5)`: a unit-scale double on the grid; 0 when not finite or too large.
    @inline(__always)
    static func gridRound(_ x: Double) -> Int64 {
        let q = (x * 1000.0 + 0.5).rounded(.down)
        guard q.isFinite, abs(q) < 9.0e15 else { return 0 }
        return Int64(q)
    }

    /// The velocity prediction of a position column (predictor 4): the previous row plus
    /// `(velocity * scale + 2^15) >> 16` of this row's velocity (64-bit wrapping, arithmetic shift).
    @inline(__always)
    static func velocityPrediction(_ s: Int, _ source: Int, _ v: UnsafePointer<Int64>, row r: Int, slotCount n: Int, scale: Int64) -> Int64 {
        if r == 0 { return 0 }
        let step = ((v[r &* n &+ source] &* scale) &+ 32768) >> 16
        return v[(r &- 1) &* n &+ s] &+ step
    }

    /// The orientation predictor (predictor 5, docs/nvr-format.md "Orientation predictor") for
    /// one object in row `r`: an orientation has three degrees of freedom, not six. The two
    /// `up` components with the smaller turn predictions are predicted by the turn, the largest
    /// from |up| = 1; the `forward` component along which a turn about `up` moves most is
    /// predicted by the turn projected onto the plane normal to `up`, the other two from
    /// forward . up = 0 and |forward| = 1. Residual i of the row belongs to the column of slot
    /// u0, u1, u2, f0, f1, f2 (i = 0 ... 5). Encoding (`decode` false) reads the values and
    /// writes `res`; decoding reads `res` and writes the values, in the same order.
    static func orientRow(
        _ t: NVRTurn, _ k: UnsafePointer<UInt8>, _ v: UnsafeMutablePointer<Int64>, row r: Int, slotCount n: Int,
        residuals res: UnsafeMutablePointer<Int64>, decode: Bool
    ) {
        let row = r &* n
        let us = SIMD3<Int>(t.u0, t.u1, t.u2)
        let fs = SIMD3<Int>(t.f0, t.f1, t.f2)
        @inline(__always) func step(_ i: Int, _ slot: Int, _ prediction: Int64) {
            if decode { v[row &+ slot] = prediction &+ res[i] } else { res[i] = v[row &+ slot] &- prediction }
        }
        @inline(__always) func unit(_ slot: Int) -> Double { Double(v[row &+ slot]) / 1000.0 }
        var pu = SIMD3<Double>(0, 0, 0)
        var pf = SIMD3<Double>(0, 0, 0)
        for i in 0..<3 {
            var tu = t
            tu.vector = 0
            tu.component = i
            var tf = t
            tf.vector = 1
            tf.component = i
            pu[i] = turnUnits(tu, k, UnsafePointer(v), row: r, slotCount: n)
            pf[i] = turnUnits(tf, k, UnsafePointer(v), row: r, slotCount: n)
        }
        var c = 0
        if abs(pu[1]) > abs(pu[c]) { c = 1 }
        if abs(pu[2]) > abs(pu[c]) { c = 2 }
        let a = c == 0 ? 1 : 0
        let b = c == 2 ? 1 : 2
        step(0, us[a], gridRound(pu[a]))
        step(1, us[b], gridRound(pu[b]))
        let ua = unit(us[a])
        let ub = unit(us[b])
        let aa = ua * ua
        let bb = ub * ub
        let rest = (1.0 - aa) - bb
        let magnitude = (rest > 0 ? rest : 0).squareRoot()
        step(2, us[c], gridRound(pu[c] < 0 ? -magnitude : magnitude))
        let u = SIMD3<Double>(unit(us[0]), unit(us[1]), unit(us[2]))
        let nu = dot3(u[0], u[0], u[1], u[1], u[2], u[2])
        var q = pf
        var plane = nu > 0.25
        if plane {
            let m = dot3(pf[0], u[0], pf[1], u[1], pf[2], u[2]) / nu
            for i in 0..<3 {
                let mu = m * u[i]
                q[i] = pf[i] - mu
            }
            let nq = dot3(q[0], q[0], q[1], q[1], q[2], q[2]).squareRoot()
            if nq > 1e-3 {
                for i in 0..<3 { q[i] = q[i] / nq }
            } else {
                plane = false
            }
        }
        guard plane else {
            for i in 0..<3 { step(3 &+ i, fs[i], gridRound(pf[i])) }
            return
        }
        let l = crossProduct((u[0], u[1], u[2]), (q[0], q[1], q[2]))
        let lv = SIMD3<Double>(l.0, l.1, l.2)
        var j = 0
        if abs(lv[1]) > abs(lv[j]) { j = 1 }
        if abs(lv[2]) > abs(lv[j]) { j = 2 }
        let kk = j == 0 ? 1 : 0
        let ll = j == 2 ? 1 : 2
        step(3, fs[j], gridRound(q[j]))
        let fj = unit(fs[j])
        let ak = u[kk]
        let bl = u[ll]
        let ujfj = u[j] * fj
        let dd = -ujfj
        let fjfj = fj * fj
        let e = 1.0 - fjfj
        let akak = ak * ak
        let blbl = bl * bl
        let n2 = akak + blbl
        var sk = q[kk]
        var sl = q[ll]
        if n2 > 1e-6 {
            let m = dd / n2
            let p0k = m * ak
            let p0l = m * bl
            let ddm = dd * m
            let h = (e - ddm) / n2
            let half = (h > 0 ? h : 0).squareRoot()
            let hb = half * bl
            let ha = half * ak
            let c1k = p0k - hb
            let c1l = p0l + ha
            let c2k = p0k + hb
            let c2l = p0l - ha
            let d1k = c1k - q[kk], d1l = c1l - q[ll], d2k = c2k - q[kk], d2l = c2l - q[ll]
            let x1 = d1k * d1k, y1 = d1l * d1l, x2 = d2k * d2k, y2 = d2l * d2l
            if x1 + y1 <= x2 + y2 {
                sk = c1k
                sl = c1l
            } else {
                sk = c2k
                sl = c2l
            }
        }
        step(4, fs[kk], gridRound(sk))
        step(5, fs[ll], gridRound(sl))
    }

    /// `(a*b + c*d) + e*f`, each product rounded on its own (no fused multiply-add), as the
    /// spec writes it.
    @inline(__always)
    static func dot3(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double) -> Double {
        let x = a * b
        let y = c * d
        let z = e * f
        let xy = x + y
        return xy + z
    }

    /// `u x f` in doubles, each product rounded, then the difference (as ``cross``).
    @inline(__always)
    static func crossProduct(_ u: (Double, Double, Double), _ f: (Double, Double, Double)) -> (Double, Double, Double) {
        let a0 = u.1 * f.2, b0 = u.2 * f.1
        let a1 = u.2 * f.0, b1 = u.0 * f.2
        let a2 = u.0 * f.1, b2 = u.1 * f.0
        return (a0 - b0, a1 - b1, a2 - b2)
    }

    /// The role prediction of slot `role` in the row starting at `kinds`/`values`.
    @inline(__always)
    static func rolePrediction(_ role: NVRRole, _ kinds: UnsafePointer<UInt8>, _ values: UnsafePointer<Int64>) -> Int64 {
        switch role {
        case .none: 0
        case .copy(let src): values[src]
        case .cross(let up, let forward, let component): cross(kinds, values, up: up, forward: forward, component: component)
        }
    }

    /// The cheapest predictor for column `s` over this block and its residuals.
    /// What a residual costs when choosing a predictor: its zigzag bit length plus one (about
    /// what the adaptive coder spends; a varint's byte count hides the differences below 64).
    @inline(__always)
    static func cost(_ residual: Int64) -> Int { 65 &- NVRByteWriter.zigzag(residual).leadingZeroBitCount }

    static func residuals(
        _ s: Int, role: NVRRole, turn: NVRTurn?, velocity: Int?, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, slotCount: Int,
        rows: Int, into residuals: inout [Int64]
    ) -> (predictor: Predictor, scale: Int64, cost: Int) {
        var costPrevious = 0
        var costLinear = 0
        var costRole = Int.max
        var costTurn = Int.max
        var a: Int64 = 0
        var b: Int64 = 0
        for r in 0..<rows {
            let x = v[r &* slotCount &+ s]
            let linear = r == 0 ? 0 : (r == 1 ? a : (a &* 2) &- b)
            costPrevious &+= cost(x &- a)
            costLinear &+= cost(x &- linear)
            b = a
            a = x
        }
        if role != .none {
            costRole = 0
            for r in 0..<rows {
                let row = r &* slotCount
                let p = rolePrediction(role, k + row, v + row)
                costRole &+= cost(v[row &+ s] &- p)
            }
        }
        if let turn {
            costTurn = 0
            for r in 0..<rows { costTurn &+= cost(v[r &* slotCount &+ s] &- NVRColumnCoding.turn(turn, k, v, row: r, slotCount: slotCount)) }
        }
        // Velocity: the scale that fits this block best (least squares of the position step on
        // the velocity, in 1/65536), then its cost like the others (plus about a byte for the scale).
        var costVelocity = Int.max
        var scale: Int64 = 0
        if let source = velocity, rows > 1 {
            var num = 0.0
            var den = 0.0
            for r in 1..<rows {
                let vr = Double(v[r &* slotCount &+ source])
                num += vr * Double(v[r &* slotCount &+ s] &- v[(r &- 1) &* slotCount &+ s])
                den += vr * vr
            }
            if den > 0, (num / den).isFinite {
                scale = Int64(max(-Double(maxScale), min(Double(maxScale), (num / den * 65536).rounded())))
                costVelocity = 8
                for r in 0..<rows {
                    costVelocity &+= cost(v[r &* slotCount &+ s] &- velocityPrediction(s, source, v, row: r, slotCount: slotCount, scale: scale))
                }
            }
        }
        var predictor: Predictor = costLinear < costPrevious ? .linear : .previous
        var best = min(costLinear, costPrevious)
        if costRole < best {
            predictor = .role
            best = costRole
        }
        if costTurn < best {
            predictor = .turn
            best = costTurn
        }
        if costVelocity < best {
            predictor = .velocity
            best = costVelocity
        }
        a = 0
        b = 0
        for r in 0..<rows {
            let row = r &* slotCount
            let x = v[row &+ s]
            let p: Int64
            switch predictor {
            case .previous: p = a
            case .linear: p = r == 0 ? 0 : (r == 1 ? a : (a &* 2) &- b)
            case .role: p = rolePrediction(role, k + row, v + row)
            case .turn: p = NVRColumnCoding.turn(turn!, k, v, row: r, slotCount: slotCount)
            case .velocity: p = velocityPrediction(s, velocity!, v, row: r, slotCount: slotCount, scale: scale)
            case .orient: p = 0  // never chosen here: decided per object in `plan`
            }
            residuals[r] = x &- p
            b = a
            a = x
        }
        return (predictor, predictor == .velocity ? scale : 0, best)
    }

    /// The predictor of every column of `slots` and its residuals: each column's cheapest
    /// predictor, except that an orientation object whose six `up`/`forward` columns are all
    /// in `slots` is coded with the orientation predictor when that is cheaper in total
    /// (version 2 only).
    static func plan(
        slots: [Int], template t: NVRTemplate, version: Int, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, slotCount: Int, rows: Int
    ) -> [(predictor: Predictor, scale: Int64, residuals: [Int64])] {
        var out: [(predictor: Predictor, scale: Int64, residuals: [Int64])] = []
        out.reserveCapacity(slots.count)
        var at = [Int: Int]()
        var costs: [Int] = []
        var scratch = [Int64](repeating: 0, count: rows)
        for s in slots {
            let r = residuals(
                s, role: t.roles[s], turn: t.turns[s], velocity: version >= 2 ? t.velocities[s] : nil, k, v, slotCount: slotCount, rows: rows,
                into: &scratch)
            at[s] = out.count
            out.append((r.predictor, r.scale, scratch))
            costs.append(r.cost)
        }
        guard version >= 2, rows > 0 else { return out }
        let values = UnsafeMutablePointer(mutating: v)  // read only: orientRow encodes
        var res = [Int64](repeating: 0, count: 6 &* rows)
        for s in slots {
            guard let turn = t.turns[s], turn.vector == 0, turn.component == 0 else { continue }
            let six = [turn.u0, turn.u1, turn.u2, turn.f0, turn.f1, turn.f2]
            guard six.allSatisfy({ at[$0] != nil && t.turns[$0] != nil }) else { continue }
            res.withUnsafeMutableBufferPointer { rb in
                for r in 0..<rows {
                    orientRow(turn, k, values, row: r, slotCount: slotCount, residuals: rb.baseAddress! + 6 &* r, decode: false)
                }
            }
            var total = 0
            for i in 0..<(6 &* rows) { total &+= cost(res[i]) }
            let separate = six.reduce(0) { $0 &+ costs[at[$1]!] }
            guard total < separate else { continue }
            for (i, slot) in six.enumerated() {
                var column = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { column[r] = res[6 &* r &+ i] }
                out[at[slot]!] = (.orient, 0, column)
            }
        }
        return out
    }

    /// Appends the columns of `slots` (rows of `slotCount` values each) to `out`.
    static func encode(
        slots: [Int], template: NVRTemplate, version: Int, kinds: [UInt8], values: [Int64], slotCount: Int, rows: Int,
        into out: inout NVRByteWriter
    ) {
        guard rows > 0 else { return }
        kinds.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { vb in
                let k = kb.baseAddress!
                let v = vb.baseAddress!
                let plans = plan(slots: slots, template: template, version: version, k, v, slotCount: slotCount, rows: rows)
                for (i, s) in slots.enumerated() {
                    let first = k[s]
                    var uniform = true
                    for r in 1..<max(rows, 1) where k[r &* slotCount &+ s] != first {
                        uniform = false
                        break
                    }
                    if uniform {
                        out.u8(first)
                    } else {
                        out.u8(mixedKinds)
                        for r in 0..<rows { out.u8(k[r &* slotCount &+ s]) }
                    }
                    let p = plans[i]
                    out.u8(p.predictor.rawValue)
                    if p.predictor == .velocity { out.signed(p.scale) }
                    for r in 0..<rows { out.signed(p.residuals[r]) }
                }
            }
        }
    }

    /// The residual class of a column: the bit length of its mean zigzag residual (at most 15).
    static func residualClass(_ residuals: [Int64], rows: Int) -> Int {
        var sum: UInt64 = 0
        for r in 0..<rows { sum &+= min(NVRByteWriter.zigzag(residuals[r]), 1 << 40) }
        let mean = sum / UInt64(rows)
        return min(15, 64 - mean.leadingZeroBitCount)
    }

    /// The residual class of a column in version 3, from rows 1 ... R-1 only (row 0 has its
    /// keyframe class): 0 exactly when all of them are 0 (then none is coded), else the bit
    /// length of their mean zigzag residual, at least 1 and at most 15.
    static func restClass(_ residuals: [Int64], rows: Int) -> Int {
        guard rows > 1 else { return 0 }
        var sum: UInt64 = 0
        var nonzero = false
        for r in 1..<rows {
            let z = NVRByteWriter.zigzag(residuals[r])
            if z != 0 { nonzero = true }
            sum &+= min(z, 1 << 40)
        }
        guard nonzero else { return 0 }
        let mean = sum / UInt64(rows &- 1)
        return max(1, min(15, 64 - mean.leadingZeroBitCount))
    }

    /// Arithmetic-coded columns (stream method 2): the same columns as ``encode``, with the
    /// header symbols and residuals coded by adaptive binary models shared by the stream.
    static func encodeArithmetic(
        slots: [Int], template: NVRTemplate, version: Int, kinds: [UInt8], values: [Int64], slotCount: Int, rows: Int
    ) -> [UInt8] {
        var e = NVRRangeEncoder(capacity: slots.count * rows / 2 + 64)
        var m = NVRColumnModels()
        guard rows > 0 else { return e.finish() }
        let bits = predictorBits(version: version)
        let v3 = version >= 3
        // Predictor << 4 | class of every column coded so far in this stream (-1: none).
        var headers = [Int16](repeating: -1, count: slotCount)
        kinds.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { vb in
                let k = kb.baseAddress!
                let v = vb.baseAddress!
                let plans = plan(slots: slots, template: template, version: version, k, v, slotCount: slotCount, rows: rows)
                for (i, s) in slots.enumerated() {
                    let first = k[s]
                    var uniform = true
                    for r in 1..<max(rows, 1) where k[r &* slotCount &+ s] != first {
                        uniform = false
                        break
                    }
                    e.bit(!uniform, &m.mixed[0])
                    if uniform {
                        NVRColumnModels.encodeTree(&e, &m.kind, base: m.previousKind * 8, bits: 3, Int(first))
                    } else {
                        for r in 0..<rows { NVRColumnModels.encodeTree(&e, &m.rowKind, base: 0, bits: 3, Int(k[r &* slotCount &+ s])) }
                    }
                    m.previousKind = Int(first)
                    let p = plans[i]
                    let c = v3 ? restClass(p.residuals, rows: rows) : residualClass(p.residuals, rows: rows)
                    // Version 3: a column whose sibling (the previous player's same field) has the
                    // same predictor and class says so in one adaptive bit.
                    var known = false
                    if v3, let sibling = template.siblings[s], headers[sibling] >= 0 {
                        known = headers[sibling] == Int16(p.predictor.rawValue) << 4 | Int16(c)
                        e.bit(!known, &m.same[Int(first)])
                    }
                    if !known {
                        NVRColumnModels.encodeTree(&e, &m.predictor, base: Int(first) << bits, bits: bits, Int(p.predictor.rawValue))
                        NVRColumnModels.encodeTree(&e, &m.klass, base: Int(first) * 16, bits: 4, c)
                    }
                    headers[s] = Int16(p.predictor.rawValue) << 4 | Int16(c)
                    if p.predictor == .velocity {
                        m.encode(&e, NVRByteWriter.zigzag(p.scale &- m.previousScale), class: NVRColumnModels.scaleClass)
                        m.previousScale = p.scale
                    }
                    if v3 {
                        // Row 0 is the keyframe value (its own models by kind); class 0 means
                        // every later residual is 0 and none is coded.
                        m.encode(&e, NVRByteWriter.zigzag(p.residuals[0]), class: NVRColumnModels.keyframeClass(kind: Int(first)))
                        if c != 0 {
                            for r in 1..<rows { m.encode(&e, NVRByteWriter.zigzag(p.residuals[r]), class: c) }
                        }
                    } else {
                        for r in 0..<rows { m.encode(&e, NVRByteWriter.zigzag(p.residuals[r]), class: c) }
                    }
                }
            }
        }
        return e.finish()
    }

    /// Decodes arithmetic-coded columns (the inverse of ``encodeArithmetic``) into the
    /// row-major `kinds`/`values`, then checks them like ``decode``.
    static func decodeArithmetic(
        slots: [Int], template t: NVRTemplate, version: Int, slotCount: Int, rows: Int, stringCount: Int,
        from bytes: [UInt8], kinds: inout [UInt8], values: inout [Int64]
    ) throws(NVRCorrupt) {
        guard rows > 0 else { return }
        var d = NVRRangeDecoder(bytes, from: 0, to: bytes.count)
        var m = NVRColumnModels()
        var later = Later()
        let bits = predictorBits(version: version)
        let v3 = version >= 3
        var headers = [Int16](repeating: -1, count: slotCount)
        for s in slots {
            let mixed = d.bit(&m.mixed[0])
            var first: Int
            if !mixed {
                first = NVRColumnModels.decodeTree(&d, &m.kind, base: m.previousKind * 8, bits: 3)
                guard first < Int(NVRValueKind.count(version: version)) else { throw NVRCorrupt("slot \(s): unknown value kind \(first)") }
                for r in 0..<rows { kinds[r &* slotCount &+ s] = UInt8(first) }
            } else {
                first = 0
                for r in 0..<rows {
                    let kind = NVRColumnModels.decodeTree(&d, &m.rowKind, base: 0, bits: 3)
                    guard kind < Int(NVRValueKind.count(version: version)) else { throw NVRCorrupt("slot \(s): unknown value kind \(kind)") }
                    if r == 0 { first = kind }
                    kinds[r &* slotCount &+ s] = UInt8(kind)
                }
            }
            m.previousKind = first
            let code: UInt8
            let c: Int
            var known = false
            if v3, let sibling = t.siblings[s], headers[sibling] >= 0 {
                known = !d.bit(&m.same[first])
            }
            if known {
                let h = headers[t.siblings[s]!]
                code = UInt8(h >> 4)
                c = Int(h & 15)
            } else {
                code = UInt8(NVRColumnModels.decodeTree(&d, &m.predictor, base: first << bits, bits: bits))
                c = NVRColumnModels.decodeTree(&d, &m.klass, base: first * 16, bits: 4)
            }
            guard code <= maxPredictor(version: version), let predictor = Predictor(rawValue: code) else {
                throw NVRCorrupt("slot \(s): unknown predictor \(code)")
            }
            headers[s] = Int16(code) << 4 | Int16(c)
            var scale: Int64 = 0
            if predictor == .velocity {
                scale = m.previousScale &+ unzigzag(m.decode(&d, class: NVRColumnModels.scaleClass))
                m.previousScale = scale
            }
            if d.overrun > 8 { throw NVRCorrupt("arithmetic-coded stream ends early") }
            let keyframe = NVRColumnModels.keyframeClass(kind: first)
            // Version 3: row 0 with the keyframe models, later rows only when the class is not 0.
            @inline(__always) func residual(_ r: Int) -> Int64 {
                if !v3 { return unzigzag(m.decode(&d, class: c)) }
                if r == 0 { return unzigzag(m.decode(&d, class: keyframe)) }
                return c == 0 ? 0 : unzigzag(m.decode(&d, class: c))
            }
            if predictor != .previous && predictor != .linear {
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = residual(r) }
                try later.add(s, predictor, scale: scale, residuals, template: t)
                continue
            }
            later.plain.insert(s)
            var a: Int64 = 0
            var b: Int64 = 0
            for r in 0..<rows {
                let p: Int64 = predictor == .previous ? a : (r == 0 ? 0 : (r == 1 ? a : (a &* 2) &- b))
                let x = p &+ residual(r)
                values[r &* slotCount &+ s] = x
                b = a
                a = x
            }
        }
        if d.overrun > 8 { throw NVRCorrupt("arithmetic-coded stream ends early") }
        try finishDecode(slots: slots, template: t, slotCount: slotCount, rows: rows, stringCount: stringCount, later: later, kinds: kinds, values: &values)
    }

    /// The columns decoded after the plain ones (predictor 0 and 1), checked as they come.
    struct Later {
        var plain = Set<Int>()
        var derived: [(slot: Int, residuals: [Int64])] = []
        var turned: [(slot: Int, residuals: [Int64])] = []
        var moved: [(slot: Int, scale: Int64, residuals: [Int64])] = []
        var oriented: [Int: [Int64]] = [:]

        mutating func add(_ s: Int, _ predictor: Predictor, scale: Int64, _ residuals: [Int64], template t: NVRTemplate) throws(NVRCorrupt) {
            switch predictor {
            case .previous, .linear:
                plain.insert(s)
            case .role:
                guard t.roles[s] != .none else { throw NVRCorrupt("slot \(s): role predictor on a slot without a role") }
                derived.append((s, residuals))
            case .turn:
                guard t.turns[s] != nil else { throw NVRCorrupt("slot \(s): turn predictor on a slot that is not an orientation") }
                turned.append((s, residuals))
            case .velocity:
                guard t.velocities[s] != nil else { throw NVRCorrupt("slot \(s): velocity predictor on a slot without a velocity") }
                guard scale >= -NVRColumnCoding.maxScale && scale <= NVRColumnCoding.maxScale else { throw NVRCorrupt("slot \(s): velocity scale \(scale) out of range") }
                moved.append((s, scale, residuals))
            case .orient:
                guard t.turns[s] != nil else { throw NVRCorrupt("slot \(s): orientation predictor on a slot that is not an orientation") }
                oriented[s] = residuals
            }
        }
    }

    @inline(__always)
    static func unzigzag(_ z: UInt64) -> Int64 { Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1) }

    /// Decodes the columns of `slots` from `input` into the row-major `kinds`/`values`
    /// (already sized `rows * slotCount`), then checks every value against its kind.
    static func decode(
        slots: [Int], template t: NVRTemplate, version: Int, slotCount: Int, rows: Int, stringCount: Int,
        from input: inout NVRByteReader, kinds: inout [UInt8], values: inout [Int64]
    ) throws(NVRCorrupt) {
        guard rows > 0 else { return }
        var later = Later()
        for s in slots {
            let kindByte = try input.u8()
            if kindByte == mixedKinds {
                for r in 0..<rows {
                    let kind = try input.u8()
                    guard kind < NVRValueKind.count(version: version) else { throw NVRCorrupt("slot \(s): unknown value kind \(kind)") }
                    kinds[r &* slotCount &+ s] = kind
                }
            } else {
                guard kindByte < NVRValueKind.count(version: version) else { throw NVRCorrupt("slot \(s): unknown value kind \(kindByte)") }
                for r in 0..<rows { kinds[r &* slotCount &+ s] = kindByte }
            }
            let code = try input.u8()
            guard code <= maxPredictor(version: version), let predictor = Predictor(rawValue: code) else {
                throw NVRCorrupt("slot \(s): unknown predictor \(code)")
            }
            if predictor != .previous && predictor != .linear {
                let scale: Int64 = try predictor == .velocity ? input.signed() : 0
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = try input.signed() }
                try later.add(s, predictor, scale: scale, residuals, template: t)
                continue
            }
            later.plain.insert(s)
            var a: Int64 = 0
            var b: Int64 = 0
            for r in 0..<rows {
                let p: Int64 = predictor == .previous ? a : (r == 0 ? 0 : (r == 1 ? a : (a &* 2) &- b))
                let x = p &+ (try input.signed())
                values[r &* slotCount &+ s] = x
                b = a
                a = x
            }
        }
        try finishDecode(slots: slots, template: t, slotCount: slotCount, rows: rows, stringCount: stringCount, later: later, kinds: kinds, values: &values)
    }

    /// Fills the turn, orientation, velocity and role columns (in that order), then
    /// range-checks every value against its kind.
    static func finishDecode(
        slots: [Int], template t: NVRTemplate, slotCount: Int, rows: Int, stringCount: Int, later: Later, kinds: [UInt8],
        values: inout [Int64]
    ) throws(NVRCorrupt) {
        let roles = t.roles
        let turns = t.turns
        let derived = later.derived
        let turned = later.turned
        // Orientation objects: all six up/forward columns or none.
        var objects: [(turn: NVRTurn, residuals: [[Int64]])] = []
        for s in slots {
            guard later.oriented[s] != nil, let object = turns[s], object.slot == object.u0 else { continue }
            var columns: [[Int64]] = []
            for x in [object.u0, object.u1, object.u2, object.f0, object.f1, object.f2] {
                guard let c = later.oriented[x], let tx = turns[x], tx.u0 == object.u0, tx.f0 == object.f0 else {
                    throw NVRCorrupt("slot \(x): an orientation object with the orientation predictor on only some columns")
                }
                columns.append(c)
            }
            objects.append((object, columns))
        }
        guard objects.count * 6 == later.oriented.count else { throw NVRCorrupt("orientation predictor on a partial object") }
        for (s, _, _) in later.moved where !later.plain.contains(t.velocities[s]!) {
            throw NVRCorrupt("slot \(s): its velocity column is not in this stream or not a plain column")
        }
        // Turn columns and orientation objects row by row (each row reads the two before it of
        // up to six columns), then velocities (the previous row and the plain velocity column),
        // then the roles, which read the same row.
        if !turned.isEmpty || !objects.isEmpty {
            kinds.withUnsafeBufferPointer { kb in
                values.withUnsafeMutableBufferPointer { vb in
                    var res = [Int64](repeating: 0, count: 6)
                    for r in 0..<rows {
                        for (s, residuals) in turned {
                            let p = turn(turns[s]!, kb.baseAddress!, UnsafePointer(vb.baseAddress!), row: r, slotCount: slotCount)
                            vb[r &* slotCount &+ s] = p &+ residuals[r]
                        }
                        for (object, columns) in objects {
                            for i in 0..<6 { res[i] = columns[i][r] }
                            res.withUnsafeMutableBufferPointer { rb in
                                orientRow(object, kb.baseAddress!, vb.baseAddress!, row: r, slotCount: slotCount, residuals: rb.baseAddress!, decode: true)
                            }
                        }
                    }
                }
            }
        }
        if !later.moved.isEmpty {
            values.withUnsafeMutableBufferPointer { vb in
                for (s, scale, residuals) in later.moved {
                    let source = t.velocities[s]!
                    for r in 0..<rows {
                        let p = velocityPrediction(s, source, UnsafePointer(vb.baseAddress!), row: r, slotCount: slotCount, scale: scale)
                        vb[r &* slotCount &+ s] = p &+ residuals[r]
                    }
                }
            }
        }
        if !derived.isEmpty {
            kinds.withUnsafeBufferPointer { kb in
                values.withUnsafeMutableBufferPointer { vb in
                    for (s, residuals) in derived {
                        let role = roles[s]
                        for r in 0..<rows {
                            let row = r &* slotCount
                            vb[row &+ s] = rolePrediction(role, kb.baseAddress! + row, UnsafePointer(vb.baseAddress! + row)) &+ residuals[r]
                        }
                    }
                }
            }
        }
        // Range checks, so spelling never meets a value its kind cannot hold.
        for s in slots {
            for r in 0..<rows {
                let i = r &* slotCount &+ s
                let x = values[i]
                switch NVRValueKind(rawValue: kinds[i])! {
                case .grid, .gridDivide:
                    guard x >= -NVRNumbers.gridLimit && x <= NVRNumbers.gridLimit else { throw NVRCorrupt("slot \(s) row \(r): grid value \(x) out of range") }
                case .float32:
                    guard NVRNumbers.float(ordered: x) != nil else { throw NVRCorrupt("slot \(s) row \(r): float32 value \(x) out of range") }
                case .string, .rawNumber:
                    guard x >= 0 && x < Int64(stringCount) else { throw NVRCorrupt("slot \(s) row \(r): string \(x) of \(stringCount)") }
                case .literal:
                    guard x >= 0 && x <= 2 else { throw NVRCorrupt("slot \(s) row \(r): literal \(x)") }
                case .clock:
                    guard x >= 0 && x <= NVRNumbers.clockLimit else { throw NVRCorrupt("slot \(s) row \(r): clock value \(x) out of range") }
                case .integer:
                    break
                }
            }
        }
    }
}
