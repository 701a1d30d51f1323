import FuzzSupport
import NEVRNATS

/// libFuzzer entry: `NATSProtocolParser` (module `NEVRNATS`, linked with NIOCore/NIOPosix but
/// no server) on arbitrary server bytes.
///
/// Besides "never crash, hang or leak", these properties must hold (a violation stops the run
/// like a crash):
/// - the operations (and the error, if any) do not depend on how the bytes are split: the
///   whole input at once, one byte at a time and a split at a position taken from the input
///   give the same result;
/// - the parser never holds more than one control line plus one message plus the last chunk;
/// - no message is longer than the parser's `maxPayload` at the time it was parsed.
@_cdecl("FuzzNATSParser_main")
public func fuzzNATSParserMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzNATSParser(data, size) }
}

/// One input (libFuzzer calls it by this C name).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNATSParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = parse(bytes, chunk: max(1, bytes.count))
    let single = parse(bytes, chunk: 1)
    let cut = bytes.isEmpty ? 1 : 1 + Int(bytes[0]) % max(1, bytes.count)
    let split = parse(bytes, chunk: cut)
    if whole != single { fatalError("byte-by-byte parse differs from the whole input: \(whole) vs \(single)") }
    if whole != split { fatalError("parse in chunks of \(cut) differs from the whole input") }
    return 0
}

/// The operations, and the error that ended them, with `chunk`-byte appends.
struct Outcome: Equatable, CustomStringConvertible {
    var operations: [NATSServerOperation] = []
    var error: NATSProtocolError?
    var description: String { "\(operations.count) operations, error \(error.map { "\($0)" } ?? "none")" }
}

let lineLimit = 512
let payloadCeiling = 4096

func parse(_ bytes: [UInt8], chunk: Int) -> Outcome {
    var parser = NATSProtocolParser(maxLineLength: lineLimit, maxPayload: 1024, payloadCeiling: payloadCeiling)
    var outcome = Outcome()
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunk)
        parser.append(bytes[offset..<end])
        offset = end
        do {
            while true {
                let limit = parser.maxPayload
                guard let op = try parser.next() else { break }
                if case .message(let message) = op {
                    let headerBytes = message.headers == nil ? 0 : 10
                    if message.payload.count + headerBytes > limit { fatalError("message of \(message.payload.count) bytes over the limit \(limit)") }
                }
                outcome.operations.append(op)
            }
        } catch {
            outcome.error = error
            return outcome
        }
        if parser.bufferedBytes > lineLimit + 2 + payloadCeiling + 2 + chunk {
            fatalError("parser holds \(parser.bufferedBytes) bytes")
        }
    }
    return outcome
}
