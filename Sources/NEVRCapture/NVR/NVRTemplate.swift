/// A parsed template: the JSON text of a frame with each value replaced by the marker byte
/// 0x01 (see ``NVRTokenizer``), with what the codec derives from it: the literal runs between
/// values (to rebuild text), the column group and prediction role of every value slot
/// (``NVRColumnTable``), and the byte and slot ranges of the top-level members (for projection).
///
/// Templates come from files too, so parsing is fully checked: anything but JSON with
/// markers in value positions (nesting at most ``NVRTokenizer/maxDepth``) is rejected.
@usableFromInline
final class NVRTemplate: @unchecked Sendable {
    indirect enum Node {
        case slot(Int)
        case object([(key: [UInt8], node: Node)])
        case array([Node])
    }

    /// A top-level member of a root object: `"key":value` as template bytes and its slots.
    struct Member {
        var key: [UInt8]
        var bytes: Range<Int>
        var slots: Range<Int>
        var group: NVRColumnGroup
    }

    let bytes: [UInt8]
    let slotCount: Int
    /// Literal run `i` ends where slot `i` stands; run `slotCount` ends the text.
    let literalEnds: [Int]
    let roles: [NVRRole]
    /// Slots that may use the turn predictor (orientation `up`/`forward` components).
    let turns: [NVRTurn?]
    /// Slots that may use the velocity predictor (format version 2): the velocity slot each reads.
    let velocities: [Int?]
    let groups: [NVRColumnGroup]
    /// Each slot's sibling (format version 3): the nearest earlier slot with the same path.
    let siblings: [Int?]
    let members: [Member]
    let isBones: Bool

    struct Malformed: Error {
        var offset: Int
    }

    init(bytes: [UInt8], bones: Bool) throws(Malformed) {
        self.bytes = bytes
        self.isBones = bones
        var ends: [Int] = []
        for (i, b) in bytes.enumerated() where b == NVRTokenizer.slotMarker { ends.append(i) }
        ends.append(bytes.count)
        literalEnds = ends
        slotCount = ends.count - 1
        var parser = Parser(bytes: bytes)
        let root = try parser.document()
        guard parser.slot == slotCount else { throw Malformed(offset: 0) }
        var members: [Member] = []
        var groups = [NVRColumnGroup](repeating: bones ? .bones : .misc, count: slotCount)
        if !bones, case .object = root {
            for m in parser.topMembers {
                let group = NVRColumnTable.group(ofTopLevelKey: m.key)
                for s in m.slots { groups[s] = group }
                members.append(Member(key: m.key, bytes: m.bytes, slots: m.slots, group: group))
            }
        }
        self.groups = groups
        self.members = members
        var roles = [NVRRole](repeating: .none, count: slotCount)
        NVRColumnTable.assignRoles(root, &roles)
        // A role may only read slots that are themselves predicted from earlier frames alone,
        // so a decoder can fill every role-less column first and the derived ones after.
        let base = roles
        for s in 0..<slotCount {
            switch base[s] {
            case .none: break
            case .copy(let src): if base[src] != .none { roles[s] = .none }
            case .cross(let u, let f, _): if (u + f).contains(where: { base[$0] != .none }) { roles[s] = .none }
            }
        }
        self.roles = roles
        var turns = [NVRTurn?](repeating: nil, count: slotCount)
        NVRColumnTable.assignTurns(root, &turns)
        // A slot with a role (a cross or copy target) keeps its role.
        for s in 0..<slotCount where roles[s] != .none { turns[s] = nil }
        self.turns = turns
        // Velocity sources must be plain columns (no role, turn or velocity of their own) and
        // targets must have neither role nor turn, so one pass after the plain columns decodes them.
        var velocities = [Int?](repeating: nil, count: slotCount)
        NVRColumnTable.assignVelocities(root, &velocities)
        let proposed = velocities
        for s in 0..<slotCount {
            guard let v = proposed[s] else { continue }
            if roles[s] != .none || turns[s] != nil || roles[v] != .none || turns[v] != nil || proposed[v] != nil || v == s {
                velocities[s] = nil
            }
        }
        self.velocities = velocities
        siblings = NVRColumnTable.siblings(root, slotCount: slotCount)
    }

    /// Recursive-descent parser over template bytes.
    struct Parser {
        let bytes: [UInt8]
        var p = 0
        var slot = 0
        var topMembers: [(key: [UInt8], bytes: Range<Int>, slots: Range<Int>)] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func ws() {
            while p < bytes.count, bytes[p] == 0x20 || bytes[p] == 0x0A || bytes[p] == 0x0D || bytes[p] == 0x09 { p += 1 }
        }

        mutating func document() throws(Malformed) -> Node {
            let n = try value(depth: 0)
            ws()
            guard p == bytes.count else { throw Malformed(offset: p) }
            return n
        }

        mutating func key() throws(Malformed) -> [UInt8] {
            guard p < bytes.count, bytes[p] == 0x22 else { throw Malformed(offset: p) }
            let start = p + 1
            p += 1
            while p < bytes.count {
                let c = bytes[p]
                if c == 0x22 {
                    p += 1
                    return Array(bytes[start..<(p - 1)])
                }
                if c < 0x20 { throw Malformed(offset: p) }
                p += c == 0x5C ? 2 : 1
            }
            throw Malformed(offset: p)
        }

        mutating func value(depth: Int) throws(Malformed) -> Node {
            ws()
            guard p < bytes.count else { throw Malformed(offset: p) }
            let c = bytes[p]
            if c == NVRTokenizer.slotMarker {
                p += 1
                slot += 1
                return .slot(slot - 1)
            }
            guard c == 0x7B || c == 0x5B, depth < NVRTokenizer.maxDepth else { throw Malformed(offset: p) }
            let isObject = c == 0x7B
            let close: UInt8 = isObject ? 0x7D : 0x5D
            p += 1
            ws()
            var members: [(key: [UInt8], node: Node)] = []
            var elements: [Node] = []
            if p < bytes.count, bytes[p] == close {
                p += 1
                return isObject ? .object([]) : .array([])
            }
            while true {
                if isObject {
                    ws()
                    let memberStart = p
                    let firstSlot = slot
                    let k = try key()
                    ws()
                    guard p < bytes.count, bytes[p] == 0x3A else { throw Malformed(offset: p) }
                    p += 1
                    let node = try value(depth: depth + 1)
                    if depth == 0 { topMembers.append((k, memberStart..<p, firstSlot..<slot)) }
                    members.append((k, node))
                } else {
                    elements.append(try value(depth: depth + 1))
                }
                ws()
                guard p < bytes.count else { throw Malformed(offset: p) }
                if bytes[p] == 0x2C {
                    p += 1
                    continue
                }
                guard bytes[p] == close else { throw Malformed(offset: p) }
                p += 1
                return isObject ? .object(members) : .array(elements)
            }
        }
    }
}
