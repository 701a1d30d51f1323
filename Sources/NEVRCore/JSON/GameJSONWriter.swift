/// Writes typed values as the game spells them (compact, game key order,
/// 8-significant-digit floats with `.0`, bare exponents, bare-number `userid`).
///
/// Keys are written in the 2021 build's order (team `stats` in the team order, which
/// differs from player `stats`), absent (`nil`) keys are left out, and each object's
/// `extras` follow its known keys. The per-object field sequences are generated from
/// `schema/session.toml` (GameJSONWriter.generated.swift); the helpers below are the
/// per-kind primitives they call. Writing a frame read from the game's own compact
/// output reproduces it byte for byte.
///
/// ```swift
/// let session = try GameJSONReader.parseSession(bytes)
/// let json: [UInt8] = GameJSONWriter.bytes(session)   // == bytes for a 2021 game frame
/// ```
public enum GameJSONWriter {
    /// Appends the `/session` JSON of `session` to `out`.
    public static func write(_ session: Session, into out: inout [UInt8]) {
        var o = JSONOutput(capacity: 16 * 1024)
        defer { o.release() }
        o.session(session)
        out.append(contentsOf: o.bytes)
    }

    /// Appends the `/player_bones` JSON of `bones` to `out`.
    public static func write(_ bones: PlayerBones, into out: inout [UInt8]) {
        var o = JSONOutput(capacity: 16 * 1024)
        defer { o.release() }
        o.playerBones(bones)
        out.append(contentsOf: o.bytes)
    }

    /// The `/session` JSON of `session`.
    public static func bytes(_ session: Session) -> [UInt8] {
        var out: [UInt8] = []
        write(session, into: &out)
        return out
    }

    /// The `/player_bones` JSON of `bones`.
    public static func bytes(_ bones: PlayerBones) -> [UInt8] {
        var out: [UInt8] = []
        write(bones, into: &out)
        return out
    }

    /// Appends `value` spelled as the game spells a 32-bit float (`600.0`, `-1.7870001`, `6.6384706e-7`).
    public static func appendFloat(_ value: Double, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: GameFloatFormatter.maxLength) { buf in
            let n = GameFloatFormatter.format(value, into: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[..<n]))
        }
    }
}

extension JSONOutput {
    @inline(__always)
    mutating func vector(_ v: Vector3) {
        byte(ASCII.openBracket)
        float(v.x)
        byte(ASCII.comma)
        float(v.y)
        byte(ASCII.comma)
        float(v.z)
        byte(ASCII.closeBracket)
    }

    @inline(__always)
    mutating func vector(_ name: StaticString, _ v: Vector3?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        vector(v)
    }

    @inline(__always)
    mutating func float(_ name: StaticString, _ v: Double?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        float(v)
    }

    @inline(__always)
    mutating func int(_ name: StaticString, _ v: Int32?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        integer(v)
    }

    @inline(__always)
    mutating func bool(_ name: StaticString, _ v: Bool?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        bool(v)
    }

    @inline(__always)
    mutating func string(_ name: StaticString, _ v: String?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        string(v)
    }

    /// Arena points are integers; Combat's fractional capture progress is written as a float.
    @inline(__always)
    mutating func points(_ name: StaticString, _ v: Double?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        if v == v.rounded(.towardZero) && abs(v) < 9.0e15 {
            integer(Int64(v))
        } else {
            float(v)
        }
    }

    mutating func extras(_ list: [ExtraField], _ first: inout Bool) {
        for field in list {
            if first { first = false } else { byte(ASCII.comma) }
            string(field.key)
            byte(ASCII.colon)
            raw(field.json)
        }
    }

    @inline(__always)
    mutating func unsigned(_ name: StaticString, _ v: UInt64?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        unsigned(v)
    }

    @inline(__always)
    mutating func floats(_ name: StaticString, _ v: [Float]?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        floats(v)
    }

    /// The top-level `possession` pair.
    @inline(__always)
    mutating func holder(_ name: StaticString, _ v: DiscHolder?, _ first: inout Bool) {
        guard let v else { return }
        key(name, &first)
        byte(ASCII.openBracket)
        integer(v.teamIndex)
        byte(ASCII.comma)
        integer(v.playerIndex)
        byte(ASCII.closeBracket)
    }

    mutating func hand(_ name: StaticString, _ p: Pose?, bare: Bool, _ kept: [ExtraField]?, _ first: inout Bool) {
        guard let p else { return }
        key(name, &first)
        // 2018 builds sent a bare [x, y, z]; a hand with orientation (or extra keys) cannot be bare.
        if bare, kept == nil, let position = p.position, p.forward == nil, p.left == nil, p.up == nil {
            vector(position)
        } else {
            pose(p, hand: true, kept)
        }
    }

    mutating func floats(_ values: [Float]) {
        byte(ASCII.openBracket)
        for (index, v) in values.enumerated() {
            if index > 0 { byte(ASCII.comma) }
            float(Double(v))
        }
        byte(ASCII.closeBracket)
    }
}
