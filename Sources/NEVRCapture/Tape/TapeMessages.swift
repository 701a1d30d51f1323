import NEVRCore

// Value types for the telemetry v2 messages a `.tape` file holds (proto/telemetry/v2/).
// They mirror the wire one to one, so a reader can count what it did not understand and a
// writer can reproduce what tape tools expect; the typed NEVR model is rebuilt from them by
// ``TapeReconstruction`` and turned into them by ``TapeConversion``. Enum-typed fields are kept
// as their raw numbers (proto3 enums are open: an unknown number must survive).

/// `spatial.v1.Vec3` (float32 components).
public struct TapeVec3: Hashable, Sendable {
    /// The `x` field.
    public var x: Float
    /// The `y` field.
    public var y: Float
    /// The `z` field.
    public var z: Float
    /// Creates the message from its fields.
    public init(_ x: Float, _ y: Float, _ z: Float) {
        self.x = x
        self.y = y
        self.z = z
    }
}

/// `spatial.v1.Quat` (float32 components, x y z w).
public struct TapeQuat: Hashable, Sendable {
    /// The `x` field.
    public var x: Float
    /// The `y` field.
    public var y: Float
    /// The `z` field.
    public var z: Float
    /// The `w` field.
    public var w: Float
    /// Creates the message from its fields.
    public init(_ x: Float, _ y: Float, _ z: Float, _ w: Float) {
        self.x = x
        self.y = y
        self.z = z
        self.w = w
    }
}

/// `spatial.v1.Pose`: a position and an orientation, each with presence.
public struct TapePose: Hashable, Sendable {
    /// The `position` field.
    public var position: TapeVec3?
    /// The `orientation` field.
    public var orientation: TapeQuat?
    /// Creates the message from its fields.
    public init(position: TapeVec3? = nil, orientation: TapeQuat? = nil) {
        self.position = position
        self.orientation = orientation
    }
}

