import Foundation

/// Creates the file a recording segment goes to: `<folder>/<baseName>.<ext>`,
/// or `<baseName>_2.<ext>`, `_3`, ... when that name is taken (never overwrites).
enum SegmentFile {
    struct CreationError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    static func create(in directory: URL, baseName: String, extension ext: String) throws -> URL {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw CreationError(path: directory.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        var candidate = directory.appendingPathComponent("\(baseName).\(ext)")
        var n = 2
        // Names carry the start second and the session id: a clash means the same match
        // recorded again within one second (a restarted recorder).
        while fm.fileExists(atPath: candidate.path) {
            candidate = directory.appendingPathComponent("\(baseName)_\(n).\(ext)")
            n += 1
        }
        guard fm.createFile(atPath: candidate.path, contents: nil) else {
            throw CreationError(path: candidate.path, reason: "cannot create file")
        }
        return candidate
    }
}
