import Foundation
import NEVRCore

/// Where and how a disc went into a goal, as Spark reports it.
///
/// The goal a disc is in is told by the side of the arena (`z < 0`: the blue goal at
/// z = -36). The angle is between the disc's velocity and the direction into that goal
/// (`(0, 0, -1)` for blue, `(0, 0, 1)` for orange); above 90 degrees the disc was
/// moving out of the goal when it counted, i.e. it came off the backboard: the angle is
/// folded to `180 - angle` and ``backboard`` is set.
public struct SparkGoalGeometry: Sendable, Equatable {
    /// Degrees, 0...90.
    public var angle: Double
    /// True when the disc came off the backboard (the angle was folded).
    public var backboard: Bool
    /// `blue` or `orange`: the goal the disc went into.
    public var goalColor: String

    /// The geometry of a disc at `position` moving with `velocity` when the goal counted.
    public init(position: Vector3, velocity: Vector3) {
        goalColor = position.z < 0 ? "blue" : "orange"
        let into = position.z < 0 ? -1.0 : 1.0
        let speed = velocity.length
        guard speed > 0, speed.isFinite else {
            angle = 0
            backboard = false
            return
        }
        let cosine = max(-1, min(1, velocity.z * into / speed))
        var degrees = acos(cosine) * 180 / Double.pi
        backboard = degrees > 90
        if backboard { degrees = 180 - degrees }
        angle = degrees
    }
}
