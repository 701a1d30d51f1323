import ArgumentParser
import Foundation

/// stderr conventions of the streaming commands: `nevr: <what>: <reason>` errors, notes.
enum CLIOutput {
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints `nevr: <subject>: <reason>` and exits non-zero.
    static func fail(_ subject: String, _ reason: String) -> Never {
        note("nevr: \(subject): \(reason)")
        exit(1)
    }
}
