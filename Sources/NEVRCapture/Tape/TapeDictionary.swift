import CZstd
import Foundation

/// Trained zstd dictionaries for `.tape` files (`tape.md` §2 (c)). The file never stores its
/// dictionary, only the dictionary ID in each zstd frame header, so a reader needs the bytes
/// from elsewhere: ``load(_:)`` reads a dictionary file (as `zstd --train` or tape's trainer
/// write it) and takes its ID from the dictionary's own header.
///
/// ```swift
/// let dictionaries = try TapeDictionary.loadAll([URL(fileURLWithPath: "arena.dict")])
/// let reader = try TapeReader(url: url, options: .init(dictionaries: dictionaries))
/// ```
public enum TapeDictionary {
    /// Reads one dictionary file. A file without a zstd dictionary header (a raw-content
    /// dictionary has no ID) is refused: a frame could not name it.
    public static func load(_ url: URL) throws(TapeError) -> (id: UInt32, bytes: [UInt8]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TapeError(reason: .io("cannot read the dictionary: \(error.localizedDescription)"), file: url.path)
        }
        let bytes = [UInt8](data)
        let id = bytes.withUnsafeBytes { UInt32(ZSTD_getDictID_fromDict($0.baseAddress, $0.count)) }
        guard id != 0 else {
            throw TapeError(reason: .invalidInput("not a zstd dictionary (no dictionary header with an ID)"), file: url.path)
        }
        return (id, bytes)
    }

    /// Reads several dictionary files into the `[dictID: bytes]` map ``TapeReader/Options``
    /// takes; two files with the same ID are refused.
    public static func loadAll(_ urls: [URL]) throws(TapeError) -> [UInt32: [UInt8]] {
        var map: [UInt32: [UInt8]] = [:]
        for url in urls {
            let (id, bytes) = try load(url)
            guard map[id] == nil else {
                throw TapeError(reason: .invalidInput("a second dictionary with ID \(id)"), file: url.path)
            }
            map[id] = bytes
        }
        return map
    }
}
