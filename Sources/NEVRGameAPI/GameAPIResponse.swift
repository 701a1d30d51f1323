/// What the game answers besides a frame.
public enum GameAPIResponse {
    /// The game's body when it has no match to report (in the lobby, in a social
    /// space, or between matches).
    public static let noMatchBody: [UInt8] = Array(
        #"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8)

    /// The HTTP status the game sends with ``noMatchBody``. Clients written against
    /// the real game (a Quest companion app) check for status 500 together with this
    /// exact body, so the server answers the same way.
    public static let noMatchStatus = 500

    /// `Content-Type` of every answer: the body is always one compact JSON object.
    public static let contentType = "application/json"
}
