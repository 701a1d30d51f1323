/// An event detected between two consecutive frames.
///
/// Cases mirror the `LobbySessionEvent` oneof of `.nevrcap` (`nevrcap.md`, ids 10-60);
/// ``kind`` gives the oneof field number and name. Events from other tools that this
/// version does not know are kept as ``unknown(fieldNumber:payload:)`` so that a
/// read-write round trip preserves them.
public enum Event: Hashable, Sendable {
    case roundStarted(roundNumber: Int32)
    case roundPaused(PauseState)
    case roundUnpaused(PauseState)
    case roundEnded(roundNumber: Int32, winningTeam: Role)
    case matchEnded(winningTeam: Role)
    case scoreboardUpdated(Scoreboard)
    case playerJoined(player: Player, role: Role)
    case playerLeft(slot: Int32, displayName: String)
    case playerSwitchedTeam(slot: Int32, newRole: Role, previousRole: Role)
    case emotePlayed(slot: Int32, emote: EmoteType)
    /// `slot` -1 means the disc is free; `previousSlot` -1 means it was free.
    case discPossessionChanged(slot: Int32, previousSlot: Int32)
    /// `details` only when the recording client threw (the API reports only its own throws).
    case discThrown(slot: Int32, details: LastThrow?)
    case discCaught(slot: Int32)
    case goalScored(LastScore)
    case playerGoal(slot: Int32, totalGoals: Int32, points: Int32)
    case playerSave(slot: Int32, total: Int32)
    case playerStun(slot: Int32, total: Int32)
    case playerPass(slot: Int32, total: Int32)
    /// `victimSlot` -1 when unknown or the same team.
    case playerSteal(slot: Int32, total: Int32, victimSlot: Int32)
    case playerBlock(slot: Int32, total: Int32)
    case playerInterception(slot: Int32, total: Int32)
    case playerAssist(slot: Int32, total: Int32)
    case playerShotTaken(slot: Int32, total: Int32)
    case generic(eventType: String, data: [MapEntry], payload: String)
    /// Spark-style derived events (jousts, big boosts, turnovers, ...), kinds 100-108.
    case derived(DerivedEvent)
    /// An event kind this version does not know: its oneof field number and raw message bytes.
    case unknown(fieldNumber: Int, payload: [UInt8])

    /// The scores carried by ``scoreboardUpdated(_:)``.
    public struct Scoreboard: Hashable, Sendable {
        /// Blue team's points (`blue_points`).
        public var bluePoints: Int32
        /// Orange team's points (`orange_points`).
        public var orangePoints: Int32
        /// Rounds won by blue (`blue_round_score`).
        public var blueRoundScore: Int32
        /// Rounds won by orange (`orange_round_score`).
        public var orangeRoundScore: Int32
        /// The game clock as the game shows it (`game_clock_display`, e.g. `04:59.82`).
        public var gameClockDisplay: String

        /// Scores as read off one frame.
        public init(bluePoints: Int32, orangePoints: Int32, blueRoundScore: Int32, orangeRoundScore: Int32, gameClockDisplay: String) {
            self.bluePoints = bluePoints
            self.orangePoints = orangePoints
            self.blueRoundScore = blueRoundScore
            self.orangeRoundScore = orangeRoundScore
            self.gameClockDisplay = gameClockDisplay
        }
    }

    /// `EmotePlayed.EmoteType`.
    public enum EmoteType: Int32, Hashable, Sendable {
        case unspecified = 0
        case primary = 1
        case secondary = 2

        /// The enum value's name in `telemetry.proto` (for JSON output).
        public var protoName: String {
            switch self {
            case .unspecified: "EMOTE_TYPE_UNSPECIFIED"
            case .primary: "EMOTE_TYPE_PRIMARY"
            case .secondary: "EMOTE_TYPE_SECONDARY"
            }
        }
    }

