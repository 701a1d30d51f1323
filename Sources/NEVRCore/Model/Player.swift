/// One player: `teams[i].players[j]` in `/session`.
///
/// Every key is optional (builds differ by era); `nil` means the key was absent,
/// which is not the same as zero. A player is identified by the pair
/// (``slot``, ``userID``): slots are reused after a player leaves.
public struct Player: Hashable, Sendable {
    /// `name`: display name.
    public var name: String?
    /// `playerid`: slot in the session (0...15), reused after a leave. Says nothing about the team.
    public var slot: Int32?
    /// `userid`: account id (up to 16 digits; small on community servers).
    public var userID: UInt64?
    /// `number`: jersey number.
    public var number: Int32?
    /// `level`: 1-50; reads 0 for about two frames after a join.
    public var level: Int32?
    /// `ping` in milliseconds.
    public var ping: Int32?
    /// `packetlossratio`.
    public var packetLossRatio: Double?
    public var stunned: Bool?
    public var invulnerable: Bool?
    public var blocking: Bool?
    /// `possession`: this player holds the disc.
    public var possession: Bool?
    public var isEmotePlaying: Bool?
    /// `holding_left`: `none`, `geo`, `disc`, or a held player's slot as a string.
    public var holdingLeft: String?
    /// `holding_right`: as ``holdingLeft``.
    public var holdingRight: String?
    public var head: Pose?
    public var body: Pose?
    /// `lhand` (an object with `pos`, `forward`, `left`, `up`; 2018 builds sent a bare `[x,y,z]`,
    /// read into ``Pose/position`` with ``handsAreBareVectors`` set).
    public var leftHand: Pose?
    /// `rhand`, as ``leftHand``.
    public var rightHand: Pose?
    /// True when `lhand`/`rhand` were bare `[x,y,z]` arrays (2018 builds).
    public var handsAreBareVectors: Bool
    /// 2018 builds: the player's own `position`/`forward`/`left`/`up` keys.
    public var legacyPose: Pose?
    public var velocity: Vector3?
    public var stats: Stats?
    /// Combat: `Weapon`, `Ordnance`, `TacMod`, `Arm`.
    public var weapon: String?
    public var ordnance: String?
    public var tacMod: String?
    public var arm: String?
    /// Keys the model does not know, in input order.
    public var extras: [ExtraField]

    public init(
        name: String? = nil, slot: Int32? = nil, userID: UInt64? = nil, number: Int32? = nil,
        level: Int32? = nil, ping: Int32? = nil, packetLossRatio: Double? = nil, stunned: Bool? = nil,
        invulnerable: Bool? = nil, blocking: Bool? = nil, possession: Bool? = nil,
        isEmotePlaying: Bool? = nil, holdingLeft: String? = nil, holdingRight: String? = nil,
        head: Pose? = nil, body: Pose? = nil, leftHand: Pose? = nil, rightHand: Pose? = nil,
        handsAreBareVectors: Bool = false, legacyPose: Pose? = nil, velocity: Vector3? = nil,
        stats: Stats? = nil, weapon: String? = nil, ordnance: String? = nil, tacMod: String? = nil,
        arm: String? = nil, extras: [ExtraField] = []
    ) {
        self.name = name
        self.slot = slot
        self.userID = userID
        self.number = number
        self.level = level
        self.ping = ping
        self.packetLossRatio = packetLossRatio
        self.stunned = stunned
        self.invulnerable = invulnerable
        self.blocking = blocking
        self.possession = possession
        self.isEmotePlaying = isEmotePlaying
        self.holdingLeft = holdingLeft
        self.holdingRight = holdingRight
        self.head = head
        self.body = body
        self.leftHand = leftHand
        self.rightHand = rightHand
        self.handsAreBareVectors = handsAreBareVectors
        self.legacyPose = legacyPose
        self.velocity = velocity
        self.stats = stats
        self.weapon = weapon
        self.ordnance = ordnance
        self.tacMod = tacMod
        self.arm = arm
        self.extras = extras
    }
}
