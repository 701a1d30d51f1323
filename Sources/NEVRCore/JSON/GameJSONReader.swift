// PLACEHOLDER: implemented by the JSON reader work (issue 2). Signatures are the contract.

/// Reads the game's `/session` and `/player_bones` JSON into typed values.
public enum GameJSONReader {
    /// Parses one `/session` body. Trailing NUL and whitespace are accepted.
    public static func parseSession(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> Session {
        fatalError("not implemented")
    }

    /// Parses one `/session` body.
    public static func parseSession(_ bytes: [UInt8]) throws(GameJSONError) -> Session {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> Session in try parseSession(buf) } }
        return try result.get()
    }

    /// Parses one `/player_bones` body.
    public static func parseBones(_ bytes: UnsafeRawBufferPointer) throws(GameJSONError) -> PlayerBones {
        fatalError("not implemented")
    }

    /// Parses one `/player_bones` body.
    public static func parseBones(_ bytes: [UInt8]) throws(GameJSONError) -> PlayerBones {
        let result = bytes.withUnsafeBytes { buf in Result { () throws(GameJSONError) -> PlayerBones in try parseBones(buf) } }
        return try result.get()
    }
}
