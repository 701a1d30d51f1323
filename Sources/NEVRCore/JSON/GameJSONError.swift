/// Why a `/session` or `/player_bones` body could not be read.
public struct GameJSONError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the input.
    public enum Reason: Hashable, Sendable {
        /// Not valid JSON at ``GameJSONError/offset``; `expected` says what the reader wanted there.
        case malformed(expected: String)
        /// Valid JSON of the wrong shape for a known key (for example a string where `game_clock` is).
        case invalidValue(key: String, expected: String)
        /// A well-formed error object (`err_code` != 0), e.g. `-6` "Endpoint is restricted in this match type".
        case notAGameFrame(errCode: Int32, description: String?)
        /// Nesting deeper than the reader allows.
        case tooDeep
    }

    /// Byte offset into the input where the problem was found.
    public var offset: Int
    /// What was wrong there.
    public var reason: Reason

    /// An error at byte `offset` of the input.
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// One line for people: the reason and the byte offset.
    public var description: String {
        switch reason {
        case .malformed(let expected):
            return "malformed JSON at byte \(offset): expected \(expected)"
        case .invalidValue(let key, let expected):
            return "invalid value for \"\(key)\" at byte \(offset): expected \(expected)"
        case .notAGameFrame(let code, let text):
            return "not a game frame: err_code \(code)" + (text.map { " (\($0))" } ?? "")
        case .tooDeep:
            return "JSON nested too deeply at byte \(offset)"
        }
    }

    /// True for error objects the game sends when not in a match (not a parse failure).
    public var isNotAGameFrame: Bool {
        if case .notAGameFrame = reason { return true }
        return false
    }
}
