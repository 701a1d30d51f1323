/// `last_throw`: thirteen numbers about the recording client's own last throw.
/// All zero until that player throws. Field order is the game's (and the
/// protobuf field numbers 1...13 of `LastThrowInfo`).
public struct LastThrow: Hashable, Sendable {
    public var armSpeed: Double?
    public var totalSpeed: Double?
    public var offAxisSpinDeg: Double?
    public var wristThrowPenalty: Double?
    public var rotPerSec: Double?
    public var potSpeedFromRot: Double?
    public var speedFromArm: Double?
    public var speedFromMovement: Double?
    public var speedFromWrist: Double?
    public var wristAlignToThrowDeg: Double?
    public var throwAlignToMovementDeg: Double?
    public var offAxisPenalty: Double?
    public var throwMovePenalty: Double?

    public init(
        armSpeed: Double? = nil, totalSpeed: Double? = nil, offAxisSpinDeg: Double? = nil,
        wristThrowPenalty: Double? = nil, rotPerSec: Double? = nil, potSpeedFromRot: Double? = nil,
        speedFromArm: Double? = nil, speedFromMovement: Double? = nil, speedFromWrist: Double? = nil,
        wristAlignToThrowDeg: Double? = nil, throwAlignToMovementDeg: Double? = nil,
        offAxisPenalty: Double? = nil, throwMovePenalty: Double? = nil
    ) {
        self.armSpeed = armSpeed
        self.totalSpeed = totalSpeed
        self.offAxisSpinDeg = offAxisSpinDeg
        self.wristThrowPenalty = wristThrowPenalty
        self.rotPerSec = rotPerSec
        self.potSpeedFromRot = potSpeedFromRot
        self.speedFromArm = speedFromArm
        self.speedFromMovement = speedFromMovement
        self.speedFromWrist = speedFromWrist
        self.wristAlignToThrowDeg = wristAlignToThrowDeg
        self.throwAlignToMovementDeg = throwAlignToMovementDeg
        self.offAxisPenalty = offAxisPenalty
        self.throwMovePenalty = throwMovePenalty
    }
}
