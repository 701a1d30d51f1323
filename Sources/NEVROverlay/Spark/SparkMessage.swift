/// One message of Spark's WebSocket event protocol (port 6725): `<type>:<json>`.
public struct SparkMessage: Sendable, Equatable {
    /// The event type (`goal`, `stun`, `frame_30hz`, ...).
    public var type: SparkEventType
    /// The JSON payload (a compact object, or the game's raw `/session` for frames).
    public var payload: [UInt8]

    /// A message of `type` carrying `payload`.
    public init(type: SparkEventType, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }

    /// The text frame Spark sends: the type, a colon, the JSON.
    public var wireText: String {
        type.rawValue + ":" + String(decoding: payload, as: UTF8.self)
    }
}

/// The event types Spark's WebSocket server pushes (`subscribe:<type>` names one).
public enum SparkEventType: String, Sendable, CaseIterable, Hashable {
    case goal
    case stun
    case steal
    case save
    case joust
    case pause
    case overlayConfig = "overlay_config"
    case joinedGame = "joined_game"
    case leftGame = "left_game"
    case eventLog = "event_log"
    case frame1Hz = "frame_1hz"
    case frame10Hz = "frame_10hz"
    case frame30Hz = "frame_30hz"

    /// Rate-limited raw frames: their period in seconds; `nil` for events.
    public var framePeriod: Double? {
        switch self {
        case .frame1Hz: 1
        case .frame10Hz: 0.1
        case .frame30Hz: 1.0 / 30
        default: nil
        }
    }
}
