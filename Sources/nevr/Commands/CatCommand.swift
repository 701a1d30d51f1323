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
            .echoreplay and .nvr: the recorded bytes, unchanged. .nevrcap, .tape, .butter: rebuilt with the game-JSON writer. \
            Bad lines or records are skipped and reported on stderr. --frames and --time pick a range; \
            an .nvr seeks to it through its index (one block decoded), a per-block .tape through its seek table (--frames), other formats read up to it. \
            Examples: nevr cat match.echoreplay | jq .game_clock; nevr cat match.nvr --time 10m:10m1s
            """)

    @Argument(help: "A recording (.echoreplay zipped or plain, .nevrcap, .tape, .butter, .nvr), or - for standard input.")
    var file: String

    @Option(help: "Only frames A to B-1 (from 0; either side may be left out: 100:, :50).")
    var frames: FrameRangeArgument?

    @Option(help: "Only frames from T1 to before T2 after the first frame (90, 90s, 1.5m, 500ms; 10m: or :30s).")
    var time: TimeRangeArgument?

    func validate() throws {
        if frames != nil && time != nil { throw ValidationError("give --frames or --time, not both") }
    }

    @OptionGroup var dictionaries: DictionaryArguments

    func run() throws {
        let source = try CLIOutput.run(file: file) { try StandardStream.input(file) }
        let report = try CLIOutput.run(file: source.label) { () throws -> CaptureReadReport in
            let out = StandardOutputBuffer()
            let reader = try CaptureFormat.open(source.url, options: try dictionaries.readOptions())
            // Seek first when the format can; the filter below then only stops at the end.
            var firstTimestamp: Int64?
            var index = -1
            if let lower = frames?.range.lower, lower > 0 {
                // .nvr jumps through its index and a per-block .tape through its seek table;
                // other formats read up to it.
                try reader.skip(toFrame: lower)
                index = lower - 1
            }
            // Time has no seam-level seek: only .nvr's index knows timestamps without reading.
            if let nvr = (reader as? NVRFrameReader)?.reader, let first = nvr.blocks.first?.firstTimestamp.nanosecondsSinceEpoch {
                firstTimestamp = first
                if let lower = time?.range.lower { try nvr.seek(time: Timestamp(nanosecondsSinceEpoch: first &+ lower)) }
            }
            var json: [UInt8] = []
            json.reserveCapacity(32 << 10)
            while let record = try reader.next() {
                index += 1
                if let r = frames?.range {
                    // .nvr records carry their frame number; other formats count.
                    let n = reader is NVRFrameReader ? record.position : index
                    if r.isPast(n) { break }
                    if !r.contains(n) { continue }
                }
                if let r = time?.range {
                    let t = record.timestamp.nanosecondsSinceEpoch
                    if firstTimestamp == nil { firstTimestamp = t }
                    let offset = t &- firstTimestamp!
                    if r.isPast(offset) { break }
                    if !r.contains(offset) { continue }
                }
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
