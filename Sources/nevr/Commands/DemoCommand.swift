import ArgumentParser
import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// `nevr demo`: the whole toolkit on a simulated match, no game, files or network needed.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate a match, detect its events, write .echoreplay and .nevrcap, and summarise.",
        discussion: """
            Simulates a private arena match in memory (two minutes of game time at 60 Hz by \
            default), spells every frame as the game's JSON, reads it back and detects events \
            (compared with the simulator's ground truth), writes demo.echoreplay and \
            demo.nevrcap, reads both back, and prints what it found and how fast it went.
            Example: nevr demo --out demo-output --seed 7
            """)

    @Option(help: "Folder for demo.echoreplay, demo.nevrcap and demo.truth.jsonl (default: a new temporary folder).")
    var out: String?

    @OptionGroup var simulation: SimulationArguments

    var options: SimulationOptions { simulation.options(defaultDuration: 120) }

    /// Nanosecond stopwatch totals per stage.
    struct Stages {
        var simulate: UInt64 = 0
        var spell: UInt64 = 0
        var process: UInt64 = 0
        var echoReplay: UInt64 = 0
        var nevrcap: UInt64 = 0
    }

    func run() throws {
        let directory: URL
        if let out {
            directory = URL(fileURLWithPath: out, isDirectory: true)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "nevr-demo-\(ProcessInfo.processInfo.processIdentifier)-\(simulation.seed)", isDirectory: true)
        }
        let echoURL = directory.appendingPathComponent("demo.echoreplay")
        let nevrcapURL = directory.appendingPathComponent("demo.nevrcap")
        let truthURL = directory.appendingPathComponent("demo.truth.jsonl")
        let options = self.options
        var sim = MatchSimulator(options: options)
        var processor = FrameProcessor()
        var stages = Stages()
        // The library's accuracy matching (the same windows `nevr accuracy` and its tests use).
        var matcher = EventAccuracy.Matcher(rate: options.rate)
        var jsonBytes = 0
        var session: [UInt8] = []
        var bonesJSON: [UInt8] = []
        session.reserveCapacity(16 << 10)
        var last: SimulatedFrame?
        let progress = ProgressLine("demo")

        let (echo, nevrcap) = try CLIOutput.run(file: directory.path) {
            defer { progress.finish() }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let echo = try SimulationCapture(url: echoURL, options: options, sessionID: sim.sessionID, startTime: sim.startTime)
            let nevrcap = try SimulationCapture(url: nevrcapURL, options: options, sessionID: sim.sessionID, startTime: sim.startTime)
            let truthLog = try TruthLogWriter(url: truthURL)
            var t = DispatchTime.now().uptimeNanoseconds
            func lap(_ total: inout UInt64) {
                let now = DispatchTime.now().uptimeNanoseconds
                total &+= now &- t
                t = now
            }
            while let f = sim.next() {
                lap(&stages.simulate)
                // What the game would answer on /session (and /player_bones).
                session.removeAll(keepingCapacity: true)
                GameJSONWriter.write(f.session, into: &session)
                var boneBytes: [UInt8]?
                if let b = f.bones {
                    bonesJSON.removeAll(keepingCapacity: true)
                    GameJSONWriter.write(b, into: &bonesJSON)
                    boneBytes = bonesJSON
                }
                jsonBytes += session.count + (boneBytes?.count ?? 0)
                lap(&stages.spell)
                // As a recorder would: parse the bytes and detect events.
                let frame = try processor.process(session: session, bones: boneBytes, timestamp: f.timestamp)
                lap(&stages.process)
                try echo.write(frame, sessionJSON: session, bonesJSON: boneBytes)
                lap(&stages.echoReplay)
                try nevrcap.write(frame)
                lap(&stages.nevrcap)
                matcher.add(f, detected: frame.events)
                try truthLog.write(f.truth)
                if f.index % 256 == 0 {
                    progress.update(fraction: Double(f.index) / Double(sim.frameCount), detail: "\(f.index) frames")
                }
                last = f
                t = DispatchTime.now().uptimeNanoseconds
            }
            try echo.close()
            try nevrcap.close()
            try truthLog.close()
            return (echo, nevrcap)
        }

        // Read both files back: every frame must be there.
        let readBack = ProgressLine("demo: reading back")
        readBack.update(fraction: nil, detail: echoURL.lastPathComponent)
        let readStart = DispatchTime.now().uptimeNanoseconds
        let echoRead = try CLIOutput.run(file: echoURL.path) { () throws -> Int in
            let reader = try EchoReplayReader(url: echoURL)
            var n = 0
            while try reader.next() != nil { n += 1 }
            return n
        }
        let echoReadNs = DispatchTime.now().uptimeNanoseconds - readStart
        readBack.update(fraction: 0.5, detail: nevrcapURL.lastPathComponent)
        let nevrcapStart = DispatchTime.now().uptimeNanoseconds
        let (nevrcapRead, nevrcapEvents) = try CLIOutput.run(file: nevrcapURL.path) { () throws -> (Int, Int) in
            let reader = try NevrcapReader(url: nevrcapURL)
            var n = 0, events = 0
            while let f = try reader.next() {
                n += 1
                events += f.events.count
            }
            return (n, events)
        }
        let nevrcapReadNs = DispatchTime.now().uptimeNanoseconds - nevrcapStart

        let frames = sim.frameCount
        let report = DemoReport(
            options: options, frames: frames, jsonBytes: jsonBytes, final: last?.session, stages: stages, scores: matcher.result().scores,
            echoURL: echoURL, echoSize: echo.fileSize, echoRead: echoRead, echoReadNs: echoReadNs,
            nevrcapURL: nevrcapURL, nevrcapSize: nevrcap.fileSize, nevrcapRead: nevrcapRead, nevrcapEvents: nevrcapEvents,
            nevrcapReadNs: nevrcapReadNs, truthURL: truthURL)
        readBack.finish()
        print(report.text)
        if out == nil {
            CLIOutput.printError("nevr demo: the files are kept in \(directory.path) (a temporary folder: delete it when done, or pass --out DIR to choose where)")
        }
        if echoRead != frames || nevrcapRead != frames {
            CLIOutput.printError(file: directory.path, "read back \(echoRead) (.echoreplay) and \(nevrcapRead) (.nevrcap) of \(frames) frames")
            throw ExitCode.failure
        }
    }
}

