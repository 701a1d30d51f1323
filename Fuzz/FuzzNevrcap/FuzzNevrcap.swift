import FuzzSupport
import NEVRCapture
import NEVRCore

/// libFuzzer entry: `.nevrcap` files (zstd frames, varint records, header/frame
/// classification, every message decoder, damage resynchronisation) read from memory, and the
/// raw protobuf decoders on the same bytes (the payload of hub binary messages).
@_cdecl("FuzzNevrcap_main")
public func fuzzNevrcapMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzNevrcap(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNevrcap(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? NevrcapWire.decodeEnvelope(raw)
    if let frame = try? NevrcapWire.decodeFrame(raw) {
        // A decoded frame must encode without trapping (numbers out of range are refused, not trapped).
        var out: [UInt8] = []
        NevrcapWire.encode(frame, into: &out)
        _ = try? NevrcapWire.checkEncodable(frame)
    }
    _ = try? NevrcapWire.decodeHeader(raw)
    _ = NevrcapWire.classify(raw)
    var options = NevrcapReader.Options()
    options.maxRecordLength = 8 << 20
    options.inflationCheckBytes = 8 << 20
    guard let reader = try? NevrcapReader(bytes: Array(raw), label: "fuzz", options: options) else { return 0 }
    var steps = 0
    loop: while steps < 100_000 {
        steps += 1
        guard let step = try? reader.step() else { break }
        switch step {
        case .frame, .skipped: continue
        case .end, .truncated: break loop
        }
    }
    return 0
}
