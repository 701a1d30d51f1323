import FuzzSupport
import NEVRCore

/// libFuzzer entry: the game-JSON reader (`/session` and `/player_bones`), the JSON text
/// audit, and a write-read round trip of whatever parsed. Any crash, hang or sanitizer
/// report is a bug; errors are the expected outcome for most inputs.
@_cdecl("FuzzGameJSON_main")
public func fuzzGameJSONMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzGameJSON(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGameJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = JSONTextAudit.isValidJSON(bytes)
    _ = JSONTextAudit.hasLossyText(bytes)
    _ = JSONTextAudit.keyPaths(bytes)
    let array = Array(bytes)
    if let session = try? GameJSONReader.parseSession(array) {
        // What was read must be writable and readable again.
        let written = GameJSONWriter.bytes(session)
        if (try? GameJSONReader.parseSession(written)) == nil {
            fatalError("a session the reader accepted was written as JSON the reader refuses")
        }
        _ = SlotTable(session)
    }
    if let bones = try? GameJSONReader.parseBones(array) {
        _ = GameJSONWriter.bytes(bones)
    }
    return 0
}