/// The demo's printed summary.
struct DemoReport {
    var options: SimulationOptions
    var frames: Int
    var jsonBytes: Int
    var final: Session?
    var stages: DemoCommand.Stages
    /// Detected, truth and matched counts per kind (``EventAccuracy/Matcher``).
    var scores: [EventKind: EventAccuracy.Score]
    var echoURL: URL
    var echoSize: Int
    var echoRead: Int
    var echoReadNs: UInt64
    var nevrcapURL: URL
    var nevrcapSize: Int
    var nevrcapRead: Int
    var nevrcapEvents: Int
    var nevrcapReadNs: UInt64
    var truthURL: URL

    func rate(_ ns: UInt64) -> String {
        ns == 0 ? "-" : Human.count(Double(frames) / (Double(ns) / 1e9)) + " frames/s"
    }

    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    var text: String {
        var lines: [String] = []
        let people = final.map { $0.playerCount } ?? 0
        lines.append("nevr demo: simulated private arena match (seed \(options.seed), \(options.players) players and a spectator, "
            + "\(Human.seconds(options.duration)) of game time at \(options.rate) Hz)")
        lines.append("")
        lines.append("  frames     \(frames) (\(Human.bytes(jsonBytes)) of game JSON, \(Human.bytes(jsonBytes / max(frames, 1))) a frame, \(people) people at the end)")
        if let s = final {
            lines.append("  result     \(s.gameStatus ?? "-"): rounds blue \(s.blueRoundScore ?? 0) - orange \(s.orangeRoundScore ?? 0) "
                + "(\(s.totalRoundCount ?? 0) rounds), last goal \(s.lastScore?.goalType ?? "-") by \(s.lastScore?.personScored ?? "-")")
        }
        lines.append("")
        lines.append("  events by kind              detected   truth  matched")
        for k in scores.keys.sorted() {
            let s = scores[k]!
            lines.append("    " + pad(k.name, 24) + lpad(String(s.detected), 9) + lpad(String(s.truth), 8) + lpad(String(s.matched), 9))
        }
        let all = scores.values.reduce(EventAccuracy.Score(), +)
        let d = all.detected, t = all.truth, m = all.matched
        lines.append("    " + pad("total", 24) + lpad(String(d), 9) + lpad(String(t), 8) + lpad(String(m), 9))
        lines.append("")
        lines.append("  files")
        lines.append("    " + pad(echoURL.lastPathComponent, 18) + lpad(Human.bytes(echoSize), 10) + "   read back \(echoRead) frames (\(rate(echoReadNs)))")
        lines.append("    " + pad(nevrcapURL.lastPathComponent, 18) + lpad(Human.bytes(nevrcapSize), 10)
            + "   read back \(nevrcapRead) frames, \(nevrcapEvents) events (\(rate(nevrcapReadNs)))")
        lines.append("    " + pad("game JSON", 18) + lpad(Human.bytes(jsonBytes), 10) + "   (uncompressed, for comparison)")
        lines.append("")
        let total = stages.simulate + stages.spell + stages.process + stages.echoReplay + stages.nevrcap
        lines.append("  throughput")
        lines.append("    simulate            \(rate(stages.simulate))")
        lines.append("    write game JSON     \(rate(stages.spell))")
        lines.append("    parse + detect      \(rate(stages.process))")
        lines.append("    write .echoreplay   \(rate(stages.echoReplay))")
        lines.append("    write .nevrcap      \(rate(stages.nevrcap))")
        lines.append("    whole pipeline      \(rate(total)) (" + String(format: "%.2f s", Double(total) / 1e9) + ")")
        lines.append("")
        lines.append("  output     \(echoURL.deletingLastPathComponent().path) (ground truth: \(truthURL.lastPathComponent))")
        return lines.joined(separator: "\n")
    }
}
