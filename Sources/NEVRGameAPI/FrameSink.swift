/// Where the live recorder puts what it polls: a file writer, a stream client,
/// or several of them (``FanOutFrameSink``).
///
/// The recorder calls a sink from one task, in this order per segment:
/// `beginSegment`, `write`... (with `flush` at least once a second while frames
/// arrive, and when idle), `endSegment`; `finish` once at the end of the recording.
/// A thrown error stops the recording (the error names what failed).
///
/// ```swift
/// actor PrintingSink: FrameSink {
///     func write(_ frame: PolledFrame) async throws { print(frame.sequence, frame.raw.session.count) }
/// }
/// ```
public protocol FrameSink: Sendable {
    /// A new `sessionid` appeared. Returns a short description of where the segment
    /// goes (a file path) for status lines, or `nil`.
    func beginSegment(_ segment: RecordingSegment) async throws -> String?
    /// One polled frame of the current segment.
    func write(_ frame: PolledFrame) async throws
    /// Make everything written so far durable enough to survive a killed process.
    func flush() async throws
    /// The current segment is over (session changed, the game left the match, or the recording stops).
    func endSegment() async throws
    /// The recording is over; no more calls follow.
    func finish() async throws
}

extension FrameSink {
    /// Default: nothing to open, no destination to report.
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? { nil }
    /// Default: nothing buffered.
    public func flush() async throws {}
    /// Default: nothing to close.
    public func endSegment() async throws {}
    /// Default: nothing to finish.
    public func finish() async throws {}
}

/// Sends every call to several sinks in order (e.g. `.echoreplay` and `.nevrcap`
/// files, plus a WebSocket stream).
public struct FanOutFrameSink: FrameSink {
    /// The sinks, called in this order.
    public let sinks: [any FrameSink]

    /// A sink that forwards every call to each of `sinks` in order.
    public init(_ sinks: [any FrameSink]) {
        self.sinks = sinks
    }

    /// Begins the segment in every sink; the destinations they report, joined with `, `.
    public func beginSegment(_ segment: RecordingSegment) async throws -> String? {
        var names: [String] = []
        for sink in sinks {
            if let name = try await sink.beginSegment(segment) { names.append(name) }
        }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    /// The same frame (raw bytes, typed frame, events) to every sink.
    public func write(_ frame: PolledFrame) async throws {
        for sink in sinks { try await sink.write(frame) }
    }

    /// Flushes every sink.
    public func flush() async throws {
        for sink in sinks { try await sink.flush() }
    }

    /// Ends the segment in every sink.
    public func endSegment() async throws {
        for sink in sinks { try await sink.endSegment() }
    }

    /// Finishes every sink.
    public func finish() async throws {
        for sink in sinks { try await sink.finish() }
    }
}
