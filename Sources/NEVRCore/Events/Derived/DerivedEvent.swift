/// Events derived from play rather than read off one changed field: Spark's jousts, big
/// boosts, playspace abuse, turnovers and interceptions, throw details for every player,
/// stuns with their victim, and restart and pause requests (`spark-events.md`).
///
/// They travel inside ``Event/derived(_:)`` so that every consumer of the event stream
/// (`nevr events`, `.nevrcap`, the hub, overlays) carries them with no code of its own.
/// Their `.nevrcap` oneof numbers are 100-108 (``EventKind``), clear of the NEVR tools'
/// 10-60. Each is found by one small detector (``JoustDetector``, ``BigBoostDetector``,
/// ``PlayspaceAbuseDetector``, ``TurnoverDetector``, ``ThrowDetailsDetector``,
/// ``StunVictimDetector``, ``TerminalRequestDetector``) with thresholds in
/// ``DerivedEventThresholds``.
public enum DerivedEvent: Hashable, Sendable {
    /// A team's launch at the start of a round (neutral) or after a goal on its side (defensive).
    case joust(Joust)
    /// A player went faster than the boost threshold for about a second.
    case bigBoost(BigBoost)
    /// A player's head left the spot their locomotion put them at by more than the limit.
    case playspaceAbuse(PlayspaceAbuse)
    /// The disc went from one team's last holder to a player of the other team (no save).
    case turnover(Possession)
    /// A turnover confirmed two game seconds later (the catcher's saves still unchanged).
    case interception(Possession)
    /// How one player's throw left the hand (every player, not only the recording client).
    case throwDetails(ThrowDetails)
    /// A stun matched with its victim.
    case stun(Stun)
    /// A team asked for a restart at its terminal.
    case restartRequest(TerminalRequest)
    /// A team asked for a pause (reported when the game enters `paused`).
    case pauseRequest(TerminalRequest)

    /// `Joust.JoustType`.
    public enum JoustType: Int32, Hashable, Sendable {
        case unspecified = 0
        case neutral = 1
        case defensive = 2

        /// The enum value's name in `engine.proto` (`JOUST_TYPE_...`), as `nevr events --json` writes it.
        public var protoName: String {
            switch self {
            case .unspecified: "JOUST_TYPE_UNSPECIFIED"
            case .neutral: "JOUST_TYPE_NEUTRAL"
            case .defensive: "JOUST_TYPE_DEFENSIVE"
            }
        }
    }

    /// `ThrowDetails.Hand`.
    public enum Hand: Int32, Hashable, Sendable {
        case unspecified = 0
        case left = 1
        case right = 2

        /// The enum value's name in `engine.proto` (`HAND_...`), as `nevr events --json` writes it.
        public var protoName: String {
            switch self {
            case .unspecified: "HAND_UNSPECIFIED"
            case .left: "HAND_LEFT"
            case .right: "HAND_RIGHT"
            }
        }
    }

    /// A joust: the first player of a team to cross the centre line after the disc is released, and how fast.
    public struct Joust: Hashable, Sendable {
        /// The first player of the team whose head crossed the centre line.
        public var slot: Int32
        /// The team that jousted (blue or orange).
        public var team: Role
        /// Neutral (round start, disc at the centre) or defensive (after a goal, disc at one end).
        public var type: JoustType
        /// Game seconds from `round_start -> playing` to the crossing.
        public var time: Double
        /// That player's top speed (m/s) during the joust.
        public var maxSpeed: Double
        /// That player's speed when their head left the launch tube (|z| = 40), 0 if not seen.
        public var tubeExitSpeed: Double

        /// A joust with every field given.
        public init(slot: Int32, team: Role, type: JoustType, time: Double, maxSpeed: Double, tubeExitSpeed: Double) {
            self.slot = slot
            self.team = team
            self.type = type
            self.time = time
            self.maxSpeed = maxSpeed
            self.tubeExitSpeed = tubeExitSpeed
        }
    }

    /// A big boost: one player's sustained top speed, reported when the boost ends.
    public struct BigBoost: Hashable, Sendable {
        /// The boosting player's slot (the game's `playerid`, as in every event).
        public var slot: Int32
        /// The 99th-percentile speed (m/s) of the player's recent speeds.
        public var speed: Double
        /// Game seconds between that speed and the frame reporting the boost.
        public var secondsAgo: Double

