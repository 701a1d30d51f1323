/// Reads the game's `/session` and `/player_bones` JSON into typed values.
///
/// The reader works directly on the bytes (no Foundation, no intermediate tree):
/// keys are matched by length and a few byte compares, numbers are converted to the
/// `Double` nearest to their decimal text, and every error is a ``GameJSONError``
/// carrying the byte offset and what was expected there.
///
/// It accepts every era's shape (2018 to community servers): all keys optional and
/// in any order, booleans for the restart and shoulder fields, quoted `userid` /
/// `rules_changed_at`, trailing NUL and whitespace. Keys it has no field for (and known
/// keys whose value is `null`) are kept raw, in order, in the `extras` of the object they
/// sit in, at every nesting level (disc, poses, stats, `pause`, ..., players).
///
/// The per-object readers and key tables are generated from `schema/session.toml`
/// (GameJSONReader.generated.swift); this file holds the entry points and the few shapes
/// that are not one key per field.
///
/// ```swift
/// let session = try GameJSONReader.parseSession(bytes)      // throws(GameJSONError)
/// print(session.gameStatus ?? "-", session.playerCount)
/// ```
public enum GameJSONReader {
    /// Parses one `/session` body. Trailing NUL and whitespace are accepted.
    ///
    /// - Throws: ``GameJSONError`` with ``GameJSONError/Reason/notAGameFrame(errCode:description:)``
    ///   for error bodies (`err_code` != 0), otherwise the offset and what was expected.
    public static func parseSession(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> Session {
        var scanner = JSONScanner(bytes)
        var reader = SessionReader()
        let session = try reader.readSession(&scanner)
        try finish(&scanner)
        if let code = session.errCode, code != 0 {
            throw GameJSONError(offset: 0, reason: .notAGameFrame(errCode: code, description: errDescription(session.extras)))
        }
        return session
    }

    /// Parses one `/session` body.
    public static func parseSession(_ bytes: [UInt8]) throws(GameJSONError) -> Session {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> Session in try parseSession(buf) } }
        return try result.get()
    }

    /// Parses one `/player_bones` body (`{"err_code":0}` alone reads with `userBones == nil`).
    public static func parseBones(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> PlayerBones {
        var scanner = JSONScanner(bytes)
        var reader = SessionReader()
        let bones = try reader.readPlayerBones(&scanner)
        try finish(&scanner)
        if let code = bones.errCode, code != 0 {
            throw GameJSONError(offset: 0, reason: .notAGameFrame(errCode: code, description: errDescription(bones.extras)))
        }
        return bones
    }

    /// Parses one `/player_bones` body.
    public static func parseBones(_ bytes: [UInt8]) throws(GameJSONError) -> PlayerBones {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> PlayerBones in try parseBones(buf) } }
        return try result.get()
    }

    /// The `err_description` string of an error body (kept raw in `extras`), decoded for the report.
    static func errDescription(_ extras: [ExtraField]) -> String? {
        guard let raw = extras.first(where: { $0.key == "err_description" })?.json, raw.first == ASCII.quote else { return nil }
        return raw.withUnsafeBytes { buf -> String? in
            var s = JSONScanner(buf)
            return try? s.string("err_description")
        }
    }

    /// Nothing but (already trimmed) trailing NUL/whitespace may follow the top-level object.
    @inline(__always)
    static func finish(_ s: inout JSONScanner) throws(GameJSONError) {
        s.skipWhitespace()
        if !s.atEnd { throw s.malformed("end of input after the top-level object") }
    }
}

/// The per-object readers (generated: GameJSONReader.generated.swift). A value type so each
/// parse has its own; it holds no state today.
@usableFromInline
struct SessionReader {
    init() {}

    /// The top-level `possession` pair `[team, player]`.
    func readHolder(_ s: inout JSONScanner) throws(GameJSONError) -> DiscHolder {
        guard s.peek == ASCII.openBracket else { throw s.invalid("possession", "[team, player]") }
        s.i &+= 1
        s.skipWhitespace()
        let team = try s.int32("possession")
        try s.expect(ASCII.comma, "',' in the possession pair")
        s.skipWhitespace()
        let player = try s.int32("possession")
        try s.expect(ASCII.closeBracket, "']' closing the possession pair")
        return DiscHolder(teamIndex: team, playerIndex: player)
    }

    /// `lhand`/`rhand`: an object with `pos` (2019+) or a bare `[x, y, z]` (2018).
    @inline(__always)
    func readHand(
        _ s: inout JSONScanner, _ name: StaticString, bare: inout Bool, _ extras: inout [ExtraField]?
    ) throws(GameJSONError) -> Pose {
        if s.peek == ASCII.openBracket {
            bare = true
            return Pose(position: try s.vector3(name))
        }
        return try readPose(&s, name, hand: true, &extras)
    }
}
