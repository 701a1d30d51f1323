import NEVRCore

/// Internal kinematics are `SIMD3<Double>`; output goes through ``GameGrid``.
typealias V3 = SIMD3<Double>

extension SIMD3 where Scalar == Double {
    @inline(__always) var length: Double { (x * x + y * y + z * z).squareRoot() }
    @inline(__always) func dot(_ o: V3) -> Double { x * o.x + y * o.y + z * o.z }
    @inline(__always) func cross(_ o: V3) -> V3 { V3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x) }
    @inline(__always) var normalized: V3 {
        let l = length
        return l > 1e-9 ? self / l : V3(0, 0, 1)
    }
    /// This vector shortened to at most `maxLength`.
    @inline(__always) func clamped(maxLength: Double) -> V3 {
        let l = length
        return l > maxLength ? self * (maxLength / l) : self
    }
}

/// The game's value grids: it computes in 32-bit floats, quantizes kinematics to 1/1000
/// (`Float(k) * 0.001`) and prints 8 significant digits. The model holds the `Double`
/// nearest to that printed text (what ``GameJSONReader`` reads back and what the NEVR Go
/// tools store in `.nevrcap`), so a simulated frame survives a write-read round trip exactly.
public enum GameGrid {
    /// The `Double` nearest to the game's spelling of `f`.
    public static func printed(_ f: Float) -> Double {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: GameFloatFormatter.maxLength) { buf in
            let n = GameFloatFormatter.format(Double(f), into: buf.baseAddress!)
            return Double(String(decoding: UnsafeBufferPointer(rebasing: buf[..<n]), as: UTF8.self)) ?? Double(f)
        }
    }

    static let tableRange = 60_000
    /// Printed values of `Float(k) * 0.001` for |k| <= 60000 (every coordinate in the arena).
    static let milliTable: [Double] = (-tableRange...tableRange).map { printed(Float($0) * Float(0.001)) }

    /// `value` on the 1/1000 grid as the game computes and prints it: `Float(k) * 0.001`
    /// in 32-bit arithmetic, `k = round(value * 1000)`.
    @inline(__always)
    public static func milli(_ value: Double) -> Double {
        let k = (value * 1000).rounded()
        if abs(k) <= Double(tableRange) { return milliTable[Int(k) + tableRange] }
        return printed(Float(k) * Float(0.001))
    }

    /// A continuous quantity (possession time, speeds, the clock) as the game prints its float.
    @inline(__always)
    public static func float32(_ value: Double) -> Double { printed(Float(value)) }

    static func vector(_ v: V3) -> Vector3 { Vector3(milli(v.x), milli(v.y), milli(v.z)) }

    /// True when `value` is the printed form of `Float(k) * 0.001` for some integer `k`.
    public static func isOnMilliGrid(_ value: Double) -> Bool { milli(value) == value }
}

/// An orthonormal orientation (`forward`, `left`, `up`) as the game reports it.
struct Basis {
    var forward: V3
    var left: V3
    var up: V3

    /// Heading `yaw` around +y (0 looks toward +z), `pitch` up positive, `roll` around forward.
    init(yaw: Double, pitch: Double, roll: Double = 0) {
        let cp = cos(pitch)
        let f = V3(cp * sin(yaw), sin(pitch), cp * cos(yaw))
        // The game's vectors satisfy left = up x forward and up = forward x left.
        var l = V3(0, 1, 0).cross(f).normalized
        var u = f.cross(l)
        if roll != 0 {
            let c = cos(roll), s = sin(roll)
            let l2 = l * c + u * s
            u = u * c - l * s
            l = l2
        }
        forward = f
        left = l
        up = u
    }

    func pose(at position: V3) -> Pose {
        Pose(
            position: GameGrid.vector(position), forward: GameGrid.vector(forward),
            left: GameGrid.vector(left), up: GameGrid.vector(up))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
