import ArgumentParser
import Foundation
import NEVRCapture

extension VerifyCommand {
    /// `nevr verify FILE.nvr`: decodes every block and checks every frame (the file's own
    /// proof); `nevr verify FILE --via nvr`: every frame of any recording through an
    /// in-memory `.nvr` and back, compared byte for byte with the source JSON.
    func runNVR(roundTrip: Bool) throws {
        let url = URL(fileURLWithPath: file)
        let (report, sourceReport, mode): (NVRVerification.Report, CaptureReadReport?, String) = try CLIOutput.run(file: file) {
            if roundTrip {
                let r = try NVRVerification.roundTrip(url: url)
                return (r.report, r.source, "round trip through .nvr, in memory")
            }
            return (try NVRVerification.check(NVRReader(url: url)), nil, "every block of the .nvr decoded")
        }
        var damage: [String] = report.problems
        if let s = sourceReport {
            if let t = s.truncation { damage.append("source: \(t)") }
            damage.append(contentsOf: s.damage.map { "source: \($0)" })
            if s.skippedCount > 0 { damage.append("source: \(s.skippedCount) line(s) or record(s) skipped") }
        }
        if json {
            let object: [String: Any] = [
                "file": file, "mode": mode, "frames": report.frames,
                "session_byte_exact": report.sessionByteExact, "bones_frames": report.bonesFrames,
                "bones_byte_exact": report.bonesByteExact, "events_in": report.eventsIn, "events_out": report.eventsOut,
                "events_equal": report.eventsEqual, "timestamp_mismatches": report.timestampMismatches,
                "first_mismatches": report.mismatches, "verbatim_documents": report.verbatimDocuments,
                "game_spelled": report.gameSpelled, "parsed_as_game_frames": report.parsedAsGameFrames,
                "nvr_bytes": report.nvrBytes, "json_bytes": report.jsonBytes, "session_sha256": report.sessionSHA256,
                "problems": damage, "lossless": report.isLossless && damage.isEmpty,
            ]
            try Self.printJSONLine(object)
        } else {
            var out = ""
            func row(_ label: String, _ value: String) { out += Self.receiptRow(label, value) }
            row("file:", file)
            row("check:", mode)
            row("frames:", "\(report.frames)")
            row("session JSON:", "\(report.sessionByteExact) of \(report.frames) byte for byte")
            row("bones JSON:", "\(report.bonesByteExact) of \(report.bonesFrames) byte for byte")
            row("events:", "\(report.eventsOut) of \(report.eventsIn)\(report.eventsEqual ? "" : ", NOT equal")")
            if report.timestampMismatches > 0 { row("timestamps:", "\(report.timestampMismatches) differ") }
            if !report.mismatches.isEmpty { row("first mismatches:", report.mismatches.map(String.init).joined(separator: ", ")) }
            if roundTrip {
                row("verbatim frames:", "\(report.verbatimDocuments) (stored as text: not in a shape the columns hold)")
            } else {
                row("game spelling:", "\(report.gameSpelled) of \(report.frames) frames spelled as the game spells them")
            }
            if report.frames > 0 {
                row(".nvr size:", "\(report.nvrBytes) B for \(report.jsonBytes) B of JSON (\(report.nvrBytes / report.frames) B/frame)")
            }
            row("session sha256:", report.sessionSHA256 + " (of what nevr cat prints)")
            for d in damage { row("problem:", d) }
            row("result:", report.isLossless && damage.isEmpty ? "OK: every frame came back byte for byte" : "LOSS or damage: see above")
            print(out, terminator: "")
        }
        if report.isLossless && damage.isEmpty { return }
        // Same policy as the other formats: damaged input with everything readable intact is 2.
        let intact = report.sessionByteExact == report.frames && report.bonesByteExact == report.bonesFrames
            && report.timestampMismatches == 0 && report.eventsEqual
        if intact { throw ExitStatus.damaged(file) }
        throw ExitCode.failure
    }
}
