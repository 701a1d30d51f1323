import NEVRCore
import NEVRGameAPI
import NEVRSimulator

/// Frames of a simulated match (``MatchSimulator``), spelled as the game's JSON.
struct SimulatorFrameSource: GameFrameSource {
    private var simulator: MatchSimulator

    init(options: SimulationOptions) {
        simulator = MatchSimulator(options: options)
    }

    mutating func next() -> RawFrame? {
        guard let frame = simulator.next() else { return nil }
        return RawFrame(
            timestamp: frame.timestamp, session: GameJSONWriter.bytes(frame.session),
            bones: frame.bones.map { GameJSONWriter.bytes($0) })
    }
}
