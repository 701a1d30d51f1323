import Foundation
import NEVRCore

// The field-by-field comparison behind `RecordingDiff`: both sessions written as the game's JSON
// (`GameJSONWriter`, so one spelling per value) and walked side by side over their bytes.
//
// Why not `JSONSerialization` and flattened dictionaries (the first version): two recordings of
// different matches differ in hundreds of leaves per frame, and building `[String: Any]` trees,
// a path string per leaf and a sorted key union per frame cost ~17 ms per frame pair in a debug
// build (a 30 s match against another took 37 s). The walk pairs object members by position when
// both sides have the same keys in the same order (always, for two frames of one writer), builds
// a path string only for a leaf that differs, and compares leaves as their JSON text first.

extension RecordingDiff {
    /// Running totals per path group while frames are compared.
    struct Tally {
        /// Group path bytes (`teams[].players[].name`) -> position in ``summaries``.
        var index: [[UInt8]: Int] = [:]
        var summaries: [PathSummary] = []
        /// The pair number that last counted a frame for each summary (one count per pair).
        var lastPair: [Int] = []
        var pair = 0
        var pairA = 0, pairB = 0
        var differed = false

        /// One differing leaf: `path` its full path, `group` the same with indices blanked, `a`/`b`
        /// its JSON text on each side (nil: absent there), `difference` the numeric one (0: none).
        mutating func note(_ path: [UInt8], _ group: [UInt8], _ a: UnsafeRawBufferPointer?, _ b: UnsafeRawBufferPointer?, difference: Double) {
            let i: Int
            if let known = index[group] {
                i = known
            } else {
                i = summaries.count
                index[group] = i
                summaries.append(PathSummary(path: String(decoding: group, as: UTF8.self)))
                lastPair.append(-1)
            }
            if a == nil { summaries[i].onlyInB += 1 } else if b == nil { summaries[i].onlyInA += 1 }
            if difference > summaries[i].maxDifference { summaries[i].maxDifference = difference }
            if summaries[i].example.isEmpty {
                summaries[i].first = (pairA, pairB)
                let text = { (v: UnsafeRawBufferPointer?) in v.map { String(decoding: $0, as: UTF8.self) } ?? "absent" }
                summaries[i].example = "\(String(decoding: path, as: UTF8.self)): \(text(a)) vs \(text(b))"
            }
            if lastPair[i] != pair {
                lastPair[i] = pair
                summaries[i].frames += 1
            }
            differed = true
        }
    }

    /// Compares two sessions into `tally`; returns whether anything differed.
    static func compare(_ a: Session, _ b: Session, _ tally: inout Tally) -> Bool {
        guard a != b else { return false }
        tally.differed = false
        let x = GameJSONWriter.bytes(a), y = GameJSONWriter.bytes(b)
        x.withUnsafeBytes { xa in
            y.withUnsafeBytes { yb in
                var path = Path()
                walk(xa, yb, &path, &tally)
            }
        }
        return tally.differed
    }

    /// The JSON path being walked, and the same with array indices blanked (the group).
    struct Path {
        var full: [UInt8] = []
        var group: [UInt8] = []
        init() {
            full.reserveCapacity(96)
            group.reserveCapacity(64)
        }
        var mark: (Int, Int) { (full.count, group.count) }
        mutating func key(_ bytes: Slice<UnsafeRawBufferPointer>) {
            if !full.isEmpty {
                full.append(UInt8(ascii: "."))
                group.append(UInt8(ascii: "."))
            }
            full.append(contentsOf: bytes)
            group.append(contentsOf: bytes)
        }
        mutating func element(_ i: Int) {
            full.append(contentsOf: "[\(i)]".utf8)
            group.append(UInt8(ascii: "["))
            group.append(UInt8(ascii: "]"))
        }
        mutating func reset(_ m: (Int, Int)) {
            full.removeSubrange(m.0...)
            group.removeSubrange(m.1...)
        }
    }

    private enum Kind { case object, array, leaf }

    private static func kind(_ v: UnsafeRawBufferPointer) -> Kind {
        switch v.first {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        default: .leaf
        }
    }

