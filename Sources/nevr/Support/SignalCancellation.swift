import Dispatch
import Foundation

/// Turns the first SIGINT/SIGTERM into task cancellation (so a long job can
/// finish its files), and a second one into an immediate exit.
final class SignalCancellation: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var received = 0

    /// Cancels `task` on the first SIGINT or SIGTERM.
    init(cancelling task: Task<some Sendable, some Error>, signals: [Int32] = [SIGINT, SIGTERM]) {
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.received += 1
                let count = self.received
                self.lock.unlock()
                if count == 1 {
                    task.cancel()
                } else {
                    exit(128 + sig)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a signal arrived.
    var wasSignalled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return received > 0
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
