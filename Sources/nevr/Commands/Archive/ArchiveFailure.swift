import ArgumentParser
import NEVRArchive

/// How `nevr archive` reports a failed open or query: an unreachable or refusing server as
/// `nevr: postgres://HOST:PORT/DATABASE: <reason and hint>` (its own words: the generic
/// connection wording would suggest starting the game), any other archive error after the
/// database it is about.
enum ArchiveFailure {
    /// Prints the error line for `error` about the archive `database` (a `--database` value)
    /// and returns the failure exit code to throw.
    @discardableResult
    static func report(_ error: any Error, database: String) -> ExitCode {
        if let e = error as? ArchiveError {
            switch e {
            case .cannotOpen(let location, let reason):
                CLIOutput.printError(file: location, reason)
            default:
                CLIOutput.printError(file: ArchiveLocation.redacted(database), e.description)
            }
            return ExitCode.failure
        }
        return CLIOutput.report(error, file: ArchiveLocation.redacted(database))
    }
}
