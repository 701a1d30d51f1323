import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// Multi-line `.echoreplay` content built from the real 2021 frame, with the
/// column and line-ending variants real writers produce.
enum EchoReplayFixture {
    /// How a line spells its bones column.
    enum BonesColumn { case absent, emptyAfterTab, tab, tabSpace }

    struct Line {
        var timestamp: String
        var session: [UInt8]
        var bones: [UInt8]?
        var column: BonesColumn
    }

    /// A small but well-formed `/player_bones` body (no real one may be shipped; see data/README.md).
    static let bones: [UInt8] = Array(#"{"user_bones":[{"bone_t":[0.1,1.25,-3.0,0.0,0.5,6.6384706e-7],"playerid":0,"bone_o":[0.0,0.0,0.0,1.0,0.70710677,0.0,0.0,0.70710677]}],"err_code":0}"#.utf8)
    static let emptyBones: [UInt8] = Array(#"{"err_code":0}"#.utf8)
    static let errorFrame: [UInt8] = Array(#"{"err_description":"Endpoint is restricted in this match type","err_code":-6}"#.utf8)

    /// Timestamps covering ms 000 and 999, month, year and leap-day boundaries, a leap-free
    /// century, and repeated and out-of-order instants (kept as they are).
    static let timestamps = [
        "2021/11/20 21:05:33.407",
        "2021/11/20 21:05:33.000",
        "2021/11/20 21:05:33.999",
        "2021/11/30 23:59:59.999",
        "2021/12/01 00:00:00.000",
        "2021/12/31 23:59:59.999",
        "2022/01/01 00:00:00.000",
        "2022/01/01 00:00:00.000",
        "2021/12/31 23:59:59.998",
        "2020/02/29 12:34:56.789",
        "2000/02/29 00:00:00.001",
        "1999/12/31 23:59:59.999",
    ]

    static func lines() throws -> [Line] {
        let session = try SharedData.bytes(SharedData.frame2021)
        let columns: [(BonesColumn, [UInt8]?)] = [
            (.absent, nil), (.tab, bones), (.tabSpace, bones), (.emptyAfterTab, nil),
            (.tab, emptyBones), (.tabSpace, emptyBones),
        ]
        return timestamps.enumerated().map { i, ts in
            let (column, b) = columns[i % columns.count]
            // One error object among the game frames, as recorders capture them between matches.
            return Line(timestamp: ts, session: i == 7 ? errorFrame : session, bones: b, column: column)
        }
    }

    /// The text of `lines` with the given newline.
    static func text(_ lines: [Line], newline: String, trailingNewline: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for (i, line) in lines.enumerated() {
            out += Array(line.timestamp.utf8)
            out.append(0x09)
            out += line.session
            switch line.column {
            case .absent: break
            case .emptyAfterTab: out.append(0x09)
            case .tab: out.append(0x09); out += line.bones!
            case .tabSpace: out += [0x09, 0x20]; out += line.bones!
            }
            if trailingNewline || i < lines.count - 1 { out += Array(newline.utf8) }
        }
        return out
    }

    /// What our writer emits for `lines`: CRLF, TAB before bones, no column without bones.
    static func canonicalText(_ lines: [Line]) -> [UInt8] {
        text(lines.map { var l = $0; l.column = l.bones == nil ? .absent : .tab; return l }, newline: "\r\n")
    }

    static func readAll(_ url: URL, options: EchoReplayReader.Options = .init()) throws -> (EchoReplayReader, [EchoReplayRecord]) {
        let reader = try EchoReplayReader(url: url, options: options)
        var records: [EchoReplayRecord] = []
        while let r = try reader.next() { records.append(r) }
        return (reader, records)
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// Asserts `records` are `lines`, in order: every timestamp to the millisecond, every JSON byte.
    static func assertRecords(_ records: [EchoReplayRecord], equal lines: [Line], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(records.count, lines.count, "frame count", file: file, line: line)
        for (r, l) in zip(records, lines) {
            XCTAssertEqual(EchoReplayTimestamp.string(r.timestamp), l.timestamp, file: file, line: line)
            XCTAssertEqual(r.timestamp, EchoReplayTimestamp.parse(l.timestamp), file: file, line: line)
            XCTAssertTrue(r.session == l.session, "session bytes of \(l.timestamp)", file: file, line: line)
            XCTAssertEqual(r.bones, l.bones, "bones of \(l.timestamp)", file: file, line: line)
        }
    }
}

/// Python's zipfile as an independent check (``ExternalTool`` is shared with the nevrcap tests).
extension ExternalTool {
    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `python3 -c script arguments...` and returns its exit status and output
    /// (fails with a clear message when python3 is missing).
    static func python(_ script: String, _ arguments: [String] = []) throws -> Output {
        let process = Process()
        process.executableURL = try find("python3")
        process.arguments = ["-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
