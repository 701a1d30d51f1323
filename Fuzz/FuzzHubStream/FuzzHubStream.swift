import FuzzSupport
import NEVRCore
import NEVRHubWire
import NIOCore

/// libFuzzer entry: the hub's own wire layer (module `NEVRHubWire`, linked without the
/// server): `/subscribe` query parsing (`HubQuery`), JSON messages (`StreamJSON.decode` and the
/// encoder that writes them back), binary messages (`StreamBinary.decode`/`encode`).
///
/// Every input is tried as all three. Besides "never crash, hang or leak", these properties
/// must hold (a violation stops the run like a crash):
/// - a query accepted has every value in range, parses the same in reverse order, and parses
///   again to the same `HubQuery` when written back in its canonical spelling;
/// - a JSON message decoded, encoded and decoded again gives the same message and the same bytes
///   (encode -> decode -> encode is a fixed point), and what the encoder writes is valid JSON;
/// - a binary header decoded, encoded and decoded again is the same header; a binary frame that
///   can be encoded gives the same bytes when its own encoding is decoded and encoded again.
@_cdecl("FuzzHubStream_main")
public func fuzzHubStreamMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv) { data, size in fuzzHubStream(data, size) }
}

/// One input (libFuzzer calls it by this C name).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHubStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // A query string longer than a few KB never reaches the parser (the HTTP head is bounded).
    checkQuery(QueryString.pairs(bytes.prefix(4096)))
    checkJSON(bytes)
    checkBinary(bytes)
    return 0
}

// MARK: query

func checkQuery(_ pairs: [(String, String)]) {
    let query: HubQuery
    do { query = try HubQuery(pairs: pairs) } catch {
        // Duplicates are refused whatever their order, so the verdict does not depend on it.
        if (try? HubQuery(pairs: pairs.reversed())) != nil { fatalError("a refused query is accepted in reverse order") }
        return
    }
    if let since = query.since, !(since == .infinity || (since >= 0 && since <= HubQuery.maxSinceSeconds)) {
        fatalError("since \(since) out of range was accepted")
    }
    if query.parts.isEmpty || !StreamParts.all.isSuperset(of: query.parts) { fatalError("parts \(query.parts) accepted") }
    if let match = query.match, match.isEmpty || match == "all" || match.utf8.count > HubQuery.maxValueBytes {
        fatalError("match \"\(match)\" accepted")
    }
    guard (try? HubQuery(pairs: pairs.reversed())) == query else { fatalError("the query parses differently in reverse order") }

    // The canonical spelling of what was parsed parses to the same subscription.
    var canonical: [(String, String)] = [
        ("match", query.match ?? "all"), ("format", query.format.rawValue), ("parts", query.parts.queryValue),
    ]
    if let since = query.since {
        let text = since == .infinity ? "all" : String(since)
        // Swift writes tiny values with an exponent (`1e-05`), which the query refuses by design.
        guard !text.contains("e") else { return }
        canonical.append(("since", text))
    }
    guard let again = try? HubQuery(pairs: canonical) else { fatalError("the canonical spelling \(canonical) is refused") }
    if again != query { fatalError("the canonical spelling \(canonical) parses to \(again), not \(query)") }
}

/// Splits a raw query string the way an HTTP server does (`&` between pairs, the first `=`
/// between key and value, `%XX` escapes and `+` decoded): the harness's stand-in for the
/// server's URI parser, which lives in the networking stack this build leaves out.
enum QueryString {
    static func pairs(_ raw: UnsafeRawBufferPointer.SubSequence) -> [(String, String)] {
        raw.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                return (decode(pair[pair.startIndex..<eq]), decode(pair[(eq + 1)...]))
            }
            return (decode(pair[...]), "")
        }
    }

    static func decode(_ part: UnsafeRawBufferPointer.SubSequence) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(part.count)
        var i = part.startIndex
        while i < part.endIndex {
            let c = part[i]
            if c == UInt8(ascii: "%"), i + 2 < part.endIndex, let h = hex(part[i + 1]), let l = hex(part[i + 2]) {
                out.append(h << 4 | l)
                i += 3
                continue
            }
            out.append(c == UInt8(ascii: "+") ? 0x20 : c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}

// MARK: JSON

func checkJSON(_ bytes: UnsafeRawBufferPointer) {
    guard let first = try? StreamJSON.decode(bytes) else { return }
    let encoded = StreamJSON.control(first)
    guard encoded.withUnsafeBytes({ JSONTextAudit.isValidJSONObject($0) }) else {
        fatalError("StreamJSON wrote invalid JSON: \(String(decoding: encoded, as: UTF8.self))")
    }
    let second: StreamMessage
    do { second = try StreamJSON.decode(encoded) } catch {
        fatalError("StreamJSON cannot read back what it wrote (\(error)): \(String(decoding: encoded, as: UTF8.self))")
    }
    if !same(first, second) { fatalError("JSON round trip changed the message: \(first) -> \(second)") }
    if StreamJSON.control(second) != encoded { fatalError("JSON encode -> decode -> encode is not a fixed point") }
}

/// Field-by-field equality of the messages both encodings carry (`StreamMessage` is not
/// `Equatable`: a typed frame may hold NaN). Cases not listed are compared by their encoding.
func same(_ a: StreamMessage, _ b: StreamMessage) -> Bool {
    switch (a, b) {
    case (.header(let x), .header(let y)): return x == y
    case (.frame(let x), .frame(let y)), (.events(let x), .events(let y)):
        return x.match == y.match && x.index == y.index && x.timestamp == y.timestamp && x.sessionJSON == y.sessionJSON
            && x.bonesJSON == y.bonesJSON && x.eventsJSON == y.eventsJSON
    case (.ack(let f1, let d1), .ack(let f2, let d2)): return f1 == f2 && d1 == d2
    case (.skipped(let x), .skipped(let y)): return x == y
    case (.dropped(let x), .dropped(let y)), (.error(let x), .error(let y)): return x == y
    default: return StreamJSON.control(a) == StreamJSON.control(b)
    }
}

// MARK: binary

func checkBinary(_ bytes: UnsafeRawBufferPointer) {
    guard let first = try? StreamBinary.decode(ByteBuffer(bytes: bytes)) else { return }
    switch first {
    case .header(let header):
        let encoded = StreamBinary.encode(header)
        guard case .header(let back)? = try? StreamBinary.decode(ByteBuffer(bytes: encoded)) else {
            fatalError("StreamBinary cannot read back the header it wrote")
        }
        if back != header { fatalError("binary header round trip: \(header) -> \(back)") }
    case .frame(let streamed):
        guard let frame = streamed.frame else { fatalError("a binary frame message without its typed frame") }
        // A frame holding numbers the format cannot store is refused, not written wrongly.
        guard let encoded = try? StreamBinary.encode(frame) else { return }
        guard case .frame(let back)? = try? StreamBinary.decode(ByteBuffer(bytes: encoded)), let backFrame = back.frame else {
            fatalError("StreamBinary cannot read back the frame it wrote")
        }
        if back.match != streamed.match || back.index != streamed.index || back.timestamp != streamed.timestamp {
            fatalError("binary frame round trip changed match/index/timestamp")
        }
        guard let again = try? StreamBinary.encode(backFrame) else { fatalError("a frame read back from its own encoding is refused") }
        if again != encoded { fatalError("binary encode -> decode -> encode is not a fixed point") }
    default:
        fatalError("StreamBinary decoded a message that is not a header or frame: \(first)")
    }
}
