import Foundation
import NEVRCapture
import NEVRCore
import NEVRSimulator

/// Where `nevr simulate` and `nevr demo` put simulated frames: an `.echoreplay` or a
/// `.nevrcap` file, chosen by the file's extension.
final class SimulationCapture {
    private enum Writer {
        case echoReplay(EchoReplayWriter)
        case nevrcap(NevrcapWriter)
    }

    let url: URL
    let format: CaptureFormat
    private let writer: Writer

    init(url: URL, options: SimulationOptions, sessionID: String, startTime: Timestamp, zipped: Bool = true) throws {
        self.url = url
        format = try CaptureFormat(url: url)
        switch format {
        case .tape, .butter, .nvr:
            throw CaptureFormatError(path: url.path, reason: .notSupportedYet(format))
        case .echoReplay:
            writer = .echoReplay(try EchoReplayWriter(url: url, options: .init(zipped: zipped, includeBones: options.bones)))
        case .nevrcap:
            let header = NevrcapHeader(
                captureID: "simulated-\(options.seed)-\(sessionID)", createdAt: startTime,
                metadata: [
                    .init(key: "source", value: "nevr simulate"), .init(key: "seed", value: String(options.seed)),
                    .init(key: "rate", value: String(options.rate)), .init(key: "players", value: String(options.players)),
                    .init(key: "duration", value: String(options.duration)),
                    CaptureConversion.writerEntry,
                ])
            writer = .nevrcap(try NevrcapWriter(url: url, header: header))
        }
    }

    /// Writes one frame (`.nevrcap` keeps its events; `.echoreplay` has no place for them).
    func write(_ frame: Frame) throws {
        switch writer {
        case .echoReplay(let w): try w.write(frame)
        case .nevrcap(let w): try w.write(frame)
        }
    }

    /// Writes one frame whose `/session` (and `/player_bones`) JSON is already spelled.
    func write(_ frame: Frame, sessionJSON: [UInt8], bonesJSON: [UInt8]?) throws {
        switch writer {
        case .echoReplay(let w): try w.write(timestamp: frame.timestamp, session: sessionJSON, bones: bonesJSON)
        case .nevrcap(let w): try w.write(frame)
        }
    }

    func close() throws {
        switch writer {
        case .echoReplay(let w): try w.close()
        case .nevrcap(let w): try w.close()
        }
    }

    /// Size of the finished file in bytes.
    var fileSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// Human-readable sizes and counts for summaries.
enum Human {
    static func bytes(_ n: Int) -> String {
        let v = Double(n)
        if n >= 1 << 30 { return String(format: "%.2f GB", v / 1_073_741_824) }
        if n >= 1 << 20 { return String(format: "%.1f MB", v / 1_048_576) }
        if n >= 1 << 10 { return String(format: "%.1f KB", v / 1024) }
        return "\(n) B"
    }

    static func seconds(_ s: Double) -> String {
        s >= 60 ? String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) : String(format: "%.0fs", s)
    }

    static func count(_ n: Double) -> String {
        n >= 10_000 ? String(format: "%.0f", n) : String(format: "%.1f", n)
    }
}
