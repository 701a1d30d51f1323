/// The NATS subjects of a hub cluster: one subject per match for its frames and one for its
/// header, under a common prefix that one JetStream stream captures (`<prefix>.>`).
///
/// A match id can hold any character, NATS subject tokens cannot (no `.`, `*`, `>`, whitespace),
/// so the id is escaped into one token: ASCII letters, digits and `-` stay, every other byte
/// becomes `_` and two hex digits. The escape is reversible, so the match list is read back from
/// the subjects alone.
public struct HubSubjects: Sendable, Hashable {
    /// The prefix, e.g. `nevr.hub`.
    public let prefix: String

    /// Subjects under `prefix` (dot-separated tokens of letters, digits, `-` and `_`).
    public init(prefix: String) throws(HubClusterError) {
        let tokens = prefix.split(separator: ".", omittingEmptySubsequences: false)
        guard !prefix.isEmpty, prefix.utf8.count <= 200,
            tokens.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isTokenByte) })
        else {
            throw HubClusterError.invalidConfiguration(
                "subject prefix \"\(prefix.prefix(80))\" must be dot-separated tokens of letters, digits, '-' and '_'")
        }
        self.prefix = prefix
    }

    /// What the cluster's stream captures.
    public var all: String { "\(prefix).>" }
    /// The frame subjects of every match.
    public var allFrames: String { "\(prefix).m.*" }
    /// The frame subject of one match.
    public func frames(_ match: String) -> String { "\(prefix).m.\(Self.token(match))" }
    /// The header subject of one match.
    public func header(_ match: String) -> String { "\(prefix).h.\(Self.token(match))" }

    /// The match of a frame subject (`<prefix>.m.<token>`); nil for any other subject.
    public func match(fromFrameSubject subject: String) -> String? {
        let head = "\(prefix).m."
        guard subject.hasPrefix(head) else { return nil }
        return Self.match(fromToken: subject.dropFirst(head.count))
    }

    /// The subject token of a match id.
    public static func token(_ match: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(match.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in match.utf8 {
            if b != UInt8(ascii: "_"), isTokenByte(b) {
                out.append(b)
            } else {
                out += [UInt8(ascii: "_"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        // An empty id still needs a token.
        return out.isEmpty ? "_" : String(decoding: out, as: UTF8.self)
    }

    /// The match id of a token from ``token(_:)``; nil when it is not one.
    public static func match(fromToken token: Substring) -> String? {
        if token == "_" { return "" }
        var out: [UInt8] = []
        var bytes = token.utf8[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "_") else {
                guard isTokenByte(b) else { return nil }
                out.append(b)
                continue
            }
            guard let h = bytes.popFirst().flatMap(hexValue), let l = bytes.popFirst().flatMap(hexValue) else { return nil }
            out.append(h << 4 | l)
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        default: return nil
        }
    }
}
