import ArgumentParser
import Foundation
import NEVRAnalysis

/// `nevr diff A B`: field-by-field differences of two recordings of one match.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two recordings of one match frame by frame, field by field, summarised by JSON path.",
        discussion: """
            Frames are paired by capture time (nearest within --tolerance seconds). For each JSON
            path (array indices blanked: teams[].players[].velocity[]) the table gives the frame
            pairs that differ there, fields only in A or only in B, the largest numeric difference,
            the first pair and an example. Exit status 0 whether or not they differ.
            """
    )

    @Argument(help: "First capture.") var a: String
    @Argument(help: "Second capture.") var b: String
    @Flag(help: "One JSON object instead of a table.") var json = false
    @Option(help: "Seconds two frames' timestamps may differ to pair.") var tolerance: Double = 0.05

    func validate() throws {
        guard tolerance.isFinite, (0...60).contains(tolerance) else { throw ValidationError("--tolerance must be 0...60 seconds") }
    }

    func run() throws {
        do {
            let diff = try RecordingDiff.run(URL(fileURLWithPath: a), URL(fileURLWithPath: b), tolerance: tolerance)
            FileHandle.standardOutput.write(Data((json ? diff.json() + "\n" : diff.text()).utf8))
        } catch {
            throw CLIOutput.reportAnalysis(error, file: a)
        }
    }
}
