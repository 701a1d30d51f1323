import FuzzSupport
import NEVRCore

/// libFuzzer entry: the parsing the hub applies to every JSON message before forwarding it
/// (`JSONMembers`, the core scanner's member/element ranges, string and integer values; the
/// hub's `StreamJSON.decode` is a thin layer over these), plus the validation of forwarded parts.
/// The hub's own message and query code (module `NEVRHubWire`) is fuzzed by `FuzzHubStream`.
@_cdecl("FuzzHubMessage_main")
public func fuzzHubMessageMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzHubMessage(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHubMessage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let members = try? JSONMembers.object(bytes) {
        // A validated message: every member value is itself valid JSON, as forwarded.
        for m in members {
            let value = UnsafeRawBufferPointer(rebasing: bytes[m.value])
            if !JSONTextAudit.isValidJSON(value) { fatalError("a member value of a valid object is not valid JSON") }
            _ = JSONMembers.key(bytes, m)
            _ = JSONMembers.string(bytes, m.value)
            _ = JSONMembers.integer(bytes, m.value)
            if let inner = try? JSONMembers.array(value) { _ = inner.count }
        }
        if !JSONTextAudit.isValidJSONObject(bytes) { fatalError("JSONMembers accepted what the audit calls invalid") }
    } else if JSONTextAudit.isValidJSONObject(bytes) {
        fatalError("the audit accepted an object JSONMembers refuses")
    }
    _ = CheckedNumber.port(String(decoding: bytes.prefix(8), as: UTF8.self))
    _ = try? ServiceURL(parsing: String(decoding: bytes.prefix(512), as: UTF8.self), schemes: ServiceURL.webSocketSchemes)
    return 0
}
