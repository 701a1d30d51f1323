import NEVRCore

// `engine.v1` messages from the typed model (field numbers: proto/engine/v1/engine.proto).
//
// Every field present in the model is written, including zeros, `false` and empty
// strings, so files we write keep the JSON key presence; proto3 readers accept
// explicit zeros. Absent (`nil`) fields are not written.

extension ProtoWriter {
    /// A nested message; `lengthBytes` is the expected size of its length varint (2 for
    /// bodies usually 128 bytes to 16 KiB, which saves moving the body after writing it).
    @inlinable
    mutating func message<T>(_ field: Int, _ value: T?, lengthBytes: Int = 1, _ body: (inout ProtoWriter, T) -> Void) {
        guard let value else { return }
        let m = beginMessage(field, lengthBytes: lengthBytes)
        body(&self, value)
        endMessage(m, lengthBytes: lengthBytes)
    }

    @inlinable mutating func int32(_ field: Int, _ value: Int32?) { if let value { int32(field, value) } }
    @inlinable mutating func uint64(_ field: Int, _ value: UInt64?) { if let value { uint64(field, value) } }
    @inlinable mutating func bool(_ field: Int, _ value: Bool?) { if let value { bool(field, value) } }
    @inlinable mutating func double(_ field: Int, _ value: Double?) { if let value { double(field, value) } }
    @inlinable mutating func string(_ field: Int, _ value: String?) { if let value { string(field, value) } }
    @inlinable mutating func vector(_ field: Int, _ value: Vector3?) { if let value { vector(field, value) } }

    /// `SessionResponse` body.
    @usableFromInline
    mutating func session(_ s: Session) {
        int32(1, s.orangeTeamRestartRequest)
        string(2, s.sessionID)
        string(3, s.gameClockDisplay)
        string(4, s.gameStatus)
        string(5, s.sessionIP)
        string(6, s.matchType)
        string(7, s.mapName)
        message(8, s.disc, lengthBytes: 2) { $0.disc($1) }
        int32(11, s.blueRoundScore)
        int32(12, s.orangePoints.map(NevrcapWire.points))
        bool(14, s.privateMatch)
        int32(15, s.blueTeamRestartRequest)
        bool(16, s.tournamentMatch)
        int32(17, s.orangeRoundScore)
        int32(18, s.totalRoundCount)
        int32(19, s.bluePoints.map(NevrcapWire.points))
        message(20, s.lastThrow) { $0.lastThrow($1) }
        message(21, s.player) { $0.playspace($1) }
        message(22, s.pause) { $0.pause($1) }
        if let p = s.possession { packedInt32(23, [p.teamIndex, p.playerIndex]) }
        double(24, s.leftShoulderPressed)
        double(25, s.rightShoulderPressed)
        double(26, s.leftShoulderPressed2)
        double(27, s.rightShoulderPressed2)
        string(28, s.rulesChangedBy)
        uint64(29, s.rulesChangedAt)
        string(30, s.clientName)
        message(31, s.lastScore) { $0.lastScore($1) }
        if let teams = s.teams {
            for t in teams {
                let m = beginMessage(32, lengthBytes: 2)
                team(t)
                endMessage(m, lengthBytes: 2)
            }
        }
        bool(33, s.contested)
        double(34, s.payloadMultiplier)
        int32(35, s.payloadCheckpoint)
        double(36, s.payloadDistance)
        int32(37, s.payloadDefenders)
        double(38, s.payloadSpeed)
        double(39, s.gameClock)
        int32(40, s.errCode)
    }

    @usableFromInline
    mutating func disc(_ d: Disc) {
        vector(1, d.position)
        vector(2, d.forward)
        vector(3, d.left)
        vector(4, d.up)
        vector(5, d.velocity)
        int32(6, d.bounceCount)
    }

    @usableFromInline
    mutating func team(_ t: Team) {
        if let players = t.players {
            for p in players {
                let m = beginMessage(1, lengthBytes: 2)
                player(p)
                endMessage(m, lengthBytes: 2)
            }
        }
        string(2, t.name)
        bool(3, t.possession)
        message(4, t.stats) { $0.stats($1) }
    }

