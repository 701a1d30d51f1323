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

    /// The first of `keys` holding a finite number.
    func double(_ keys: String...) -> Double? {
        for k in keys {
            if let n = values[k] as? NSNumber, n.doubleValue.isFinite { return n.doubleValue }
        }
        return nil
    }

    /// The first of `keys` holding an integral number that fits `Int`.
    func int(_ keys: String...) -> Int? {
        for k in keys {
            if let n = values[k] as? NSNumber, n.doubleValue.isFinite, abs(n.doubleValue) < 1e15 {
                let i = Int(n.doubleValue.rounded(.towardZero))
                return i
            }
        }
        return nil
    }

    /// The first of `keys` holding a string.
    func string(_ keys: String...) -> String? {
        for k in keys { if let s = values[k] as? String { return s } }
        return nil
    }
}
