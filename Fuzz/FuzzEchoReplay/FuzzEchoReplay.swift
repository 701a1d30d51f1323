import FuzzSupport
import Foundation
import NEVRCapture

/// libFuzzer entry: `.echoreplay` files, plain (the line parser) and zipped (the ZIP reader:
/// central directory, local headers, ZIP64, inflate, CRC), read through `EchoReplayReader`
/// from a scratch file. Inputs starting with `PK` take the ZIP path.
private let scratch: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nevr-fuzz-\(getpid())", isDirectory: true)
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("input.echoreplay")
}()

@_cdecl("FuzzEchoReplay_main")
public func fuzzEchoReplayMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzEchoReplay(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEchoReplay(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    FileManager.default.createFile(atPath: scratch.path, contents: Data(bytes: data, count: size))
    var options = EchoReplayReader.Options()
    options.maxInflatedBytes = 64 << 20  // keep each run small; bombs must stop here, not exhaust memory
    guard let reader = try? EchoReplayReader(url: scratch, options: options) else { return 0 }
    var records = 0
    while records < 100_000 {
        guard let record = try? reader.next() else { break }
        records += 1
        _ = record.session.count
    }
    return 0
}
