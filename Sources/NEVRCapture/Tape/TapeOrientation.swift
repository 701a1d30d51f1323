import NEVRCore

/// The engine's three direction vectors ↔ a unit quaternion, as tape's converter does it
/// (`tape.md` §5): the rotation matrix has columns left, up, forward (engine X, Y, Z); it is
/// turned into a quaternion with Shepperd's trace / largest-diagonal branches in float64 and
/// narrowed to float32. The way back expands the quaternion to the same matrix and reads the
/// columns, so the result is orthonormal (not the engine's grid-rounded vectors).
enum TapeOrientation {
    static func quaternion(forward f: Vector3, left l: Vector3, up u: Vector3) -> TapeQuat {
        let (m00, m01, m02) = (l.x, u.x, f.x)
        let (m10, m11, m12) = (l.y, u.y, f.y)
        let (m20, m21, m22) = (l.z, u.z, f.z)
        let trace = m00 + m11 + m22
        var x: Double, y: Double, z: Double, w: Double
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            w = 0.25 * s
            x = (m21 - m12) / s
            y = (m02 - m20) / s
            z = (m10 - m01) / s
        } else if m00 > m11 && m00 > m22 {
            let s = (1 + m00 - m11 - m22).squareRoot() * 2
            w = (m21 - m12) / s
            x = 0.25 * s
            y = (m01 + m10) / s
            z = (m02 + m20) / s
        } else if m11 > m22 {
            let s = (1 + m11 - m00 - m22).squareRoot() * 2
            w = (m02 - m20) / s
            x = (m01 + m10) / s
            y = 0.25 * s
            z = (m12 + m21) / s
        } else {
            let s = (1 + m22 - m00 - m11).squareRoot() * 2
            w = (m10 - m01) / s
            x = (m02 + m20) / s
            y = (m12 + m21) / s
            z = 0.25 * s
        }
        // Degenerate input (zero vectors, NaN) gives identity rather than NaN on the wire.
        if !(x.isFinite && y.isFinite && z.isFinite && w.isFinite) { (x, y, z, w) = (0, 0, 0, 1) }
        return TapeQuat(Float(x), Float(y), Float(z), Float(w))
    }

    /// `(forward, left, up)` of a quaternion: columns 2, 0 and 1 of its rotation matrix.
    /// The quaternion is normalized first: one converted from the engine's grid-rounded,
    /// not quite orthonormal vectors (ours and tape's converter alike) is off unit length by up
    /// to ~0.3%, and expanding it as is would give a basis off by as much (it would not survive
    /// a second round trip).
    static func axes(_ q: TapeQuat) -> (forward: Vector3, left: Vector3, up: Vector3) {
        var x = Double(q.x), y = Double(q.y), z = Double(q.z), w = Double(q.w)
        let norm = (x * x + y * y + z * z + w * w).squareRoot()
        if norm.isFinite && norm > 0 { (x, y, z, w) = (x / norm, y / norm, z / norm, w / norm) }
        let left = Vector3(1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w))
        let up = Vector3(2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w))
        let forward = Vector3(2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y))
        return (forward, left, up)
    }
}
