import FuzzSupport
import NEVRCapture
import NEVRCore

/// libFuzzer entry: the three binary capture readers that are not `.nevrcap`, on the same
/// bytes (each refuses a foreign magic at once, so one target explores all three and CI pays
/// for one fuzz run instead of three): `.tape` through `TapeSessionReader` (zstd containers,
/// seek table, envelopes, every telemetry v2 message, tape's reconstruction of `/session`),
/// `.butter` v1-v3 through `ButterReader`, and `.nvr` through `NVRReader` (block index,
/// column decoders, CRCs, cut-file scan) including a seek to a frame taken from the input.
/// Seeds (Fuzz/seeds/FuzzTapeButterNVR): the first 8 lines of `nevr simulate --duration 30s
/// --rate 2 --players 4 --plain` (small seeds keep ASan runs fast)
/// converted with `nevr convert` to `.tape` and `.nvr`, and the `.butter` files that
/// `Tests/Scripts/butter_check.py build DIR` writes.
@_cdecl("FuzzTapeButterNVR_main")
public func fuzzTapeButterNVRMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzTapeButterNVR(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTapeButterNVR(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = 100_000  // steps per reader: a reader that never ends is a hang libFuzzer reports

    // Small budgets: a bomb must stop at the budget, not exhaust the fuzzer's memory.
    let tapeOptions = TapeReader.Options(maxMessageSize: 8 << 20, maxDecodedBytes: 64 << 20, maxFrames: 200_000)
    if let tape = try? TapeSessionReader(bytes: bytes, label: "fuzz", options: tapeOptions) {
        var steps = 0
        loop: while steps < limit {
            steps += 1
            guard let step = try? tape.step() else { break }
            switch step {
            case .frame, .skipped: continue
            case .end, .truncated: break loop
            }
        }
    }

    if let butter = try? ButterReader(bytes: bytes, label: "fuzz", options: .init(maxChunkBytes: 64 << 20)) {
        var steps = 0
        while steps < limit, let frame = try? butter.next(), frame != nil { steps += 1 }
    }

    if let nvr = try? NVRReader(bytes: bytes, label: "fuzz") {
        var steps = 0
        while steps < limit, let frame = try? nvr.next(), frame != nil { steps += 1 }
        // Seeking anywhere (including past the end) must not trap.
        let target = size >= 2 ? Int(bytes[size - 1]) << 8 | Int(bytes[size - 2]) : 0
        if (try? nvr.seek(frame: target)) != nil {
            _ = try? nvr.next()
        }
    }
    return 0
}
