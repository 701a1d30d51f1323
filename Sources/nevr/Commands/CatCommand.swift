import ArgumentParser
import Foundation
import NEVRCapture

/// `nevr cat FILE`: the session JSON of every frame, one per line, for piping.
struct CatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print each frame's /session JSON, one per line (the recorded bytes, game-spelled).",
        discussion: "Bad lines are skipped and reported on stderr. Example: nevr cat match.echoreplay | jq .game_clock")

    @Argument(help: "An .echoreplay recording (zipped or plain).")
    var file: String

    func run() throws {
        let url = URL(fileURLWithPath: file)
        try CLIOutput.run(file: file) {
            let reader = try EchoReplayReader(url: url)
            let out = StandardOutputBuffer()
            while try reader.nextView({ (view: EchoReplayRecordView) -> Void in
                try out.append(view.session)
                out.append(0x0A)
            }) != nil {}
            try out.flush()
            CLIOutput.warnSkipped(file: file, count: reader.skippedCount, first: reader.skipped)
        }
    }
}
