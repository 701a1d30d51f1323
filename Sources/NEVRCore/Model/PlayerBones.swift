/// One typed `/player_bones` response.
///
/// About 1% of polls answer `{"err_code":0}` with no `user_bones`: ``userBones`` is then
/// `nil`, distinct from an empty array and from "no bones recorded" (no `PlayerBones` at all).
public struct PlayerBones: Hashable, Sendable {
    public var userBones: [UserBones]?
    public var errCode: Int32?
    public var extras: [ExtraField]

    public init(userBones: [UserBones]? = nil, errCode: Int32? = nil, extras: [ExtraField] = []) {
        self.userBones = userBones
        self.errCode = errCode
        self.extras = extras
    }
}

/// The skeleton of one player.
public struct UserBones: Hashable, Sendable {
    /// `playerid`: the player's slot.
    public var slot: Int32?
    /// `bone_t`: 3 floats per bone (position local to the player).
    public var translations: [Float]?
    /// `bone_o`: 4 floats per bone (quaternion x, y, z, w).
    public var orientations: [Float]?

    public init(slot: Int32? = nil, translations: [Float]? = nil, orientations: [Float]? = nil) {
        self.slot = slot
        self.translations = translations
        self.orientations = orientations
    }

    /// Bones in this skeleton, derived from the array lengths (23 in every known client).
    public var boneCount: Int { max((translations?.count ?? 0) / 3, (orientations?.count ?? 0) / 4) }
}
