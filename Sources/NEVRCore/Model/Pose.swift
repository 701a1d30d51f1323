/// A position with an orientation given as three unit vectors.
///
/// Used for `head`, `body` (key `position`) and the hands `lhand`/`rhand`
/// (key `pos`); the writer picks the key from where the pose sits.
public struct Pose: Hashable, Sendable {
    public var position: Vector3?
    public var forward: Vector3?
    public var left: Vector3?
    public var up: Vector3?

    public init(position: Vector3? = nil, forward: Vector3? = nil, left: Vector3? = nil, up: Vector3? = nil) {
        self.position = position
        self.forward = forward
        self.left = left
        self.up = up
    }
}
