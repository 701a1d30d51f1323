import ArgumentParser
import NEVRCapture

/// `--frames A:B` (see ``CaptureFrameRange``).
extension CaptureFrameRange: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
