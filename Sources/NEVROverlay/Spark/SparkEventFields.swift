import Foundation

/// The fields of one `EventJSON` object, read generically, so event kinds added to the core
/// stream later (Spark-derived detectors) reach the overlay without code here knowing them.
/// Nested objects are flattened one level (`{"joust":{"max_speed":3}}` gives `max_speed`).
struct SparkEventFields {
    private var values: [String: Any] = [:]

    init(_ line: String) {
        guard let data = line.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return }
        for (k, v) in object {
            if let nested = v as? [String: Any] {
                for (nk, nv) in nested where values[nk] == nil { values[nk] = nv }
            }
            values[k] = v
        }
    }

    /// The first of `keys` holding a finite number (or a string spelling one: generic events carry
    /// their data as a string map).
    func double(_ keys: String...) -> Double? { number(keys) }

    private func number(_ keys: [String]) -> Double? {
        for k in keys {
            if let n = values[k] as? NSNumber, n.doubleValue.isFinite { return n.doubleValue }
            if let s = values[k] as? String, s.utf8.count <= 32, let d = Double(s), d.isFinite { return d }
        }
        return nil
    }

    /// The first of `keys` holding an integral number that fits `Int`.
    func int(_ keys: String...) -> Int? {
        guard let d = number(keys), abs(d) < 1e15 else { return nil }
        return Int(d.rounded(.towardZero))
    }

    /// The first of `keys` holding a string.
    func string(_ keys: String...) -> String? {
        for k in keys { if let s = values[k] as? String { return s } }
        return nil
    }
}
