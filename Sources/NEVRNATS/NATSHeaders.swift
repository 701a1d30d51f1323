/// The headers of an `HPUB`/`HMSG` message: the `NATS/1.0` version line with an optional
/// status (JetStream uses 100 for flow control and heartbeats, 404/408 for pull requests, 503
/// for "no responders"), then `Name: Value` lines. Names are looked up case-insensitively.
public struct NATSHeaders: Sendable, Hashable {
    /// The status code of the version line (`NATS/1.0 503`), if any.
    public var status: Int?
    /// The text after the status code (`Idle Heartbeat`, `FlowControl Request`), if any.
    public var statusDescription: String?
    /// The header fields in order; a name may repeat.
    public var fields: [(name: String, value: String)]

    /// Headers with the given fields and no status.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Appends a field. Names and values must not contain CR or LF; a name no `:`, space or
    /// control character (checked when the message is sent).
    public mutating func append(_ name: String, _ value: String) {
        fields.append((name, value))
    }

    /// Equality by status and fields in order.
    public static func == (a: NATSHeaders, b: NATSHeaders) -> Bool {
        a.status == b.status && a.statusDescription == b.statusDescription && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes the status and fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(statusDescription)
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// The wire form (`NATS/1.0\r\nName: Value\r\n...\r\n`), after checking every name and value.
    func encoded() throws(NATSError) -> [UInt8] {
        var out = Array("NATS/1.0".utf8)
        if let status {
            guard (100...999).contains(status) else { throw .invalidArgument("header status \(status) is not three digits") }
            out += Array(" \(status)".utf8)
            if let statusDescription {
                guard !statusDescription.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                    throw .invalidArgument("header status text contains CR or LF")
                }
                out += Array(" \(statusDescription)".utf8)
            }
        }
        out += [13, 10]
        for (name, value) in fields {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                throw .invalidArgument("header name \"\(name)\" is empty or has a colon, space or control character")
            }
            guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                throw .invalidArgument("header \(name): value contains CR or LF")
            }
            out += Array(name.utf8) + [UInt8(ascii: ":"), UInt8(ascii: " ")] + Array(value.utf8) + [13, 10]
        }
        out += [13, 10]
        return out
    }

    /// Parses a header block as the server sends it; nil when it is not one.
    static func parse(_ bytes: ArraySlice<UInt8>) -> NATSHeaders? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), first.hasPrefix("NATS/1.0") else { return nil }
        var headers = NATSHeaders()
        let statusPart = first.dropFirst("NATS/1.0".count).drop(while: { $0 == " " })
        if !statusPart.isEmpty {
            let code = statusPart.prefix(while: { $0 != " " })
            guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(code) else { return nil }
            headers.status = value
            let rest = statusPart.dropFirst(3).drop(while: { $0 == " " })
            if !rest.isEmpty { headers.statusDescription = String(rest) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon]
            guard !name.isEmpty else { return nil }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            headers.fields.append((String(name), String(value)))
        }
        return headers
    }
}
