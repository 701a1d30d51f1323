import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// The format registry and the generic reader/writer seam.
final class CaptureFormatSeamTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws { dir = try SharedData.temporaryDirectory("seam") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testExtensionsNameTheirFormatsAndUnknownOnesAreErrorsListingTheKnownOnes() throws {
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "a.echoreplay")), .echoReplay)
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "a.TXT")), .echoReplay)
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "/x/a.nevrcap")), .nevrcap)
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "a.tape")), .tape)
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "a.butter")), .butter)
        XCTAssertEqual(try CaptureFormat(url: URL(fileURLWithPath: "a.nvr")), .nvr)
        for name in ["out.json", "out", "out.echoreplay.bak"] {
            XCTAssertThrowsError(try CaptureFormat(url: URL(fileURLWithPath: name)), name) { error in
                let e = error as? CaptureFormatError
                XCTAssertEqual(e?.path, URL(fileURLWithPath: name).path)
                let text = e?.reasonDescription ?? ""
                for ext in [".echoreplay", ".txt", ".nevrcap", ".tape", ".butter", ".nvr"] {
                    XCTAssertTrue(text.contains(ext), "\(name): \(text)")
                }
            }
        }
        XCTAssertEqual(CaptureFormat(name: "NEVRCAP"), .nevrcap)
        XCTAssertEqual(CaptureFormat(name: "txt"), .echoReplay)
        XCTAssertNil(CaptureFormat(name: "json"))
    }

    /// Every format the registry names has a codec (the "not supported yet" answer of
    /// `open`/`create` is then unreachable for them; a new case without a codec fails here).
    /// The former loop over unsupported formats ran zero times once `.nvr` was registered.
    func testEveryFormatHasARegisteredCodec() throws {
        for format in CaptureFormat.allCases {
            XCTAssertTrue(format.isSupported, "\(format) has no registered codec")
        }
        XCTAssertTrue(CaptureFormat.echoReplay.isSupported)
        XCTAssertTrue(CaptureFormat.nevrcap.isSupported)
    }

    func testSniffingRecognisesZipTextAndZstd() throws {
        XCTAssertEqual(CaptureFormat.sniff(Array("PK\u{03}\u{04}".utf8)), .echoReplay)
        XCTAssertEqual(CaptureFormat.sniff(Array("2021/11/20 21:05:33.407\t{}".utf8)), .echoReplay)
        XCTAssertEqual(CaptureFormat.sniff([0xEF, 0xBB, 0xBF] + Array("2021/11/20 21:05:33.407\t{".utf8)), .echoReplay)
        XCTAssertNil(CaptureFormat.sniff(Array("2021 notes: call Bob\n".utf8)), "a notes file is not a recording")
        XCTAssertNil(CaptureFormat.sniff(Array("2021/11/20 21:05:33.407 no tab".utf8)))
        XCTAssertEqual(CaptureFormat.sniff([0x28, 0xB5, 0x2F, 0xFD, 0x00]), .nevrcap)
        XCTAssertNil(CaptureFormat.sniff(Array("hello".utf8)))
        XCTAssertNil(CaptureFormat.sniff([]))
        // A real .nevrcap from the writer sniffs as one.
        let url = dir.appendingPathComponent("s.nevrcap")
        let w = try NevrcapWriter(url: url, header: NevrcapHeader(captureID: "x"))
        try w.close()
        XCTAssertEqual(CaptureFormat.sniff(Array(try Data(contentsOf: url).prefix(64))), .nevrcap)
    }

    /// A line file through the seam: records hold the recorded bytes, positions are line
    /// numbers, and a plain -> plain conversion is a byte-for-byte copy of canonical lines.
    func testEchoReplayRecordsCarryTheRecordedBytesAndCopyExactly() throws {
        let session = try SharedData.bytes(SharedData.frame2021)
        let bones = Array(#"{"user_bones":[],"err_code":0}"#.utf8)
        let text = Array("2021/11/20 21:05:33.407\t".utf8) + session + [0x09] + bones + [0x0D, 0x0A]
            + Array("not a line, long enough to need a timestamp\r\n".utf8)
            + Array("2021/11/20 21:05:33.423\t".utf8) + session + [0x0D, 0x0A]
        let input = dir.appendingPathComponent("in.txt")
        try Data(text).write(to: input)

        let reader = try CaptureFormat.open(input)
        XCTAssertEqual(reader.format, .echoReplay)
        XCTAssertFalse(reader.carriesEvents)
        var records: [CaptureRecord] = []
        while let r = try reader.next() { records.append(r) }
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records.map(\.position), [1, 3])
        XCTAssertEqual(records[0].sessionJSON, session)
        XCTAssertEqual(records[0].bonesJSON, bones)
        XCTAssertNil(records[1].bonesJSON)
        XCTAssertNil(records[0].frame, "no parse unless asked")
        XCTAssertEqual(reader.report.skippedCount, 1)
        XCTAssertEqual(reader.report.skipped.first?.lineNumber, 2)
        XCTAssertTrue(reader.report.isDamaged)
        XCTAssertEqual(reader.bytesRead, Int64(text.count))

        let output = dir.appendingPathComponent("out.txt")
        var options = ConversionOptions()
        options.write.echoReplay.zipped = false
        let summary = try CaptureConversion.convert(from: input, to: output, options: options)
        XCTAssertEqual(summary.framesWritten, 2)
        XCTAssertEqual(summary.skippedCount, 1)
        XCTAssertTrue(summary.inputDamaged)
        let line1 = Array("2021/11/20 21:05:33.407\t".utf8) + session + [0x09] + bones + [0x0D, 0x0A]
        let line3 = Array("2021/11/20 21:05:33.423\t".utf8) + session + [0x0D, 0x0A]
        XCTAssertEqual([UInt8](try Data(contentsOf: output)), line1 + line3, "the recorded bytes, the bad line left out")
    }

    /// Typed records render the game's JSON, and JSON records parse lazily to the same frame.
    func testRecordsConvertLazilyBetweenJSONAndTypedFrames() throws {
        let session = try SharedData.bytes(SharedData.frame2021)
        var record = CaptureRecord(timestamp: Timestamp(millisecondsSinceEpoch: 1_637_442_333_407), sessionJSON: session)
        let frame = try record.typedFrame(index: 7)
        XCTAssertEqual(frame.index, 7)
        XCTAssertEqual(frame.session, try GameJSONReader.parseSession(session))
        XCTAssertNotNil(record.frame, "parsed once and kept")

        let typed = CaptureRecord(frame: frame)
        var rendered: [UInt8] = []
        typed.renderSessionJSON(into: &rendered)
        var direct: [UInt8] = []
        GameJSONWriter.write(frame.session, into: &direct)
        XCTAssertEqual(rendered, direct)
        XCTAssertEqual(try GameJSONReader.parseSession(rendered), frame.session)
        var none: [UInt8] = []
        XCTAssertFalse(typed.renderBonesJSON(into: &none))
        XCTAssertTrue(none.isEmpty)
    }

    /// The loop over the seam with in-memory ends: events are detected for a typed output
    /// when the input has none, the game's error objects are left out with a note, and an
    /// unreadable line is skipped with its position.
    func testGenericLoopDetectsEventsAndSkipsErrorObjectsAndBadJSON() throws {
        let session = try SharedData.bytes(SharedData.frame2021)
        let errorObject = Array(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8)
        var clock = try GameJSONReader.parseSession(session)
        var records: [CaptureRecord] = []
        for i in 0..<5 {
            let t = Timestamp(millisecondsSinceEpoch: 1_637_442_333_407 + Int64(i) * 16)
            if i == 2 { records.append(CaptureRecord(timestamp: t, sessionJSON: errorObject, position: i + 1)); continue }
            if i == 3 { records.append(CaptureRecord(timestamp: t, sessionJSON: Array("{\"teams\":[}".utf8), position: i + 1)); continue }
            clock.gameClock = (clock.gameClock ?? 100) - 1
            var json: [UInt8] = []
            GameJSONWriter.write(clock, into: &json)
            records.append(CaptureRecord(timestamp: t, sessionJSON: json, position: i + 1))
        }
        let reader = MemoryReader(records)
        let writer = MemoryWriter(typed: true, events: true)
        let summary = try CaptureConversion.convert(reader, into: writer)
        XCTAssertEqual(writer.written.count, 3)
        XCTAssertTrue(writer.written.allSatisfy { $0.frame != nil }, "typed frames handed to a typed writer")
        XCTAssertTrue(writer.finished)
        XCTAssertEqual(summary.skippedCount, 1)
        XCTAssertEqual(summary.skipped.first?.lineNumber, 4)
        XCTAssertTrue(summary.notes.contains { $0.hasPrefix("1 line(s) holding the game's error object") }, "\(summary.notes)")
        XCTAssertEqual(summary.eventsWritten, writer.written.reduce(0) { $0 + $1.events.count })
        XCTAssertEqual(writer.written.map { $0.frame!.index }, [0, 1, 2])

        // Into a JSON writer nothing is parsed: every record passes as it is.
        let plain = MemoryWriter(typed: false, events: false)
        let copied = try CaptureConversion.convert(MemoryReader(records), into: plain)
        XCTAssertEqual(plain.written.count, 5)
        XCTAssertTrue(plain.written.allSatisfy { $0.frame == nil })
        XCTAssertEqual(plain.written.map(\.sessionJSON), records.map(\.sessionJSON))
        XCTAssertEqual(copied.skippedCount, 0)
    }

    /// `.nevrcap -> .nevrcap` keeps the stored events and header without spelling JSON.
    func testNevrcapToNevrcapKeepsStoredEventsAndHeader() throws {
        let session = try GameJSONReader.parseSession(try SharedData.bytes(SharedData.frame2021))
        let input = dir.appendingPathComponent("in.nevrcap")
        let header = NevrcapHeader(captureID: "keep-me", metadata: [CaptureConversion.writerEntry])
        let w = try NevrcapWriter(url: input, header: header)
        let event = Event.roundStarted(roundNumber: 2)
        try w.write(Frame(index: 41, timestamp: Timestamp(millisecondsSinceEpoch: 1), session: session, events: [event]))
        try w.close()
        let output = dir.appendingPathComponent("out.nevrcap")
        let summary = try CaptureConversion.convert(from: input, to: output)
        XCTAssertEqual(summary.framesWritten, 1)
        XCTAssertEqual(summary.eventsWritten, 1)
        let r = try NevrcapReader(url: output)
        XCTAssertEqual(r.header, header)
        let f = try XCTUnwrap(try r.next())
        XCTAssertEqual(f.index, 41)
        XCTAssertEqual(f.events, [event])
    }
}

private final class MemoryReader: CaptureFrameReader {
    private var records: [CaptureRecord]
    init(_ records: [CaptureRecord]) { self.records = records.reversed() }
    var format: CaptureFormat { .echoReplay }
    var header: CaptureHeader? { nil }
    var carriesEvents: Bool { false }
    var positionUnit: String { "line" }
    var report: CaptureReadReport { CaptureReadReport() }
    var bytesRead: Int64 { 0 }
    var bytesTotal: Int64 { 0 }
    func next() throws -> CaptureRecord? { records.popLast() }
}

private final class MemoryWriter: CaptureFrameWriter {
    let storesTypedFrames: Bool
    let storesEvents: Bool
    var written: [CaptureRecord] = []
    var finished = false
    init(typed: Bool, events: Bool) {
        storesTypedFrames = typed
        storesEvents = events
    }
    var format: CaptureFormat { .nevrcap }
    func write(_ record: CaptureRecord) throws { written.append(record) }
    func finish() throws { finished = true }
    var framesWritten: Int { written.count }
    var framesWithBones: Int { written.filter(\.hasBones).count }
    var notes: [String] { [] }
}
