import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// `nevr simulate`: writes a deterministic simulated match and its ground truth.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a simulated private arena match (.echoreplay or .nevrcap) and its ground-truth events.",
        discussion: """
            The same seed gives the same bytes. The match (pre-match, rounds with goals, a pause, \
            a late join, a leave, a team switch, post-match) is planned to fit the duration; a lower \
            --rate samples the same match less often. The ground truth (what an ideal event detector \
            reports from these frames) goes to FILE.truth.jsonl, one JSON object per line.
            Example: nevr simulate --seed 7 --duration 5m --rate 30 --out match.echoreplay
            """)

    @OptionGroup var simulation: SimulationArguments

    @Flag(help: "Write a plain-text .echoreplay instead of a ZIP archive.")
    var plain = false

    @Option(help: "Output file: .echoreplay or .nevrcap (by extension).")
    var out: String

    var options: SimulationOptions { simulation.options(defaultDuration: 300) }

    func run() throws {
        let url = URL(fileURLWithPath: out)
        let truthURL = TruthLog.url(besides: url)
        let started = DispatchTime.now().uptimeNanoseconds
        var sim = MatchSimulator(options: options)
        let progress = ProgressLine("simulating \(url.lastPathComponent)")
        var processor = FrameProcessor()
        let (capture, truth) = try CLIOutput.run(file: out) {
            defer { progress.finish() }
            let capture = try SimulationCapture(url: url, options: options, sessionID: sim.sessionID, startTime: sim.startTime, zipped: !plain)
            let truth = try TruthLogWriter(url: truthURL)
            while let f = sim.next() {
                // A .nevrcap carries detected events, as a recorder's would.
                let frame = capture.format == .nevrcap
                    ? processor.process(session: f.session, bones: f.bones, timestamp: f.timestamp) : f.frame
                try capture.write(frame)
                try truth.write(f.truth)
                if f.index % 256 == 0 {
                    progress.update(fraction: Double(f.index) / Double(sim.frameCount), detail: "\(f.index) frames")
                }
            }
            try capture.close()
            try truth.close()
            return (capture, truth)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print("\(out): \(sim.frameCount) frames (\(Human.seconds(options.duration)) at \(options.rate) Hz, \(options.players) players, seed \(options.seed)), "
            + "\(Human.bytes(capture.fileSize)); \(truthURL.path): \(truth.eventsWritten) truth events; "
            + String(format: "%.2f s", elapsed))
    }
}