/// One `map<string,string>` entry.
public struct TapeMapEntry: Hashable, Sendable {
    /// The `key` field.
    public var key: String
    /// The `value` field.
    public var value: String
    /// Creates the message from its fields.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// `CaptureHeader` (envelope field 1): the first record of every `.tape` stream.
public struct TapeHeader: Hashable, Sendable {
    /// The `capture_id` field.
    public var captureID: String = ""
    /// Base of every frame's millisecond offset.
    public var createdAt: Timestamp?
    /// SemVer major: 2, or 0 on pre-2.1 files. Anything else is rejected by ``TapeReader``.
    public var formatVersion: UInt32 = 0
    /// The `metadata` field.
    public var metadata: [TapeMapEntry] = []
    /// The `format_minor` field.
    public var formatMinor: UInt32 = 0
    /// The `format_patch` field.
    public var formatPatch: UInt32 = 0
    /// `FrameEncoding`: 0 unspecified (= sparse), 1 sparse, 2 dense.
    public var frameEncoding: Int32 = 0
    /// 2026-09: the engine's game-type symbol verbatim (e.g. `Echo_Arena_Private`).
    public var gameType: String = ""
    /// Field 9, planned upstream (kept when present).
    public var producer: String = ""
    /// The `echo_arena` field.
    public var echoArena: TapeArenaHeader?
    /// Fields this version does not know, as raw tag+value bytes: written back on rewrite.
    public var unknownFields: [UInt8] = []
    /// Creates the message from its fields.
    public init() {}
}

/// `EchoArenaHeader`: session constants.
public struct TapeArenaHeader: Hashable, Sendable {
    /// The `session_id` field.
    public var sessionID: String = ""
    /// The `map_name` field.
    public var mapName: String = ""
    /// `MatchType` (removed 2026-09-07; read on older files).
    public var matchType: Int32 = 0
    /// The `client_name` field.
    public var clientName: String = ""
    /// Removed 2026-09-07 (derived from ``TapeHeader/gameType`` since).
    public var privateMatch: Bool = false
    /// Removed 2026-09-07.
    public var tournamentMatch: Bool = false
    /// The `total_round_count` field.
    public var totalRoundCount: Int32 = 0
    /// The `initial_roster` field.
    public var initialRoster: [TapePlayerInfo] = []
    /// The `skeleton` field.
    public var skeleton: TapeSkeleton?
    /// The `session_ip` field.
    public var sessionIP: String = ""
    /// The `rules_changed_by` field.
    public var rulesChangedBy: String = ""
    /// The `rules_changed_at` field.
    public var rulesChangedAt: UInt64 = 0
    /// Index 0 blue, 1 orange, 2 spectator.
    public var teamNames: [String] = []
    /// The `unknown_fields` field.
    public var unknownFields: [UInt8] = []
    /// Creates the message from its fields.
    public init() {}
}

/// `SkeletonLayout`.
public struct TapeSkeleton: Hashable, Sendable {
    /// The `bone_count` field.
    public var boneCount: UInt32 = 0
    /// The `transform_stride` field.
    public var transformStride: UInt32 = 0
    /// The `orientation_stride` field.
    public var orientationStride: UInt32 = 0
    /// Creates the message from its fields.
    public init(boneCount: UInt32 = 0, transformStride: UInt32 = 0, orientationStride: UInt32 = 0) {
        self.boneCount = boneCount
        self.transformStride = transformStride
        self.orientationStride = orientationStride
    }
}

/// `PlayerInfo` (roster entry) and the body of `PlayerJoined` (same fields, same numbers).
public struct TapePlayerInfo: Hashable, Sendable {
    /// The `slot` field.
    public var slot: Int32 = 0
    /// The `account_number` field.
    public var accountNumber: UInt64 = 0
    /// The `display_name` field.
    public var displayName: String = ""
    /// `Role`.
    public var role: Int32 = 0
    /// The `jersey_number` field.
    public var jerseyNumber: Int32 = 0
    /// The `level` field.
    public var level: Int32 = 0
    /// Creates the message from its fields.
    public init(slot: Int32 = 0, accountNumber: UInt64 = 0, displayName: String = "", role: Int32 = 0, jerseyNumber: Int32 = 0, level: Int32 = 0) {
        self.slot = slot
        self.accountNumber = accountNumber
        self.displayName = displayName
        self.role = role
        self.jerseyNumber = jerseyNumber
        self.level = level
    }
}

/// `Frame` (envelope field 2).
public struct TapeFrame: Hashable, Sendable {
    /// Sequential from 0.
    public var frameIndex: UInt32 = 0
    /// Milliseconds since ``TapeHeader/createdAt``.
    public var timestampOffsetMs: UInt32 = 0
    /// The `echo_arena` field.
    public var echoArena: TapeArenaFrame?
    /// Creates the message from its fields.
    public init(frameIndex: UInt32 = 0, timestampOffsetMs: UInt32 = 0, echoArena: TapeArenaFrame? = nil) {
        self.frameIndex = frameIndex
        self.timestampOffsetMs = timestampOffsetMs
        self.echoArena = echoArena
    }
}

/// `EchoArenaFrame`: the per-frame game state (kinematics and scalars; identity lives in events).
public struct TapeArenaFrame: Hashable, Sendable {
    /// `GameStatus`.
    public var gameStatus: Int32 = 0
    /// The `game_clock` field.
    public var gameClock: Float = 0
    /// `PauseState`.
    public var pauseState: Int32 = 0
    /// The `disc` field.
    public var disc: TapeDisc?
    /// The `players` field.
    public var players: [TapePlayerState] = []
    /// The `player_bones` field.
    public var playerBones: [TapePlayerBones] = []
    /// Present-and-0 is slot 0; `nil` is a free disc.
    public var discHolderSlot: Int32?
    /// The capture client's tracking origin.
    public var vrRoot: TapePose?
    /// The `blue_points` field.
    public var bluePoints: Int32 = 0
    /// The `orange_points` field.
    public var orangePoints: Int32 = 0
    /// The `round_number` field.
    public var roundNumber: Int32 = 0
    /// The `events` field.
    public var events: [TapeEvent] = []
    /// The `payload` field.
    public var payload: TapePayload?
    /// The `left_shoulder_pressed` field.
    public var leftShoulderPressed: Float = 0
    /// The `right_shoulder_pressed` field.
    public var rightShoulderPressed: Float = 0
    /// The `left_shoulder_pressed2` field.
    public var leftShoulderPressed2: Float = 0
    /// The `right_shoulder_pressed2` field.
    public var rightShoulderPressed2: Float = 0
    /// The `err_code` field.
    public var errCode: Int32 = 0
    /// The `blue_team_restart_request` field.
    public var blueTeamRestartRequest: Int32 = 0
    /// The `orange_team_restart_request` field.
    public var orangeTeamRestartRequest: Int32 = 0
    /// The `pause_detail` field.
    public var pauseDetail: TapePauseDetail?
    /// Creates the message from its fields.
    public init() {}
}

/// `PauseDetail` (only while a pause resolves).
public struct TapePauseDetail: Hashable, Sendable {
    /// The `unpaused_team` field.
    public var unpausedTeam: Int32 = 0
    /// The `paused_requested_team` field.
    public var pausedRequestedTeam: Int32 = 0
    /// The `unpaused_timer` field.
    public var unpausedTimer: Float = 0
    /// The `paused_timer` field.
    public var pausedTimer: Float = 0
    /// Creates the message from its fields.
    public init() {}
}

/// `DiscState`.
public struct TapeDisc: Hashable, Sendable {
    /// The `pose` field.
    public var pose: TapePose?
    /// The `velocity` field.
    public var velocity: TapeVec3?
    /// The `bounce_count` field.
    public var bounceCount: UInt32 = 0
    /// Creates the message from its fields.
    public init(pose: TapePose? = nil, velocity: TapeVec3? = nil, bounceCount: UInt32 = 0) {
        self.pose = pose
        self.velocity = velocity
        self.bounceCount = bounceCount
    }
}

/// `PayloadState` (Combat only).
public struct TapePayload: Hashable, Sendable {
    /// The `multiplier` field.
    public var multiplier: Float = 0
    /// The `checkpoint` field.
    public var checkpoint: Int32 = 0
    /// The `distance` field.
    public var distance: Float = 0
    /// The `defenders` field.
    public var defenders: Int32 = 0
    /// The `speed` field.
    public var speed: Float = 0
    /// Creates the message from its fields.
    public init() {}
}

/// `PlayerState`: one player's kinematics and flags.
public struct TapePlayerState: Hashable, Sendable {
    /// The `slot` field.
    public var slot: Int32 = 0
    /// The `head` field.
    public var head: TapePose?
    /// The `body` field.
    public var body: TapePose?
    /// The `left_hand` field.
    public var leftHand: TapePose?
    /// The `right_hand` field.
    public var rightHand: TapePose?
    /// The `velocity` field.
    public var velocity: TapeVec3?
    /// Bit 0 stunned, 1 invulnerable, 2 blocking, 3 possession, 4 emote playing,
    /// bits 5–6 team index (0 blue, 1 orange, 2 spectator).
    public var flags: UInt32 = 0
    /// The `ping` field.
    public var ping: UInt32 = 0
    /// The `packet_loss_ratio` field.
    public var packetLossRatio: Float = 0
    /// The `possession_time` field.
    public var possessionTime: Float = 0
    /// Creates the message from its fields.
    public init() {}

