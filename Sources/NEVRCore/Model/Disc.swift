/// The disc: `disc` in `/session`.
public struct Disc: Hashable, Sendable {
    public var position: Vector3?
    public var forward: Vector3?
    public var left: Vector3?
    public var up: Vector3?
    public var velocity: Vector3?
    public var bounceCount: Int32?

    public init(
        position: Vector3? = nil, forward: Vector3? = nil, left: Vector3? = nil, up: Vector3? = nil,
        velocity: Vector3? = nil, bounceCount: Int32? = nil
    ) {
        self.position = position
        self.forward = forward
        self.left = left
        self.up = up
        self.velocity = velocity
        self.bounceCount = bounceCount
    }
}
