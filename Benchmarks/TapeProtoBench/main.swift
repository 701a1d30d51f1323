// Hand-written telemetry v2 wire codec (TapeWire over ProtoReader/ProtoWriter) against
// swift-protobuf 1.39.0 generated code for the same .proto files, on the same frames
// (rates per CPU-second of the benchmark thread, best of 5 rounds).
// Built and run by scripts/proto-bench.sh (never part of the package: SwiftProtobuf is not a
// dependency of nevr-telemetry). Prints frames/s for encode and decode and the ratios.
import Foundation
import NEVRCore
import NEVRSimulator
import SwiftProtobuf

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)  // CPU time of this thread: the machine is shared
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let args = CommandLine.arguments
let bones = args.contains("--bones")
var sim = MatchSimulator(options: SimulationOptions(seed: 3, duration: 60, rate: 30, players: 10, bones: bones))
var encoder: TapeFrameEncoder?
var frames: [TapeFrame] = []
while let f = sim.next() {
    if encoder == nil { encoder = TapeFrameEncoder(createdAt: f.timestamp) }
    frames.append(encoder!.encode(f.frame))
}

// Hand-written: encode every frame once to get the bytes both decoders read.
var writer = ProtoWriter(capacity: 1 << 16)
var handBytes: [[UInt8]] = []
for f in frames {
    writer.removeAll()
    TapeWire.encode(f, into: &writer)
    handBytes.append(Array(writer.bytes))
}
// Generated: parse the same bytes into generated messages (also proves the wire agrees).
var generated: [Telemetry_V2_Envelope] = []
for b in handBytes { generated.append(try Telemetry_V2_Envelope(serializedBytes: b)) }
var identical = 0
for (g, b) in zip(generated, handBytes) where try g.serializedBytes() as [UInt8] == b { identical += 1 }

let rounds = 5
func best(_ body: () throws -> Void) rethrows -> Double {
    var t = Double.infinity
    for _ in 0..<rounds {
        let s = now()
        try body()
        t = min(t, now() - s)
    }
    return t
}
var sink = 0
let handEncode = best {
    for f in frames {
        writer.removeAll()
        TapeWire.encode(f, into: &writer)
        sink &+= writer.count
    }
}
let genEncode = try best {
    for g in generated {
        let b: [UInt8] = try g.serializedBytes()
        sink &+= b.count
    }
}
var notes = NevrcapDecodeNotes()
let handDecode = try best {
    for b in handBytes {
        let e = try b.withUnsafeBytes { try TapeWire.decodeEnvelope($0, notes: &notes) }
        if case .frame(let f) = e { sink &+= f.echoArena?.players.count ?? 0 }
    }
}
let genDecode = try best {
    for b in handBytes {
        let e = try Telemetry_V2_Envelope(serializedBytes: b)
        sink &+= e.frame.echoArena.players.count
    }
}
let n = Double(frames.count)
let bytesPerFrame = Double(handBytes.reduce(0) { $0 + $1.count }) / n
print("frames: \(frames.count) (10 players\(bones ? ", bones" : "")), \(String(format: "%.0f", bytesPerFrame)) B/frame protobuf, generated re-encodes \(identical)/\(frames.count) byte-identical")
print(String(format: "encode  hand %.0f frames/s  swift-protobuf %.0f frames/s  hand/generated %.2fx", n / handEncode, n / genEncode, genEncode / handEncode))
print(String(format: "decode  hand %.0f frames/s  swift-protobuf %.0f frames/s  hand/generated %.2fx", n / handDecode, n / genDecode, genDecode / handDecode))
if sink == 42 { print("") }
