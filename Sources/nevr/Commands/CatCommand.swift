import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore

/// `nevr cat FILE`: the session JSON of every frame, one per line, for piping.
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print each frame's /session JSON, one per line, in the game's spelling.",
        discussion: """
            .echoreplay: the recorded bytes, unchanged. .nevrcap: rebuilt with the game-JSON writer. \
            Bad lines or records are skipped and reported on stderr. \
            Example: nevr cat match.echoreplay | jq .game_clock
            """)

    @Argument(help: "A recording (.echoreplay zipped or plain, or .nevrcap).")
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        try CLIOutput.run(file: file) {
            let out = StandardOutputBuffer()
            switch CaptureFormat(url: url) {
            case .echoReplay: try catEchoReplay(url, out)
            case .nevrcap: try catNevrcap(url, out)
            }
            try out.flush()
        }
    }

    private func catEchoReplay(_ url: URL, _ out: StandardOutputBuffer) throws {
        let reader = try EchoReplayReader(url: url)
        while try reader.nextView({ (view: EchoReplayRecordView) -> Void in
            try out.append(view.session)
            out.append(0x0A)
        }) != nil {}
        CLIOutput.warnSkipped(file: file, count: reader.skippedCount, first: reader.skipped)
        if reader.isRecoveredFromTruncation {
            CLIOutput.printError(file: file, "the archive is unfinished (no central directory); printed every complete line")
        }
    }

    private func catNevrcap(_ url: URL, _ out: StandardOutputBuffer) throws {
        let reader = try NevrcapReader(url: url)
        var json: [UInt8] = []
        json.reserveCapacity(32 << 10)
        var skipped: [SkippedLine] = []
        var skippedCount = 0
        loop: while true {
            switch try reader.step() {
            case .frame(let frame):
                json.removeAll(keepingCapacity: true)
                // Sessions without key presence (other tools' proto3 writers omit zero values):
                // put back the keys the game writes.
                if CaptureConversion.needsKeyRestore(header: reader.header, notes: reader.notes) {
                    var session = frame.session
                    Proto3KeyRestorer.restore(&session)
                    GameJSONWriter.write(session, into: &json)
                } else {
                    GameJSONWriter.write(frame.session, into: &json)
                }
                json.append(0x0A)
                try out.append(json)
            case .end:
                break loop
            case .skipped(let e):
                skippedCount += 1
                if skipped.count < 20 { skipped.append(SkippedLine(lineNumber: e.recordIndex, reason: e.reasonDescription)) }
            case .truncated(let e):
                try out.flush()
                CLIOutput.printError(file: file, "\(e.reasonDescription); printed every complete frame")
                break loop
            }
        }
        if skippedCount > 0 {
            CLIOutput.printError(file: file, "skipped \(skippedCount) bad record(s)")
            for s in skipped.prefix(5) { CLIOutput.printError(file: file, "record \(s.lineNumber): \(s.reason)") }
        }
    }
}
