/// `player`: the recording client's HMD pose in its own playspace.
public struct PlayspacePose: Hashable, Sendable {
    public var vrLeft: Vector3?
    public var vrPosition: Vector3?
    public var vrForward: Vector3?
    public var vrUp: Vector3?

    public init(vrLeft: Vector3? = nil, vrPosition: Vector3? = nil, vrForward: Vector3? = nil, vrUp: Vector3? = nil) {
        self.vrLeft = vrLeft
        self.vrPosition = vrPosition
        self.vrForward = vrForward
        self.vrUp = vrUp
    }
}
