/// Column coding inside a block (docs/nvr-format.md "Columns"): per slot, the kinds (one byte
/// when uniform), the predictor chosen for this block (previous value, linear extrapolation from
/// the two previous values, or the slot's role), and one zigzag varint residual per row.
enum NVRColumnCoding {
    enum Predictor: UInt8 {
        case previous = 0
        case linear = 1
        case role = 2
        /// Constant-rotation extrapolation of an orientation component (``turn(_:_:_:row:slotCount:)``).
        case turn = 3
    }

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
        for x in [t.u0, t.u1, t.u2, t.f0, t.f1, t.f2] {
            let k1 = k[r1 &+ x], k2 = k[r2 &+ x]
            guard k1 == NVRValueKind.grid.rawValue || k1 == NVRValueKind.gridDivide.rawValue,
                k2 == NVRValueKind.grid.rawValue || k2 == NVRValueKind.gridDivide.rawValue
            else { return linear }
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
        let p = dot3(a0, x1.0, a1, x1.1, a2, x1.2)
        let q = (p * 1000.0 + 0.5).rounded(.down)
        guard q.isFinite, abs(q) < 9.0e15 else { return linear }
        return Int64(q)
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
        _ s: Int, role: NVRRole, turn: NVRTurn?, _ k: UnsafePointer<UInt8>, _ v: UnsafePointer<Int64>, slotCount: Int, rows: Int,
        into residuals: inout [Int64]
    ) -> Predictor {
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
        var predictor: Predictor = costLinear < costPrevious ? .linear : .previous
        var best = min(costLinear, costPrevious)
        if costRole < best {
            predictor = .role
            best = costRole
        }
        if costTurn < best { predictor = .turn }
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
            }
            residuals[r] = x &- p
            b = a
            a = x
        }
        return predictor
    }

    /// Appends the columns of `slots` (rows of `slotCount` values each) to `out`.
    static func encode(
        slots: [Int], roles: [NVRRole], turns: [NVRTurn?], kinds: [UInt8], values: [Int64], slotCount: Int, rows: Int,
        into out: inout NVRByteWriter
    ) {
        guard rows > 0 else { return }
        var residuals = [Int64](repeating: 0, count: rows)
        kinds.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { vb in
                let k = kb.baseAddress!
                let v = vb.baseAddress!
                for s in slots {
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
                    let predictor = NVRColumnCoding.residuals(s, role: roles[s], turn: turns[s], k, v, slotCount: slotCount, rows: rows, into: &residuals)
                    out.u8(predictor.rawValue)
                    for r in 0..<rows { out.signed(residuals[r]) }
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

    /// Arithmetic-coded columns (stream method 2): the same columns as ``encode``, with the
    /// header symbols and residuals coded by adaptive binary models shared by the stream.
    static func encodeArithmetic(
        slots: [Int], roles: [NVRRole], turns: [NVRTurn?], kinds: [UInt8], values: [Int64], slotCount: Int, rows: Int
    ) -> [UInt8] {
        var e = NVRRangeEncoder(capacity: slots.count * rows / 2 + 64)
        var m = NVRColumnModels()
        guard rows > 0 else { return e.finish() }
        var residuals = [Int64](repeating: 0, count: rows)
        kinds.withUnsafeBufferPointer { kb in
            values.withUnsafeBufferPointer { vb in
                let k = kb.baseAddress!
                let v = vb.baseAddress!
                for s in slots {
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
                    let predictor = NVRColumnCoding.residuals(s, role: roles[s], turn: turns[s], k, v, slotCount: slotCount, rows: rows, into: &residuals)
                    NVRColumnModels.encodeTree(&e, &m.predictor, base: Int(first) * 4, bits: 2, Int(predictor.rawValue))
                    let c = residualClass(residuals, rows: rows)
                    NVRColumnModels.encodeTree(&e, &m.klass, base: Int(first) * 16, bits: 4, c)
                    for r in 0..<rows { m.encode(&e, NVRByteWriter.zigzag(residuals[r]), class: c) }
                }
            }
        }
        return e.finish()
    }

    /// Decodes arithmetic-coded columns (the inverse of ``encodeArithmetic``) into the
    /// row-major `kinds`/`values`, then checks them like ``decode``.
    static func decodeArithmetic(
        slots: [Int], roles: [NVRRole], turns: [NVRTurn?], slotCount: Int, rows: Int, stringCount: Int,
        from bytes: [UInt8], kinds: inout [UInt8], values: inout [Int64]
    ) throws(NVRCorrupt) {
        guard rows > 0 else { return }
        var d = NVRRangeDecoder(bytes, from: 0, to: bytes.count)
        var m = NVRColumnModels()
        var derived: [(slot: Int, residuals: [Int64])] = []
        var turned: [(slot: Int, residuals: [Int64])] = []
        for s in slots {
            let mixed = d.bit(&m.mixed[0])
            var first: Int
            if !mixed {
                first = NVRColumnModels.decodeTree(&d, &m.kind, base: m.previousKind * 8, bits: 3)
                guard first < Int(NVRValueKind.count) else { throw NVRCorrupt("slot \(s): unknown value kind \(first)") }
                for r in 0..<rows { kinds[r &* slotCount &+ s] = UInt8(first) }
            } else {
                first = 0
                for r in 0..<rows {
                    let kind = NVRColumnModels.decodeTree(&d, &m.rowKind, base: 0, bits: 3)
                    guard kind < Int(NVRValueKind.count) else { throw NVRCorrupt("slot \(s): unknown value kind \(kind)") }
                    if r == 0 { first = kind }
                    kinds[r &* slotCount &+ s] = UInt8(kind)
                }
            }
            m.previousKind = first
            guard let predictor = Predictor(rawValue: UInt8(NVRColumnModels.decodeTree(&d, &m.predictor, base: first * 4, bits: 2))) else {
                throw NVRCorrupt("slot \(s): unknown predictor")
            }
            let c = NVRColumnModels.decodeTree(&d, &m.klass, base: first * 16, bits: 4)
            if d.overrun > 8 { throw NVRCorrupt("arithmetic-coded stream ends early") }
            if predictor == .role {
                guard roles[s] != .none else { throw NVRCorrupt("slot \(s): role predictor on a slot without a role") }
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = unzigzag(m.decode(&d, class: c)) }
                derived.append((s, residuals))
                continue
            }
            if predictor == .turn {
                guard turns[s] != nil else { throw NVRCorrupt("slot \(s): turn predictor on a slot that is not an orientation") }
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = unzigzag(m.decode(&d, class: c)) }
                turned.append((s, residuals))
                continue
            }
            var a: Int64 = 0
            var b: Int64 = 0
            for r in 0..<rows {
                let p: Int64 = predictor == .previous ? a : (r == 0 ? 0 : (r == 1 ? a : (a &* 2) &- b))
                let x = p &+ unzigzag(m.decode(&d, class: c))
                values[r &* slotCount &+ s] = x
                b = a
                a = x
            }
        }
        if d.overrun > 8 { throw NVRCorrupt("arithmetic-coded stream ends early") }
        try finishDecode(slots: slots, roles: roles, turns: turns, slotCount: slotCount, rows: rows, stringCount: stringCount, derived: derived, turned: turned, kinds: kinds, values: &values)
    }

    @inline(__always)
    static func unzigzag(_ z: UInt64) -> Int64 { Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1) }

    /// Decodes the columns of `slots` from `input` into the row-major `kinds`/`values`
    /// (already sized `rows * slotCount`), then checks every value against its kind.
    static func decode(
        slots: [Int], roles: [NVRRole], turns: [NVRTurn?], slotCount: Int, rows: Int, stringCount: Int,
        from input: inout NVRByteReader, kinds: inout [UInt8], values: inout [Int64]
    ) throws(NVRCorrupt) {
        guard rows > 0 else { return }
        var derived: [(slot: Int, residuals: [Int64])] = []
        var turned: [(slot: Int, residuals: [Int64])] = []
        for s in slots {
            let kindByte = try input.u8()
            if kindByte == mixedKinds {
                for r in 0..<rows {
                    let kind = try input.u8()
                    guard kind < NVRValueKind.count else { throw NVRCorrupt("slot \(s): unknown value kind \(kind)") }
                    kinds[r &* slotCount &+ s] = kind
                }
            } else {
                guard kindByte < NVRValueKind.count else { throw NVRCorrupt("slot \(s): unknown value kind \(kindByte)") }
                for r in 0..<rows { kinds[r &* slotCount &+ s] = kindByte }
            }
            guard let predictor = Predictor(rawValue: try input.u8()) else { throw NVRCorrupt("slot \(s): unknown predictor") }
            if predictor == .role {
                guard roles[s] != .none else { throw NVRCorrupt("slot \(s): role predictor on a slot without a role") }
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = try input.signed() }
                derived.append((s, residuals))
                continue
            }
            if predictor == .turn {
                guard turns[s] != nil else { throw NVRCorrupt("slot \(s): turn predictor on a slot that is not an orientation") }
                var residuals = [Int64](repeating: 0, count: rows)
                for r in 0..<rows { residuals[r] = try input.signed() }
                turned.append((s, residuals))
                continue
            }
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
        try finishDecode(slots: slots, roles: roles, turns: turns, slotCount: slotCount, rows: rows, stringCount: stringCount, derived: derived, turned: turned, kinds: kinds, values: &values)
    }

    /// Fills the role-predicted columns, then range-checks every value against its kind.
    static func finishDecode(
        slots: [Int], roles: [NVRRole], turns: [NVRTurn?], slotCount: Int, rows: Int, stringCount: Int,
        derived: [(slot: Int, residuals: [Int64])], turned: [(slot: Int, residuals: [Int64])], kinds: [UInt8], values: inout [Int64]
    ) throws(NVRCorrupt) {
        // Turn columns row by row (each row reads the two before it of up to six columns),
        // then the roles, which read the same row.
        if !turned.isEmpty {
            kinds.withUnsafeBufferPointer { kb in
                values.withUnsafeMutableBufferPointer { vb in
                    for r in 0..<rows {
                        for (s, residuals) in turned {
                            let p = turn(turns[s]!, kb.baseAddress!, UnsafePointer(vb.baseAddress!), row: r, slotCount: slotCount)
                            vb[r &* slotCount &+ s] = p &+ residuals[r]
                        }
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
                case .integer:
                    break
                }
            }
        }
    }
}
