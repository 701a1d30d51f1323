import FuzzSupport
import NEVRCapture
import NEVRCore
import NEVRHubProtocol

/// libFuzzer entry: what a hub client can send: JSON text messages (`StreamJSON.decode`,
/// validated by the core scanner), binary messages (`Envelope`), and `/subscribe` query
/// strings (`HubQuery`). No networking code is linked: these are the hub's parsers alone.
@_cdecl("FuzzHubMessage_main")
public func fuzzHubMessageMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzHubMessage(data, size) }
}

/// One input (libFuzzer calls it by this C name; regression tests call it directly).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHubMessage(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let message = try? StreamJSON.decode(bytes) {
        // Whatever decoded must encode again as valid JSON.
        let again = StreamJSON.control(message)
        if !again.withUnsafeBytes(JSONTextAudit.isValidJSON) {
            fatalError("a decoded message was written back as invalid JSON")
        }
    }
    _ = try? NevrcapWire.decodeEnvelope(bytes)
    // The same bytes as a query string: key=value pairs split on & and =.
    let text = String(decoding: bytes, as: UTF8.self)
    let pairs: [(String, String)] = text.split(separator: "&", omittingEmptySubsequences: false).map { item in
        let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
    }
    _ = try? HubQuery(pairs: pairs)
    return 0
}
