/// The `.nvr` column table: which stream a value goes to and which values are predicted from
/// others in the same frame. This is the one place that knows game field names; everything
/// else in the codec works on templates. (When the one-schema generator lands, these rules
/// can be generated from its field table; the rules themselves are part of the file format,
/// docs/nvr-format.md "Column groups" and "Roles", so changing them needs a new format version.)
@usableFromInline
enum NVRColumnGroup: UInt8, Sendable, CaseIterable {
    /// Top-level scalars and small objects: clock, scores, status, pause, last throw/score, ...
    case misc = 0
    /// The `disc` object.
    case disc = 1
    /// The `teams` array: players' kinematics, stats, names.
    case teams = 2
    /// `/player_bones`.
    case bones = 3

    /// The block stream holding this group's columns.
    var stream: NVRStreamID {
        switch self {
        case .misc: .misc
        case .disc: .disc
        case .teams: .teams
        case .bones: .bones
        }
    }
}

/// How a slot is predicted besides the previous frames (docs/nvr-format.md "Roles").
@usableFromInline
enum NVRRole: Hashable, Sendable {
    case none
    /// Same value as another slot of the frame (`body.position[i]` = `head.position[i]`).
    case copy(Int)
    /// Component `component` of `up x forward` on the 1/1000 grid (`left`, `vr_left`).
    case cross(up: [Int], forward: [Int], component: Int)
}

/// An orientation component predicted by constant-rotation extrapolation (predictor 3,
/// docs/nvr-format.md "Turn predictor"): the `up` and `forward` triples of one object whose
/// `left`, `up` and `forward` are all arrays of three values.
@usableFromInline
struct NVRTurn: Hashable, Sendable {
    var u0: Int, u1: Int, u2: Int
    var f0: Int, f1: Int, f2: Int
    /// 0: this slot is `up[component]`; 1: `forward[component]`.
    var vector: Int
    var component: Int

    /// The slot this entry predicts.
    var slot: Int {
        switch (vector, component) {
        case (0, 0): u0
        case (0, 1): u1
        case (0, _): u2
        case (_, 0): f0
        case (_, 1): f1
        default: f2
        }
    }
}

enum NVRColumnTable {
    static func group(ofTopLevelKey key: [UInt8]) -> NVRColumnGroup {
        if key == Array("disc".utf8) { return .disc }
        if key == Array("teams".utf8) { return .teams }
        return .misc
    }

    typealias Node = NVRTemplate.Node

    static func member(_ members: [(key: [UInt8], node: Node)], _ name: String) -> Node? {
        let k = Array(name.utf8)
        for m in members where m.key == k { return m.node }
        return nil
    }

    /// The three slots of an array of exactly three values.
    static func triple(_ node: Node?) -> [Int]? {
        guard case .array(let elements)? = node, elements.count == 3 else { return nil }
        var slots: [Int] = []
        for e in elements {
            guard case .slot(let s) = e else { return nil }
            slots.append(s)
        }
        return slots
    }

    /// Walks the template tree and marks the `up`/`forward` slots that may use the turn
    /// predictor (the same objects whose `left` gets the cross role).
    static func assignTurns(_ node: Node, _ turns: inout [NVRTurn?]) {
        switch node {
        case .slot:
            return
        case .array(let elements):
            for e in elements { assignTurns(e, &turns) }
        case .object(let members):
            for (left, up, forward) in [("left", "up", "forward"), ("vr_left", "vr_up", "vr_forward")] {
                if triple(member(members, left)) != nil, let u = triple(member(members, up)), let f = triple(member(members, forward)) {
                    for vector in 0..<2 {
                        for c in 0..<3 {
                            let t = NVRTurn(u0: u[0], u1: u[1], u2: u[2], f0: f[0], f1: f[1], f2: f[2], vector: vector, component: c)
                            turns[t.slot] = t
                        }
                    }
                }
            }
            for m in members { assignTurns(m.node, &turns) }
        }
    }

    /// Walks the template tree and marks the position slots predicted from a velocity of the
    /// same object (format version 2, docs/nvr-format.md "Velocity predictor"): an object with
    /// `head.position` and `velocity` (a player) or with `position` and `velocity` (the disc),
    /// all arrays of three values, gives `position[i]` the source `velocity[i]`.
    static func assignVelocities(_ node: Node, _ velocities: inout [Int?]) {
        switch node {
        case .slot:
            return
        case .array(let elements):
            for e in elements { assignVelocities(e, &velocities) }
        case .object(let members):
            if let v = triple(member(members, "velocity")) {
                var target = triple(member(members, "position"))
                if target == nil, case .object(let head)? = member(members, "head") { target = triple(member(head, "position")) }
                if let p = target {
                    for i in 0..<3 { velocities[p[i]] = v[i] }
                }
            }
            for m in members { assignVelocities(m.node, &velocities) }
        }
    }

    /// Walks the template tree and sets the roles (rules in docs/nvr-format.md).
    static func assignRoles(_ node: Node, _ roles: inout [NVRRole]) {
        switch node {
        case .slot:
            return
        case .array(let elements):
            for e in elements { assignRoles(e, &roles) }
        case .object(let members):
            for (left, up, forward) in [("left", "up", "forward"), ("vr_left", "vr_up", "vr_forward")] {
                if let l = triple(member(members, left)), let u = triple(member(members, up)),
                    let f = triple(member(members, forward))
                {
                    for i in 0..<3 { roles[l[i]] = .cross(up: u, forward: f, component: i) }
                }
            }
            if case .object(let head)? = member(members, "head"), case .object(let body)? = member(members, "body"),
                let h = triple(member(head, "position")), let b = triple(member(body, "position"))
            {
                for i in 0..<3 { roles[b[i]] = .copy(h[i]) }
            }
            for m in members { assignRoles(m.node, &roles) }
        }
    }

    /// Each slot's *sibling* (format version 3, docs/nvr-format.md "Siblings"): the nearest
    /// earlier slot with the same path, where the path is the member keys from the top down
    /// plus, for an element of an array whose elements are all slots, its position. So the
    /// sibling of a player's `head.position[1]` is the previous player's, and the columns of
    /// the ten players share their header symbols.
    static func siblings(_ root: Node, slotCount: Int) -> [Int?] {
        var out = [Int?](repeating: nil, count: slotCount)
        var last: [[UInt8]: Int] = [:]
        var path: [UInt8] = []
        func walk(_ node: Node) {
            switch node {
            case .slot(let s):
                out[s] = last[path]
                last[path] = s
            case .array(let elements):
                let vector = elements.allSatisfy { if case .slot = $0 { true } else { false } }
                for (i, e) in elements.enumerated() {
                    let mark = path.count
                    // 0x02 and 0x00 never occur in template keys (control bytes are refused).
                    if vector { path.append(0x02); path.append(contentsOf: Array(String(i).utf8)) }
                    walk(e)
                    path.removeSubrange(mark...)
                }
            case .object(let members):
                for m in members {
                    let mark = path.count
                    path.append(0x00)
                    path.append(contentsOf: m.key)
                    walk(m.node)
                    path.removeSubrange(mark...)
                }
            }
        }
        walk(root)
        return out
    }
}