    @usableFromInline
    mutating func player(_ p: Player) {
        string(1, p.weapon)
        string(2, p.ordnance)
        string(3, p.tacMod)
        string(4, p.arm)
        message(5, p.head) { $0.bodyPart($1) }
        message(6, p.body) { $0.bodyPart($1) }
        uint64(7, p.userID)
        string(8, p.name)
        int32(9, p.slot)
        int32(10, p.number)
        int32(11, p.level)
        int32(12, p.ping)
        double(13, p.packetLossRatio)
        bool(14, p.stunned)
        bool(15, p.invulnerable)
        string(16, p.holdingLeft)
        string(17, p.holdingRight)
        bool(18, p.blocking)
        bool(19, p.isEmotePlaying)
        bool(20, p.possession)
        // 2018 bare-vector hands have no place in HandPart beyond `pos`; verify reports them.
        message(21, p.leftHand) { $0.handPart($1) }
        message(22, p.rightHand) { $0.handPart($1) }
        vector(23, p.velocity)
        message(24, p.stats) { $0.stats($1) }
    }

    /// `BodyPart` (position field 2) or `HandPart` (`pos`, field 1); orientation fields 3, 4, 5.
    @inlinable
    mutating func pose(_ pose: Pose, positionField: Int) {
        vector(positionField, pose.position)
        vector(3, pose.forward)
        vector(4, pose.left)
        vector(5, pose.up)
    }

    @inlinable mutating func bodyPart(_ p: Pose) { pose(p, positionField: 2) }
    @inlinable mutating func handPart(_ p: Pose) { pose(p, positionField: 1) }

    @usableFromInline
    mutating func stats(_ s: Stats) {
        double(1, s.possessionTime)
        int32(2, s.points)
        int32(3, s.saves)
        int32(4, s.goals)
        int32(5, s.stuns)
        int32(6, s.passes)
        int32(7, s.catches)
        int32(8, s.steals)
        int32(9, s.blocks)
        int32(10, s.interceptions)
        int32(11, s.assists)
        int32(12, s.shotsTaken)
    }

    @usableFromInline
    mutating func lastScore(_ s: LastScore) {
        double(1, s.discSpeed)
        string(2, s.team)
        string(3, s.goalType)
        int32(4, s.pointAmount)
        double(5, s.distanceThrown)
        string(6, s.personScored)
        string(7, s.assistScored)
    }

    @usableFromInline
    mutating func lastThrow(_ t: LastThrow) {
        double(1, t.armSpeed)
        double(2, t.totalSpeed)
        double(3, t.offAxisSpinDeg)
        double(4, t.wristThrowPenalty)
        double(5, t.rotPerSec)
        double(6, t.potSpeedFromRot)
        double(7, t.speedFromArm)
        double(8, t.speedFromMovement)
        double(9, t.speedFromWrist)
        double(10, t.wristAlignToThrowDeg)
        double(11, t.throwAlignToMovementDeg)
        double(12, t.offAxisPenalty)
        double(13, t.throwMovePenalty)
    }

    @usableFromInline
    mutating func pause(_ p: PauseState) {
        string(1, p.pausedState)
        string(2, p.unpausedTeam)
        string(3, p.pausedRequestedTeam)
        double(4, p.unpausedTimer)
        double(5, p.pausedTimer)
    }

    @usableFromInline
    mutating func playspace(_ p: PlayspacePose) {
        vector(1, p.vrLeft)
        vector(2, p.vrPosition)
        vector(3, p.vrForward)
        vector(4, p.vrUp)
    }

    /// `PlayerBonesResponse` body (packed-float bones, the current schema).
    @usableFromInline
    mutating func bones(_ b: PlayerBones) {
        if let users = b.userBones {
            for u in users {
                let m = beginMessage(1, lengthBytes: 2)
                if let t = u.translations { packedFloats(1, t) }
                int32(2, u.slot)
                if let o = u.orientations { packedFloats(3, o) }
                endMessage(m, lengthBytes: 2)
            }
        }
        int32(2, b.errCode)
    }

    /// `google.protobuf.Timestamp` body (canonical: zero fields omitted).
    @usableFromInline
    mutating func timestamp(_ t: Timestamp) {
        let s = t.seconds
        let n = t.nanos
        if s != 0 { int64(1, s) }
        if n != 0 { int32(2, n) }
    }
}
