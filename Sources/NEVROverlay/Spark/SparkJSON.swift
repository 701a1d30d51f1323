import NEVRGameAPI
import NEVRHub

/// A small JSON value with ordered object members, for the Spark-compatible
/// documents (`/stats`, event messages): Spark's clients read keys by name, but a
/// fixed order keeps the output deterministic and diffable.
public indirect enum SparkJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Written with Swift's shortest round-trip spelling; non-finite values as `null`
    /// (JSON has no NaN, and an overlay must never receive an unparsable document).
    case double(Double)
    case string(String)
    case array([SparkJSON])
    case object([(String, SparkJSON)])

    /// Equal when they spell the same bytes (object key order counts).
    public static func == (a: SparkJSON, b: SparkJSON) -> Bool { a.bytes == b.bytes }

    /// `.int` from any integer (clamped into Int64, never trapping).
    public static func integer<I: BinaryInteger>(_ v: I) -> SparkJSON {
        .int(Int64(clamping: v))
    }

    /// The compact UTF-8 text.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    /// The compact text as a `String`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends the compact text to `out`.
    public func append(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite {
                // Integral values keep a ".0" so clients that test for floats see one.
                out.append(contentsOf: String(d).utf8)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let s): Self.appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.append(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The member `key` of an object (first match), for tests and lookups.
    public subscript(key: String) -> SparkJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        // The hub's escaping (quotes, backslash, control characters), so both speak one dialect.
        StreamJSON.appendString(s, into: &out)
    }
}
