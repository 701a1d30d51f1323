import Foundation
import NEVRCapture
import NEVRCore
import NEVRTestSupport
import XCTest

/// Issue 14's rules that hold in every command, checked on the real binary: formats from
/// extensions only, `-` for standard input and output, one exit-status policy, clean help.
final class CLIConsistencyTests: XCTestCase {
    var dir: URL!
    var session: [UInt8] = []

    override func setUpWithError() throws {
        dir = try SharedData.temporaryDirectory("nevr-cli-rules")
        session = try SharedData.bytes(SharedData.frame2021)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A plain `.echoreplay` of `count` real frames, 16 ms apart; `badLine` adds a rejected line.
    func plainRecording(_ name: String, count: Int = 3, badLine: Bool = false, in folder: URL? = nil) throws -> URL {
        var text: [UInt8] = []
        for i in 0..<count {
            let ms = 100 + i * 16
            text += Array(String(format: "2021/11/20 21:%02d:%02d.%03d", 5 + ms / 60_000, (ms / 1000) % 60, ms % 1000).utf8) + [0x09] + session + [0x0D, 0x0A]
            if badLine && i == 0 { text += Array("2021/11/2X 21:05:33.000\t{}\r\n".utf8) }
        }
        let url = (folder ?? dir).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text).write(to: url)
        return url
    }

    func testUnknownOrUnsupportedOutputExtensionIsAnErrorListingTheKnownOnes() throws {
        let source = try plainRecording("a.echoreplay")
        // Every known format is supported now (.nvr was the last), so only unknown extensions remain.
        for name in ["out.json", "out"] {
            let out = dir.appendingPathComponent(name)
            let r = try NEVRProcess.run(["convert", source.path, out.path])
            XCTAssertEqual(r.status, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("nevr: \(out.path): "), r.stderr)
            XCTAssertTrue(r.stderr.contains(".echoreplay") && r.stderr.contains(".nevrcap"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(name): nothing written")
        }
    }

    func testDashReadsStandardInputAndWritesStandardOutput() throws {
        let source = try plainRecording("a.echoreplay")
        let bytes = try Data(contentsOf: source)

        let cat = try NEVRProcess.run(["cat", "-"], stdin: bytes)
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual([UInt8](cat.stdoutBytes), session + [0x0A] + session + [0x0A] + session + [0x0A])

        let capture = dir.appendingPathComponent("from-stdin.nevrcap")
        let convert = try NEVRProcess.run(["convert", "-", capture.path], stdin: bytes)
        XCTAssertEqual(convert.status, 0, convert.stderr)
        XCTAssertTrue(convert.stdout.contains("3 frames written"), convert.stdout)

        let inspect = try NEVRProcess.run(["inspect", "-", "--json"], stdin: try Data(contentsOf: capture))
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: inspect.stdoutBytes) as? [String: Any])
        XCTAssertEqual(object["format"] as? String, "nevrcap")
        XCTAssertEqual(object["frames"] as? Int, 3)

        let events = try NEVRProcess.run(["events", "-", "--json"], stdin: bytes)
        XCTAssertEqual(events.status, 0, events.stderr)
        XCTAssertTrue(events.stderr.contains("stdin: 3 frames"), events.stderr)

        // Back to a plain .echoreplay on stdout: the frames' JSON, summary on stderr.
        let back = try NEVRProcess.run(["convert", capture.path, "-", "--format", "echoreplay", "--plain"])
        XCTAssertEqual(back.status, 0, back.stderr)
        let lines = back.stdout.split(separator: "\r\n")
        XCTAssertEqual(lines.count, 3, back.stdout)
        XCTAssertTrue(lines[0].hasPrefix("2021/11/20 21:05:00.100\t{"), String(lines[0].prefix(40)))
        XCTAssertTrue(back.stderr.contains("stdout: 3 frames written"), back.stderr)

        let noFormat = try NEVRProcess.run(["convert", capture.path, "-"])
        XCTAssertEqual(noFormat.status, 1)
        XCTAssertTrue(noFormat.stderr.contains("nevr: stdout: say which format to write with --format"), noFormat.stderr)

        let junk = try NEVRProcess.run(["cat", "-"], stdin: Data("hello there\n".utf8))
        XCTAssertEqual(junk.status, 1)
        XCTAssertTrue(junk.stderr.hasPrefix("nevr: stdin: not a recording"), junk.stderr)
    }

