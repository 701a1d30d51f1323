import Foundation

/// Progress output on stderr, only when stderr is a terminal.
enum Terminal {
    static let stderrIsTTY = isatty(STDERR_FILENO) == 1

    /// Replaces the current status line.
    static func status(_ line: String) {
        guard stderrIsTTY else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Clears the status line.
    static func clearStatus() {
        guard stderrIsTTY else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// One line on stderr.
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