    /// Flag bits.
    public enum Flag {
        /// Bit 0: stunned.
    public static let stunned: UInt32 = 1 << 0
        /// Bit 1: invulnerable.
    public static let invulnerable: UInt32 = 1 << 1
        /// Bit 2: blocking.
    public static let blocking: UInt32 = 1 << 2
        /// Bit 3: holds the disc.
    public static let possession: UInt32 = 1 << 3
        /// Bit 4: an emote is playing.
    public static let emotePlaying: UInt32 = 1 << 4
        /// Bits 5-6 hold the team index (0 blue, 1 orange, 2 spectator): the shift.
    public static let teamShift: UInt32 = 5
        /// The team-index bits.
    public static let teamMask: UInt32 = 3 << 5
    }

    /// The team index stored in flags bits 5–6.
    public var teamIndex: Int { Int((flags & Flag.teamMask) >> Flag.teamShift) }
}

/// `PlayerBones`: float32 arrays, 3 per bone (translations) and 4 per bone (orientations).
public struct TapePlayerBones: Hashable, Sendable {
    /// The `slot` field.
    public var slot: Int32 = 0
    /// The `transforms` field.
    public var transforms: [Float] = []
    /// The `orientations` field.
    public var orientations: [Float] = []
    /// The `skeleton_override` field.
    public var skeletonOverride: TapeSkeleton?
    /// Creates the message from its fields.
    public init(slot: Int32 = 0, transforms: [Float] = [], orientations: [Float] = []) {
        self.slot = slot
        self.transforms = transforms
        self.orientations = orientations
    }
}

/// `CaptureFooter` (envelope field 3): the last record.
public struct TapeFooter: Hashable, Sendable {
    /// The `frame_count` field.
    public var frameCount: UInt32 = 0
    /// The last frame's ``TapeFrame/timestampOffsetMs``.
    public var durationMs: UInt32 = 0
    /// Decompressed-stream offset of the footer's length prefix.
    public var footerOffset: UInt64 = 0
    /// The `keyframe_index` field.
    public var keyframeIndex: [TapeKeyframe] = []
    /// The `event_index` field.
    public var eventIndex: [TapeEventIndexEntry] = []
    /// Creates the message from its fields.
    public init() {}
}

/// `KeyframeEntry`. `byteOffset` is a decompressed offset in whole-stream files and the
/// compressed-file offset of the block that opens with the frame in per-block files.
public struct TapeKeyframe: Hashable, Sendable {
    /// The `frame_index` field.
    public var frameIndex: UInt32
    /// The `byte_offset` field.
    public var byteOffset: UInt64
    /// Creates the message from its fields.
    public init(frameIndex: UInt32, byteOffset: UInt64) {
        self.frameIndex = frameIndex
        self.byteOffset = byteOffset
    }
}

/// `EventIndexEntry`: every frame index holding an event of one `EventType` (once per event).
public struct TapeEventIndexEntry: Hashable, Sendable {
    /// The `event_type` field.
    public var eventType: Int32
    /// The `frame_indices` field.
    public var frameIndices: [UInt32]
    /// Creates the message from its fields.
    public init(eventType: Int32, frameIndices: [UInt32]) {
        self.eventType = eventType
        self.frameIndices = frameIndices
    }
}

/// `GoalScored`.
public struct TapeGoal: Hashable, Sendable {
    /// The `disc_speed` field.
    public var discSpeed: Float = 0
    /// `Role`.
    public var team: Int32 = 0
    /// `GoalType`.
    public var goalType: Int32 = 0
    /// The `point_amount` field.
    public var pointAmount: Int32 = 0
    /// The `distance_thrown` field.
    public var distanceThrown: Float = 0
    /// The `scorer_slot` field.
    public var scorerSlot: Int32 = 0
    /// The `assist_slot` field.
    public var assistSlot: Int32?
    /// The `person_scored` field.
    public var personScored: String = ""
    /// The `assist_scored` field.
    public var assistScored: String = ""
    /// Creates the message from its fields.
    public init() {}
}

/// One `EchoEvent` (its oneof case). Numbers in comments are the oneof field numbers.
public enum TapeEvent: Hashable, Sendable {
    case roundStarted(roundNumber: Int32)  // 10
    case roundPaused(pauseState: Int32, requestingTeam: Int32, pauseTimer: Float)  // 11
    case roundUnpaused(pauseState: Int32)  // 12
    case roundEnded(roundNumber: Int32, winningTeam: Int32)  // 13
    case matchEnded(winningTeam: Int32)  // 14
    case scoreboardUpdated(bluePoints: Int32, orangePoints: Int32, blueRoundScore: Int32, orangeRoundScore: Int32, gameClockDisplay: String)  // 15
    case playerJoined(TapePlayerInfo)  // 20
    case playerLeft(slot: Int32, displayName: String)  // 21
    case playerSwitchedTeam(slot: Int32, newRole: Int32, previousRole: Int32)  // 22
    case emotePlayed(slot: Int32, emote: Int32)  // 23
    case loadoutChanged(slot: Int32, weapon: String, ordnance: String, tacMod: String)  // 24
    case grabChanged(slot: Int32, leftHolding: String, rightHolding: String)  // 25
    case playerInfoUpdated(slot: Int32, jerseyNumber: Int32, level: Int32)  // 26
    case discPossessionChanged(slot: Int32?, previousSlot: Int32?)  // 30
    /// The 13 `ThrowDetails` floats in field order, or `nil` when absent.
    case discThrown(slot: Int32, details: [Float]?)  // 31
    case discCaught(slot: Int32)  // 32
    case goalScored(TapeGoal)  // 40
    case playerGoal(slot: Int32, totalGoals: Int32, points: Int32)  // 41
    /// PlayerSave … PlayerShotTaken (50–57): `field` is the oneof number; `victimSlot` only on steals (53).
    case playerCounter(field: Int, slot: Int32, total: Int32, victimSlot: Int32?)
    /// `PlayerStatsUpdated` (58): points, saves, goals, stuns, passes, catches, steals, blocks,
    /// interceptions, assists, shots_taken.
    case playerStatsUpdated(slot: Int32, counters: [Int32])  // 58
    case generic(eventType: String, data: [TapeMapEntry], payload: String)  // 60
    /// A oneof case this version does not know: its number and raw payload.
    case unknown(field: Int, payload: [UInt8])

