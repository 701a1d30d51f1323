/// A 3-component vector as the game sends it: `[x, y, z]`, metres or unit directions.
///
/// Components are `Double` holding the value nearest to the decimal text the game
/// printed (the game itself computes in 32-bit floats and prints 8 significant
/// digits). Keeping the nearest double to the text, rather than the float, is what
/// the Go NEVR tools store in `.nevrcap`, so both sides read and write the same bits.
public struct Vector3: Hashable, Sendable {
    /// First component (`[x, y, z]`).
    public var x: Double
    /// Second component (up in the arena).
    public var y: Double
    /// Third component.
    public var z: Double

    /// A vector from its components.
    @inlinable
    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// `[0, 0, 0]`.
    public static let zero = Vector3(0, 0, 0)

    /// Euclidean length.
    @inlinable
    public var length: Double { (x * x + y * y + z * z).squareRoot() }
}
