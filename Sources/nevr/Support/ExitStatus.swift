import ArgumentParser

/// The CLI's one exit-status policy (README, "Exit status"), the same in every command:
///
/// - 0: done.
/// - 1: failed: the input could not be read at all, or an output could not be written
///   (folder conversion: any file failed).
/// - 2: the input is damaged or truncated, or lines or records of it were skipped:
///   everything readable was processed and written, and what was lost is on stderr.
/// - 64: the command line is wrong (ArgumentParser's usage error).
enum ExitStatus {
    static let damagedInput = ExitCode(2)

    /// Says that `file` was damaged (after its details were reported) and returns exit status 2.
    static func damaged(_ file: String) -> ExitCode {
        CLIOutput.printError(file: file, "the input is damaged; everything readable was processed (exit status 2)")
        return damagedInput
    }
}

/// Old option spellings, accepted for one release with a warning.
enum Deprecation {
    /// Warns on stderr that `old` is now `new` in `command`.
    static func warn(command: String, old: String, new: String) {
        CLIOutput.printError("nevr \(command): warning: \(old) is deprecated, use \(new) (the old spelling will be removed in the next release)")
    }
}