    /// The oneof field number.
    public var fieldNumber: Int {
        switch self {
        case .roundStarted: 10
        case .roundPaused: 11
        case .roundUnpaused: 12
        case .roundEnded: 13
        case .matchEnded: 14
        case .scoreboardUpdated: 15
        case .playerJoined: 20
        case .playerLeft: 21
        case .playerSwitchedTeam: 22
        case .emotePlayed: 23
        case .loadoutChanged: 24
        case .grabChanged: 25
        case .playerInfoUpdated: 26
        case .discPossessionChanged: 30
        case .discThrown: 31
        case .discCaught: 32
        case .goalScored: 40
        case .playerGoal: 41
        case .playerCounter(let field, _, _, _): field
        case .playerStatsUpdated: 58
        case .generic: 60
        case .unknown(let field, _): field
        }
    }

    /// The footer index's `EventType` number for this case (0 for unknown cases).
    public var eventType: Int32 { TapeEvent.eventType(forField: fieldNumber) }

    /// `EventType` for a oneof field number (capture.proto's enum; 0 when there is none).
    public static func eventType(forField field: Int) -> Int32 {
        switch field {
        case 10...15: Int32(field - 9)  // ROUND_STARTED 1 … SCOREBOARD_UPDATED 6
        case 20...26: Int32(field - 10)  // PLAYER_JOINED 10 … PLAYER_INFO_UPDATED 16
        case 30...32: Int32(field - 10)  // DISC_POSSESSION_CHANGED 20 … DISC_CAUGHT 22
        case 40, 41: Int32(field - 10)  // GOAL_SCORED 30, PLAYER_GOAL 31
        case 50...58: Int32(field - 10)  // PLAYER_SAVE 40 … PLAYER_STATS_UPDATED 48
        case 60: 50  // GENERIC
        default: 0
        }
    }
}

extension TapeEvent {
    /// The snake-case name of an `EventType` number (`player_joined`, …; `event_type_N` if unknown).
    public static func name(ofEventType type: Int32) -> String {
        let names: [Int32: String] = [
            1: "round_started", 2: "round_paused", 3: "round_unpaused", 4: "round_ended", 5: "match_ended", 6: "scoreboard_updated",
            10: "player_joined", 11: "player_left", 12: "player_switched_team", 13: "emote_played", 14: "loadout_changed",
            15: "grab_changed", 16: "player_info_updated", 20: "disc_possession_changed", 21: "disc_thrown", 22: "disc_caught",
            30: "goal_scored", 31: "player_goal", 40: "player_save", 41: "player_stun", 42: "player_pass", 43: "player_steal",
            44: "player_block", 45: "player_interception", 46: "player_assist", 47: "player_shot_taken", 48: "player_stats_updated",
            50: "generic_event",
        ]
        return names[type] ?? "event_type_\(type)"
    }
}
