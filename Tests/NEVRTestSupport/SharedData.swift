import Foundation

/// Locates the real game frames in `../shared/data/` (relative to the package root)
/// without copying them into the project. `NEVR_SHARED_DATA` overrides the folder.
public enum SharedData {
    /// The package root (two levels above this file's folder).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the package, or `$NEVR_SHARED_DATA`.
    public static var directory: URL {
        if let env = ProcessInfo.processInfo.environment["NEVR_SHARED_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// The 2021 compact 10-player frame (13,684 bytes).
    public static let frame2021 = "session-2021-11-20-arena-private-5v5.json"
    /// The same frame pretty-printed.
    public static let frame2021Pretty = "session-2021-11-20-arena-private-5v5.pretty.json"
    /// Dec 2020 Quest frame, re-saved by JavaScript (`600` not `600.0`).
    public static let frame2020 = "session-2020-12-quest-private-1p.json"
    /// 2018 public 3v3 frame.
    public static let frame2018Public = "session-2018-arena-public-3v3.json"
    /// 2018 private single-player frame.
    public static let frame2018Private = "session-2018-private-1p.json"

    public static let allFrames = [frame2021, frame2021Pretty, frame2020, frame2018Public, frame2018Private]

    /// The bytes of a sample file; fails loudly (with the path) when `../shared` is missing.
    public static func bytes(_ name: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return [UInt8](data)
    }

    /// A fresh temporary directory for one test.
    public static func temporaryDirectory(_ label: String = "nevr-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
