import Dispatch
import Foundation

/// Runs an action on every SIGUSR1 (`kill -USR1 <pid>` saves a clip in `nevr record --buffer`).
final class ClipSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    /// Starts listening; the default action (ending the process) is switched off while this lives.
    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGUSR1, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
    }

    deinit { source.cancel() }
}