        /// A big boost with every field given.
        public init(slot: Int32, speed: Double, secondsAgo: Double) {
            self.slot = slot
            self.speed = speed
            self.secondsAgo = secondsAgo
        }
    }

    /// Playspace abuse: a player's head too far from the point their locomotion put them at.
    public struct PlayspaceAbuse: Hashable, Sendable {
        /// The player's slot.
        public var slot: Int32
        /// Metres between the head and the tracked playspace point.
        public var distance: Double

        /// A playspace abuse with every field given.
        public init(slot: Int32, distance: Double) {
            self.slot = slot
            self.distance = distance
        }
    }

    /// The catcher and the player of the other team who held the disc last.
    public struct Possession: Hashable, Sendable {
        /// The slot of the player who now holds the disc.
        public var slot: Int32
        /// The slot of the other team's player who held it last.
        public var previousSlot: Int32

        /// A possession change with both players given.
        public init(slot: Int32, previousSlot: Int32) {
            self.slot = slot
            self.previousSlot = previousSlot
        }
    }

    /// How a throw left the hand: disc speed, speed relative to the thrower, hand, underhandedness.
    public struct ThrowDetails: Hashable, Sendable {
        /// The thrower's slot.
        public var slot: Int32
        /// |disc velocity| (m/s) at the release.
        public var discSpeed: Double
        /// |disc velocity - thrower velocity| (m/s) at the release.
        public var relativeSpeed: Double
        /// The hand nearer the disc in the frame before the release.
        public var hand: Hand
        /// head-up · (hand - head): negative for a hand below the head.
        public var underhandedness: Double

        /// Throw details with every field given.
        public init(slot: Int32, discSpeed: Double, relativeSpeed: Double, hand: Hand, underhandedness: Double) {
            self.slot = slot
            self.discSpeed = discSpeed
            self.relativeSpeed = relativeSpeed
            self.hand = hand
            self.underhandedness = underhandedness
        }
    }

    /// A stun with its victim: the stunner's `stuns` rose and the victim's `stunned` rose within ``DerivedEventThresholds/stunMatchSeconds``.
    public struct Stun: Hashable, Sendable {
        /// The stunner's slot.
        public var slot: Int32
        /// The stunned player's slot.
        public var victimSlot: Int32

        /// A stun with both players given.
        public init(slot: Int32, victimSlot: Int32) {
            self.slot = slot
            self.victimSlot = victimSlot
        }
    }

    /// A restart or pause request by a team at its terminal, with the nearest player of that team.
    public struct TerminalRequest: Hashable, Sendable {
        /// The requesting team.
        public var team: Role
        /// The requesting team's player whose hand was nearest its terminal, -1 if none.
        public var slot: Int32
        /// That hand's distance to the terminal (m), 0 when no player.
        public var distance: Double

        /// A request with every field given.
        public init(team: Role, slot: Int32, distance: Double) {
            self.team = team
            self.slot = slot
            self.distance = distance
        }
    }

    /// The event kind (and `.nevrcap` oneof number, 100-108) of this derived event.
    public var kind: EventKind {
        switch self {
        case .joust: .joust
        case .bigBoost: .bigBoost
        case .playspaceAbuse: .playspaceAbuse
        case .turnover: .turnover
        case .interception: .interception
        case .throwDetails: .throwDetails
        case .stun: .stun
        case .restartRequest: .restartRequest
        case .pauseRequest: .pauseRequest
        }
    }

    /// The acting player's slot (-1 for a request without a player).
    public var slot: Int32 {
        switch self {
        case .joust(let j): j.slot
        case .bigBoost(let b): b.slot
        case .playspaceAbuse(let p): p.slot
        case .turnover(let p), .interception(let p): p.slot
        case .throwDetails(let t): t.slot
        case .stun(let s): s.slot
        case .restartRequest(let r), .pauseRequest(let r): r.slot
        }
    }
}

extension EventKind {
    /// The derived kinds (``DerivedEvent``), `.nevrcap` numbers 100-108.
    public static let derivedKinds: [EventKind] = [
        .joust, .bigBoost, .playspaceAbuse, .turnover, .interception, .throwDetails, .stun, .restartRequest, .pauseRequest,
    ]

    /// A kind of ``DerivedEvent``.
    public var isDerived: Bool { rawValue >= 100 && rawValue <= 108 }
}
