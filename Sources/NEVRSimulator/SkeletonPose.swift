import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `/player_bones` for the simulated people: 23 bones each (`bone_t` 69 floats on the
/// 1/1000 grid, `bone_o` 92 floats, unit quaternions), moving gently with time. Pure
/// functions of (tick, slot, phase): bones never touch the match's random stream, so
/// asking for them does not change the match.
enum SkeletonPose {
    static let boneCount = 23

    /// Rest positions (metres, local to the player; +y up, +z forward).
    static let rest: [(Double, Double, Double)] = [
        (0, 0, 0), (0, 0.1, 0), (0, 0.25, 0), (0, 0.4, 0), (0, 0.55, 0.02), (0, 0.65, 0.03),  // pelvis .. head
        (-0.08, 0.5, 0), (-0.2, 0.48, 0), (-0.45, 0.45, 0.05), (-0.68, 0.42, 0.1), (-0.76, 0.41, 0.12),  // left arm
        (0.08, 0.5, 0), (0.2, 0.48, 0), (0.45, 0.45, 0.05), (0.68, 0.42, 0.1), (0.76, 0.41, 0.12),  // right arm
        (-0.1, -0.05, 0), (-0.12, -0.45, 0.02), (-0.12, -0.85, 0), (-0.12, -0.9, 0.12),  // left leg
        (0.1, -0.05, 0), (0.12, -0.45, 0.02), (0.12, -0.85, 0),  // right leg
    ]

    static func bones(_ engine: MatchEngine) -> PlayerBones {
        var list: [UserBones] = []
        let t = Double(engine.tick) / MatchEngine.hz
        for team in engine.members {
            for i in team {
                let p = engine.people[i]
                var translations = [Float]()
                translations.reserveCapacity(boneCount * 3)
                var orientations = [Float]()
                orientations.reserveCapacity(boneCount * 4)
                for (b, r) in rest.enumerated() {
                    let w = sin(t * (1.3 + Double(b) * 0.07) + p.phase + Double(b))
                    let swing = b >= 6 && b <= 15 ? 0.06 : 0.015
                    translations.append(Float(GameGrid.milli(r.0 + swing * w)))
                    translations.append(Float(GameGrid.milli(r.1 + swing * 0.5 * w)))
                    translations.append(Float(GameGrid.milli(r.2 + swing * cos(t + Double(b)))))
                    // A small rotation about a bone-specific axis.
                    let angle = 0.3 * w
                    let axis = V3(sin(Double(b)), cos(Double(b) * 1.7), 0.5).normalized
                    let s = sin(angle / 2)
                    // As the reader gets them back from the game's 8-digit spelling.
                    orientations.append(Float(GameGrid.float32(axis.x * s)))
                    orientations.append(Float(GameGrid.float32(axis.y * s)))
                    orientations.append(Float(GameGrid.float32(axis.z * s)))
                    orientations.append(Float(GameGrid.float32(cos(angle / 2))))
                }
                list.append(UserBones(slot: p.slot, translations: translations, orientations: orientations))
            }
        }
        return PlayerBones(userBones: list, errCode: 0)
    }
}
