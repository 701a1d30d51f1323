import NEVRCore

extension EventAccuracy {
    /// Scores a simulated capture frame by frame: whoever runs the detectors (``run(options:detection:tolerance:)``,
    /// `nevr demo`, a test reading the game's JSON back) hands each frame's truth and
    /// detections here, and every caller gets the same matching rules: ``compare(truth:detected:tolerance:windows:playFrames:)``
    /// with the windows of ``windows(rate:detection:tolerance:)`` and the frames of running play
    /// those windows count in.
    ///
    /// ```swift
    /// var simulator = MatchSimulator(options: options)
    /// var processor = FrameProcessor()
    /// var matcher = EventAccuracy.Matcher(rate: options.rate)
    /// while let simulated = simulator.next() {
    ///     let frame = processor.process(session: simulated.session, bones: nil, timestamp: simulated.timestamp)
    ///     matcher.add(simulated, detected: frame.events)
    /// }
    /// let scores = matcher.result().scores
    /// ```
    public struct Matcher: Sendable {
        /// The sampling rate (Hz) the capture was taken at.
        public let rate: Double
        /// The options the detections were made with (their smoothing sets `big_boost`'s window).
        public let detection: EventDetectionOptions
        /// Frames a non-stat event may be off by.
        public let tolerance: Int
        private var truth: [Observation] = []
        private var detected: [Observation] = []
        /// Frames of running play up to each frame (index = frame index).
        private var playFrames: [Int] = []
        private var running = 0
        private var previousClock: Double?

        /// A matcher for a capture sampled at `rate` Hz whose events were detected with `detection`.
        public init(rate: Double, detection: EventDetectionOptions = .init(), tolerance: Int = 2) {
            self.rate = rate
            self.detection = detection
            self.tolerance = tolerance
        }

        /// Frames added so far.
        public var frames: Int { playFrames.count }

        /// Adds the next frame of the capture (every frame, in order, from frame 0) and what
        /// the detectors reported for it. Goal names are resolved to slots in `simulated.session`.
        public mutating func add(_ simulated: SimulatedFrame, detected events: [Event]) {
            let clock = simulated.session.gameClock
            if simulated.session.gameStatus == "playing", let clock, let previousClock, clock != previousClock { running += 1 }
            previousClock = clock
            playFrames.append(running)
            truth.append(contentsOf: simulated.truth.map(Observation.init))
            for event in events {
                detected.append(Observation(event, frameIndex: simulated.index, session: simulated.session))
            }
        }

        /// Counts per kind (truth, detected, matched) and the observations left unmatched.
        public func result() -> (scores: [EventKind: Score], missed: [Observation], spurious: [Observation]) {
            EventAccuracy.compare(truth: truth, detected: detected, tolerance: tolerance,
                                  windows: EventAccuracy.windows(rate: rate, detection: detection, tolerance: tolerance),
                                  playFrames: playFrames)
        }
    }
}