    /// One entry of a protobuf `map<string,string>`, in a stable order.
    public struct MapEntry: Hashable, Sendable {
        /// The map key.
        public var key: String
        /// The map value.
        public var value: String
        /// An entry with `key` and `value`.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The kind of this event (its `.nevrcap` oneof case), without the payload.
    public var kind: EventKind {
        switch self {
        case .roundStarted: .roundStarted
        case .roundPaused: .roundPaused
        case .roundUnpaused: .roundUnpaused
        case .roundEnded: .roundEnded
        case .matchEnded: .matchEnded
        case .scoreboardUpdated: .scoreboardUpdated
        case .playerJoined: .playerJoined
        case .playerLeft: .playerLeft
        case .playerSwitchedTeam: .playerSwitchedTeam
        case .emotePlayed: .emotePlayed
        case .discPossessionChanged: .discPossessionChanged
        case .discThrown: .discThrown
        case .discCaught: .discCaught
        case .goalScored: .goalScored
        case .playerGoal: .playerGoal
        case .playerSave: .playerSave
        case .playerStun: .playerStun
        case .playerPass: .playerPass
        case .playerSteal: .playerSteal
        case .playerBlock: .playerBlock
        case .playerInterception: .playerInterception
        case .playerAssist: .playerAssist
        case .playerShotTaken: .playerShotTaken
        case .generic: .genericEvent
        case .derived(let d): d.kind
        case .unknown: .unknown
        }
    }
}

/// Every event kind, with its `.nevrcap` oneof field number as raw value.
public enum EventKind: Int, Hashable, Sendable, CaseIterable, Comparable {
    case roundStarted = 10
    case roundPaused = 11
    case roundUnpaused = 12
    case roundEnded = 13
    case matchEnded = 14
    case scoreboardUpdated = 15
    case playerJoined = 20
    case playerLeft = 21
    case playerSwitchedTeam = 22
    case emotePlayed = 23
    case discPossessionChanged = 30
    case discThrown = 31
    case discCaught = 32
    case goalScored = 40
    case playerGoal = 41
    case playerSave = 50
    case playerStun = 51
    case playerPass = 52
    case playerSteal = 53
    case playerBlock = 54
    case playerInterception = 55
    case playerAssist = 56
    case playerShotTaken = 57
    case genericEvent = 60
    // Derived events (DerivedEvent); numbers clear of the NEVR tools' 10-60.
    case joust = 100
    case bigBoost = 101
    case playspaceAbuse = 102
    case turnover = 103
    case interception = 104
    case throwDetails = 105
    case stun = 106
    case restartRequest = 107
    case pauseRequest = 108
    /// Not a real field number: stands for any number this version does not know.
    case unknown = 0

    /// The oneof field name in `telemetry.v1.LobbySessionEvent`, e.g. `player_joined`.
    public var name: String {
        switch self {
        case .roundStarted: "round_started"
        case .roundPaused: "round_paused"
        case .roundUnpaused: "round_unpaused"
        case .roundEnded: "round_ended"
        case .matchEnded: "match_ended"
        case .scoreboardUpdated: "scoreboard_updated"
        case .playerJoined: "player_joined"
        case .playerLeft: "player_left"
        case .playerSwitchedTeam: "player_switched_team"
        case .emotePlayed: "emote_played"
        case .discPossessionChanged: "disc_possession_changed"
        case .discThrown: "disc_thrown"
        case .discCaught: "disc_caught"
        case .goalScored: "goal_scored"
        case .playerGoal: "player_goal"
        case .playerSave: "player_save"
        case .playerStun: "player_stun"
        case .playerPass: "player_pass"
        case .playerSteal: "player_steal"
        case .playerBlock: "player_block"
        case .playerInterception: "player_interception"
        case .playerAssist: "player_assist"
        case .playerShotTaken: "player_shot_taken"
        case .genericEvent: "generic_event"
        case .joust: "joust"
        case .bigBoost: "big_boost"
        case .playspaceAbuse: "playspace_abuse"
        case .turnover: "turnover"
        case .interception: "interception"
        case .throwDetails: "throw_details"
        case .stun: "stun"
        case .restartRequest: "restart_request"
        case .pauseRequest: "pause_request"
        case .unknown: "unknown"
        }
    }

    /// The kind whose ``name`` is `name`, for `--kinds` filters.
    public init?(name: String) {
        guard let k = EventKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = k
    }

    /// Orders kinds by their `.nevrcap` field number.
    public static func < (a: EventKind, b: EventKind) -> Bool { a.rawValue < b.rawValue }
}
