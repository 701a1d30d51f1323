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

    @Argument(help: "A recording (.echoreplay zipped or plain, or .nevrcap), or - for standard input.")
    var file: String

    func run() throws {
        let source = try CLIOutput.run(file: file) { try StandardStream.input(file) }
        let report = try CLIOutput.run(file: source.label) { () throws -> CaptureReadReport in
            let out = StandardOutputBuffer()
            let reader = try CaptureFormat.open(source.url)
            var json: [UInt8] = []
            json.reserveCapacity(32 << 10)
            while let record = try reader.next() {
                json.removeAll(keepingCapacity: true)
                // Recorded JSON as is; typed frames spelled by the game-JSON writer (keys that
                // proto3 writers omit put back).
                record.renderSessionJSON(into: &json)
                json.append(0x0A)
                try out.append(json)
            }
            try out.flush()
            CLIOutput.reportDamage(file: source.label, reader.report, unit: reader.positionUnit, action: "printed")
            return reader.report
        }
        if report.isDamaged { throw ExitStatus.damaged(source.label) }
    }
}
