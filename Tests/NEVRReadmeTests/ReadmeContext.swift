import Foundation
import NEVRCore
import NEVRGameAPI

// Names the README's and the DocC articles' snippets use without declaring them (they stand
// for "your bytes", "your frames"...). Declared here once so each snippet compiles as written.
// Nothing here runs: ReadmeSnippets.swift is compiled, not called.

/// A `/session` body.
let bytes: [UInt8] = []
/// A `/session` body (the publisher snippet's name for it).
let sessionBytes: [UInt8] = []
/// A `/player_bones` body.
let bonesBytes: [UInt8] = []
/// A typed session.
let session = Session()
/// A capture instant.
let t = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
/// The current instant.
let now = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407)
/// A processed frame.
let frame = Frame(index: 0, timestamp: t, session: session)
/// Processed frames.
let frames: [Frame] = [frame]
/// An output file.
let out = URL(fileURLWithPath: "/tmp/nevr-readme-snippet.nevrcap")
/// Raw frames arriving asynchronously.
let rawFrames = AsyncStream<RawFrame> { $0.finish() }
/// A sink of the reader's own.
let mySink: any FrameSink = FanOutFrameSink([])
/// Seconds on the caller's clock (the overlay snippet's `now:`).
let seconds: Double = 0