    /// The same damaged inputs give exit status 2 in every command that reads them, with
    /// everything readable still processed.
    func testDamagedInputsExitWithTwoInEveryCommand() throws {
        let skipped = try plainRecording("skipped.echoreplay", count: 3, badLine: true)
        let long = try plainRecording("long.echoreplay", count: 400)
        let capture = dir.appendingPathComponent("long.nevrcap")
        let made = try NEVRProcess.run(["convert", long.path, capture.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        var bytes = [UInt8](try Data(contentsOf: capture))
        bytes.removeLast(bytes.count / 3)
        let cut = dir.appendingPathComponent("cut.nevrcap")
        try Data(bytes).write(to: cut)

        for file in [skipped, cut] {
            for args in [["cat", file.path], ["inspect", file.path], ["inspect", file.path, "--json"], ["events", file.path],
                         ["convert", file.path, dir.appendingPathComponent("o-\(file.lastPathComponent).echoreplay").path]] {
                let r = try NEVRProcess.run(args)
                XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("nevr: \(file.path): the input is damaged"), "\(args): \(r.stderr)")
                if args[0] == "events" {
                    XCTAssertTrue(r.stderr.contains(" frames"), "\(args): the readable part is still processed: \(r.stderr)")
                } else {
                    XCTAssertFalse(r.stdout.isEmpty, "\(args): the readable part is still processed")
                }
            }
        }
        let clean = try NEVRProcess.run(["cat", long.path])
        XCTAssertEqual(clean.status, 0, clean.stderr)
    }

    func testFolderConversionSkipsNonRecordingsDisambiguatesAndNeverOverwritesInputs() throws {
        let input = dir.appendingPathComponent("in", isDirectory: true)
        _ = try plainRecording("a.echoreplay", in: input)
        _ = try plainRecording("a.txt", in: input)
        _ = try plainRecording("sub/b.echoreplay", in: input)
        try Data("call Bob about the scrim\n".utf8).write(to: input.appendingPathComponent("notes.txt"))
        try Data("{}".utf8).write(to: input.appendingPathComponent("config.json"))
        let output = dir.appendingPathComponent("out", isDirectory: true)

        let dry = try NEVRProcess.run(["convert", input.path, output.path, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(dry.stdout.split(separator: "\n").count, 3, dry.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "a dry run writes nothing")

        let r = try NEVRProcess.run(["convert", input.path, output.path, "--jobs", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["a.echoreplay.nevrcap", "a.txt.nevrcap", "sub/b.nevrcap"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)\n\(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.appendingPathComponent("a.nevrcap").path))
        XCTAssertTrue(r.stderr.contains("notes.txt: not a recording"), r.stderr)
        XCTAssertTrue(r.stderr.contains("config.json: not a recording"), r.stderr)
        XCTAssertTrue(r.stdout.contains("3 of 3 files converted"), r.stdout)
        XCTAssertTrue(r.stdout.contains("2 skipped"), r.stdout)

        let again = try NEVRProcess.run(["convert", input.path, output.path, "--skip-existing"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("exists, skipped"), again.stderr)

        let globbed = dir.appendingPathComponent("globbed", isDirectory: true)
        let g = try NEVRProcess.run(["convert", input.path, globbed.path, "--glob", "sub/*", "--format", "echoreplay", "--plain"])
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: globbed.path).filter { $0.hasSuffix(".echoreplay") }, ["sub/b.echoreplay"])

        // In place: x.nevrcap's output would be x.echoreplay, an input: refused, nothing replaced.
        let mixed = dir.appendingPathComponent("mixed", isDirectory: true)
        let x = try plainRecording("x.echoreplay", in: mixed)
        let made = try NEVRProcess.run(["convert", x.path, mixed.appendingPathComponent("x.nevrcap").path])
        XCTAssertEqual(made.status, 0, made.stderr)
        let before = try Data(contentsOf: x)
        let capBefore = try Data(contentsOf: mixed.appendingPathComponent("x.nevrcap"))
        let inPlace = try NEVRProcess.run(["convert", mixed.path, mixed.path])
        XCTAssertEqual(inPlace.status, 1, inPlace.stderr)
        XCTAssertTrue(inPlace.stderr.contains("is one of the input files"), inPlace.stderr)
        XCTAssertEqual(try Data(contentsOf: x), before)
        XCTAssertEqual(try Data(contentsOf: mixed.appendingPathComponent("x.nevrcap")), capBefore)
    }

    func testOldOptionSpellingsWorkWithADeprecationWarning() throws {
        let input = dir.appendingPathComponent("in", isDirectory: true)
        _ = try plainRecording("a.echoreplay", in: input)
        let output = dir.appendingPathComponent("out", isDirectory: true)
        let r = try NEVRProcess.run(["convert", input.path, output.path, "--to", "nevrcap"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: --to is deprecated, use --format"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output.appendingPathComponent("a.nevrcap").path))
    }

    /// `overlay --rate` meant the replay speed: it still does for one release, with a warning,
    /// and is checked as `--speed` (0 is refused under the new name).
    func testOverlayRateIsNowSpeed() throws {
        let replay = try plainRecording("a.echoreplay", in: dir)
        let r = try NEVRProcess.run(["overlay", "--replay", replay.path, "--rate", "0", "--port", "0", "--events-port", "0"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("nevr overlay: warning: --rate is deprecated, use --speed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--speed must be in (0, 1000]"), r.stderr)
    }

    /// `--rate` is polls (or frames) per second in every command that has it: `overlay --game`
    /// polls at `--rate` like `record` (`--poll-rate` still works for one release, with a warning).
    func testRateMeansPerSecondEverywhereAndOverlayPollRateIsNowRate() throws {
        for command in ["record", "simulate", "demo", "overlay"] {
            let help = try NEVRProcess.run([command, "--help"])
            XCTAssertEqual(help.status, 0, help.stderr)
            let lines = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let rate = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("--rate <") }, "\(command) --help has --rate:\n\(help.stdout)")
            // The help text is beside the option or on the next line.
            let text = (lines[rate] + " " + (rate + 1 < lines.count ? lines[rate + 1] : "")).lowercased()
            XCTAssertTrue(text.contains("per second"), "\(command) --rate: \(text)")
            XCTAssertFalse(help.stdout.contains("--poll-rate"), "\(command) --help:\n\(help.stdout)")
        }
        let game = ["overlay", "--game", "http://127.0.0.1:1", "--port", "0", "--events-port", "0"]
        let old = try NEVRProcess.run(game + ["--poll-rate", "0"])
        XCTAssertEqual(old.status, 64, old.stderr)
        XCTAssertTrue(old.stderr.contains("nevr overlay: warning: --poll-rate is deprecated, use --rate"), old.stderr)
        XCTAssertTrue(old.stderr.contains("--rate must be in (0, 1000] polls per second"), old.stderr)
        let new = try NEVRProcess.run(game + ["--rate", "2000"])
        XCTAssertEqual(new.status, 64, new.stderr)
        XCTAssertFalse(new.stderr.contains("deprecated"), new.stderr)
        XCTAssertTrue(new.stderr.contains("--rate must be in (0, 1000] polls per second"), new.stderr)
        let hub = try NEVRProcess.run(["overlay", "--hub", "ws://127.0.0.1:1/subscribe", "--rate", "5", "--port", "0", "--events-port", "0"])
        XCTAssertEqual(hub.status, 64, hub.stderr)
        XCTAssertTrue(hub.stderr.contains("--rate is the poll rate of --game"), hub.stderr)
    }

    /// Every command's help: no Swift debug descriptions of defaults, no broken wrapping.
    func testHelpTextsHaveNoDebugDescriptionsOrBrokenWrapping() throws {
        for command in ["inspect", "convert", "verify", "cat", "events", "accuracy", "record", "simulate", "demo", "serve", "hub", "watch", "stream", "overlay"] {
            let r = try NEVRProcess.run([command, "--help"])
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains("Argument("), "\(command) --help:\n\(r.stdout)")
            XCTAssertFalse(r.stdout.contains(".0 seconds"), "\(command) --help:\n\(r.stdout)")
            // Broken wrapping: a hard line break in the source re-wrapped by ArgumentParser leaves a
            // short line whose sentence goes on, lower case, on the next one ("... .nevrcap files" / "carry ...").
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.hasPrefix(" ") && !line.isEmpty && line.count < 60 {
                let endsSentence = line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix(")")
                XCTAssertFalse(!endsSentence && next.first?.isLowercase == true, "\(command) --help wraps badly at \"\(line)\" / \"\(next)\"")
            }
        }
        let serve = try NEVRProcess.run(["serve", "--help"])
        XCTAssertTrue(serve.stdout.contains("default: 5m"), serve.stdout)
    }

    /// Runs `bash arguments...`; its exit status and what it printed (stdout and stderr together).
    static func bash(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// `scripts/install.sh --binary` installs the built binary and its completions into a prefix.
    func testInstallScriptInstallsTheBinaryAndCompletions() throws {
        let prefix = dir.appendingPathComponent("prefix")
        let script = SharedData.packageRoot.appendingPathComponent("scripts/install.sh")
        let (status, text) = try Self.bash([script.path, "--binary", try NEVRProcess.binary().path, "--prefix", prefix.path])
        XCTAssertEqual(status, 0, text)
        let nevr = prefix.appendingPathComponent("bin/nevr")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: nevr.path), text)
        for completion in ["share/bash-completion/completions/nevr", "share/zsh/site-functions/_nevr", "share/fish/vendor_completions.d/nevr.fish"] {
            let body = (try? String(contentsOf: prefix.appendingPathComponent(completion), encoding: .utf8)) ?? ""
            XCTAssertTrue(body.contains("convert") && body.contains("record"), "\(completion): \(body.prefix(200))")
        }
        XCTAssertTrue(text.contains("installed 0."), text)

        // The installed binary runs, and bash loads its completion script and completes a command.
        let completion = prefix.appendingPathComponent("share/bash-completion/completions/nevr").path
        let (loadedStatus, loaded) = try Self.bash(["--norc", "-c", """
            '\(nevr.path)' --version && source '\(completion)' && complete -p nevr \
            && COMP_WORDS=(nevr rec) COMP_CWORD=1 COMP_LINE='nevr rec' COMP_POINT=8 && $(complete -p nevr | sed -E 's/.*-F ([^ ]+).*/\\1/') nevr rec nevr \
            && printf 'words:%s\\n' "${COMPREPLY[@]}"
            """])
        XCTAssertEqual(loadedStatus, 0, loaded)
        XCTAssertTrue(loaded.range(of: #"^[0-9]+\.[0-9]+"#, options: .regularExpression) != nil, "nevr --version: \(loaded)")
        XCTAssertTrue(loaded.contains("words:record"), loaded)
    }

    /// `verify --via` works for every format the registry reads, through the capture seam: `.tape`
    /// and `.butter` (Spark's files, built by the independent Python writer) round-trip through
    /// `.nevrcap` when asked (their default stays the `.tape` receipt), and the receipt says what
    /// the target cannot hold (events in `.echoreplay`) instead of calling it a loss.
    func testVerifyEveryRegisteredFormatThroughTheSeam() throws {
        let demo = try NEVRProcess.run(["demo", "--out", dir.path, "--duration", "30s", "--rate", "10"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let nevrcap = dir.appendingPathComponent("demo.nevrcap").path
        let tape = dir.appendingPathComponent("demo.tape").path
        XCTAssertEqual(try NEVRProcess.run(["convert", nevrcap, tape]).status, 0)

        let viaEcho = try NEVRProcess.run(["verify", nevrcap, "--via", "echoreplay"])
        XCTAssertEqual(viaEcho.status, 0, viaEcho.stdout + viaEcho.stderr)
        XCTAssertTrue(viaEcho.stdout.contains("round trip through .echoreplay"), viaEcho.stdout)
        XCTAssertTrue(viaEcho.stdout.contains("frames in:          300"), viaEcho.stdout)
        XCTAssertTrue(viaEcho.stdout.contains("frames out:         300"), viaEcho.stdout)
        XCTAssertTrue(viaEcho.stdout.contains("event(s): .echoreplay stores none"), viaEcho.stdout)

        let fromTape = try NEVRProcess.run(["verify", tape, "--via", "nevrcap", "--json"])
        let receipt = try XCTUnwrap(JSONSerialization.jsonObject(with: fromTape.stdoutBytes) as? [String: Any], fromTape.stdout + fromTape.stderr)
        XCTAssertEqual(receipt["format"] as? String, "tape")
        XCTAssertEqual(receipt["round_trip_through"] as? String, ".nevrcap")
        XCTAssertEqual(receipt["frames_in"] as? Int, 300)
        XCTAssertEqual(receipt["frames_out"] as? Int, 300)
        // The exit status follows the receipt: 0 exactly when it says lossless.
        XCTAssertEqual(fromTape.status == 0, receipt["lossless"] as? Bool, fromTape.stdout)

        let butterDir = dir.appendingPathComponent("butter", isDirectory: true)
        try FileManager.default.createDirectory(at: butterDir, withIntermediateDirectories: true)
        let script = SharedData.packageRoot.appendingPathComponent("Tests/Scripts/butter_check.py").path
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["python3", script, "build", butterDir.path]
        build.standardOutput = FileHandle.nullDevice
        try build.run()
        build.waitUntilExit()
        XCTAssertEqual(build.terminationStatus, 0)
        let butter = try NEVRProcess.run(["verify", butterDir.appendingPathComponent("v3.butter").path, "--via", "nevrcap"])
        XCTAssertTrue(butter.stdout.contains("round trip through .nevrcap"), butter.stdout + butter.stderr)
        XCTAssertTrue(butter.stdout.contains("frames in:          8"), butter.stdout)
        XCTAssertTrue(butter.stdout.contains("frames out:         8"), butter.stdout)

        let unknown = try NEVRProcess.run(["verify", nevrcap, "--via", "json"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("known: echoreplay, nevrcap, tape, butter, nvr"), unknown.stderr)
    }
}
