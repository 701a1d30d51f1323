// PLACEHOLDER: implemented by the JSON writer work (issue 2). Signatures are the contract.

/// Writes typed values as the game spells them (compact, game key order,
/// 8-significant-digit floats with `.0`, bare exponents, bare-number `userid`).
public enum GameJSONWriter {
    /// Appends the `/session` JSON of `session` to `out`.
    public static func write(_ session: Session, into out: inout [UInt8]) {
        fatalError("not implemented")
    }

    /// Appends the `/player_bones` JSON of `bones` to `out`.
    public static func write(_ bones: PlayerBones, into out: inout [UInt8]) {
        fatalError("not implemented")
    }

    /// The `/session` JSON of `session`.
    public static func bytes(_ session: Session) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 * 1024)
        write(session, into: &out)
        return out
    }

    /// The `/player_bones` JSON of `bones`.
    public static func bytes(_ bones: PlayerBones) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 * 1024)
        write(bones, into: &out)
        return out
    }

    /// Appends `value` spelled as the game spells a 32-bit float (`600.0`, `-1.7870001`, `6.6384706e-7`).
    public static func appendFloat(_ value: Double, into out: inout [UInt8]) {
        fatalError("not implemented")
    }
}
