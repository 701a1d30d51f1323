import NEVRCore
import NEVRSimulator

/// Frames of a simulated match (``MatchSimulator``), spelled as the game's JSON.
public struct SimulatorFrameSource: GameFrameSource {
    private var simulator: MatchSimulator

    public init(options: SimulationOptions) {
        simulator = MatchSimulator(options: options)
    }

    public mutating func next() -> RawFrame? {
        guard let frame = simulator.next() else { return nil }
        return RawFrame(
            timestamp: frame.timestamp, session: GameJSONWriter.bytes(frame.session),
            bones: frame.bones.map { GameJSONWriter.bytes($0) })
    }
}