    /// Compares the JSON values `a` and `b` (each a whole buffer) under `path`.
    private static func walk(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ path: inout Path, _ tally: inout Tally) {
        guard !a.elementsEqual(b) else { return }
        let ka = kind(a), kb = kind(b)
        guard ka == kb else {
            leaves(a, &path) { p, v in tally.note(p.full, p.group, v, nil, difference: 0) }
            leaves(b, &path) { p, v in tally.note(p.full, p.group, nil, v, difference: 0) }
            return
        }
        switch ka {
        case .leaf:
            if let p = number(a), let q = number(b) {
                let d = abs(p - q)
                if d != 0 { tally.note(path.full, path.group, a, b, difference: d) }
            } else {
                tally.note(path.full, path.group, a, b, difference: 0)
            }
        case .array:
            let ea = (try? JSONMembers.array(a)) ?? [], eb = (try? JSONMembers.array(b)) ?? []
            let mark = path.mark
            for i in 0..<max(ea.count, eb.count) {
                path.element(i)
                switch (i < ea.count, i < eb.count) {
                case (true, true): walk(slice(a, ea[i]), slice(b, eb[i]), &path, &tally)
                case (true, false): leaves(slice(a, ea[i]), &path) { p, v in tally.note(p.full, p.group, v, nil, difference: 0) }
                default: leaves(slice(b, eb[i]), &path) { p, v in tally.note(p.full, p.group, nil, v, difference: 0) }
                }
                path.reset(mark)
            }
        case .object:
            let ma = (try? JSONMembers.object(a)) ?? [], mb = (try? JSONMembers.object(b)) ?? []
            let mark = path.mark
            // Same keys in the same order (one writer): pair by position, no lookups.
            if ma.count == mb.count, zip(ma, mb).allSatisfy({ a[$0.key].elementsEqual(b[$1.key]) }) {
                for (x, y) in zip(ma, mb) {
                    path.key(a[x.key])
                    walk(slice(a, x.value), slice(b, y.value), &path, &tally)
                    path.reset(mark)
                }
                return
            }
            var rest = mb
            for x in ma {
                path.key(a[x.key])
                if let j = rest.firstIndex(where: { b[$0.key].elementsEqual(a[x.key]) }) {
                    walk(slice(a, x.value), slice(b, rest[j].value), &path, &tally)
                    rest.remove(at: j)
                } else {
                    leaves(slice(a, x.value), &path) { p, v in tally.note(p.full, p.group, v, nil, difference: 0) }
                }
                path.reset(mark)
            }
            for y in rest {
                path.key(b[y.key])
                leaves(slice(b, y.value), &path) { p, v in tally.note(p.full, p.group, nil, v, difference: 0) }
                path.reset(mark)
            }
        }
    }

    /// Every leaf under `v` with its path (an empty object or array has none).
    private static func leaves(_ v: UnsafeRawBufferPointer, _ path: inout Path, _ body: (Path, UnsafeRawBufferPointer) -> Void) {
        let mark = path.mark
        switch kind(v) {
        case .leaf:
            body(path, v)
        case .array:
            for (i, e) in ((try? JSONMembers.array(v)) ?? []).enumerated() {
                path.element(i)
                leaves(slice(v, e), &path, body)
                path.reset(mark)
            }
        case .object:
            for m in (try? JSONMembers.object(v)) ?? [] {
                path.key(v[m.key])
                leaves(slice(v, m.value), &path, body)
                path.reset(mark)
            }
        }
    }

    private static func slice(_ v: UnsafeRawBufferPointer, _ r: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: v[r])
    }

    /// A JSON number's value (the text is the writer's, so it is a valid JSON number when it starts
    /// like one); nil for strings, literals and anything else.
    static func number(_ text: UnsafeRawBufferPointer) -> Double? {
        guard let c = text.first, c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")),
              text.count < 64 else { return nil }
        // strtod needs a terminated string: the writer's numbers are short, so a stack copy.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer in
            for (i, byte) in text.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + text.count ? value : nil
        }
    }
}
