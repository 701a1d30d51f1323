import DequeModule
import Foundation

/// The publisher's send buffer: every message stays here until the hub acknowledges it,
/// so a dropped connection loses nothing that fits the bound.
///
/// Up to `memoryLimit` messages are held in memory; after that new messages go to a
/// spill file (in order, behind the memory ones) up to `spillLimitBytes`; beyond both,
/// new messages are refused and counted in ``dropped``. Not thread-safe (the codec locks).
struct OutboundBuffer {
    struct Entry {
        var isText: Bool
        var bytes: [UInt8]
    }

    let memoryLimit: Int
    let spillLimitBytes: Int
    let spillDirectory: URL?

    private var memory = Deque<Entry>()
    private var spill: SpillFile?
    /// Messages refused because both bounds were full.
    private(set) var dropped = 0
    /// Messages that went through the spill file (for statistics).
    private(set) var spilledTotal = 0

    init(memoryLimit: Int, spillLimitBytes: Int, spillDirectory: URL?) {
        self.memoryLimit = max(1, memoryLimit)
        self.spillLimitBytes = spillLimitBytes
        self.spillDirectory = spillDirectory
    }

    /// Messages held (memory and spill file).
    var count: Int { memory.count + (spill?.count ?? 0) }
    var inMemory: Int { memory.count }
    var spilled: Int { spill?.count ?? 0 }

    /// Appends a message; false when it had to be dropped.
    mutating func append(_ entry: Entry) -> Bool {
        if (spill?.count ?? 0) == 0, memory.count < memoryLimit {
            memory.append(entry)
            return true
        }
        if spill == nil, spillLimitBytes > 0 {
            spill = try? SpillFile(directory: spillDirectory ?? FileManager.default.temporaryDirectory)
        }
        if let s = spill, s.bytesUsed + entry.bytes.count + 5 <= spillLimitBytes, (try? s.append(entry)) != nil {
            spilledTotal += 1
            return true
        }
        dropped += 1
        return false
    }

    /// The `i`-th held message from the front, when it is in memory (refilled from the spill file as needed).
    mutating func entry(at i: Int) -> Entry? {
        if i >= memory.count { refill() }
        return i < memory.count ? memory[i] : nil
    }

    /// Forgets the first `n` messages (acknowledged by the hub).
    /// Never more than are held in memory (an acknowledgement counts only messages sent from memory).
    mutating func removeFirst(_ n: Int) { memory.removeFirst(min(max(n, 0), memory.count)) }

    /// Moves spilled messages back into memory once memory has room (order is kept:
    /// everything in memory is older than everything in the file).
    private mutating func refill() {
        guard let s = spill, s.count > 0 else { return }
        let room = max(1, memoryLimit - memory.count)
        for entry in (try? s.read(upTo: room)) ?? [] { memory.append(entry) }
        if s.count == 0 { try? s.reset() }
    }

    /// Deletes the spill file.
    mutating func discardSpill() {
        spill?.remove()
        spill = nil
    }
}

/// Length-prefixed messages in a temporary file: `[kind byte][UInt32 LE length][bytes]`.
final class SpillFile {
    let url: URL
    private let handle: FileHandle
    private var readOffset: UInt64 = 0
    private var writeOffset: UInt64 = 0
    private(set) var count = 0
    var bytesUsed: Int { Int(writeOffset - readOffset) }

    init(directory: URL) throws {
        url = directory.appendingPathComponent("nevr-stream-spill-\(UUID().uuidString).bin")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forUpdating: url)
    }

    deinit { remove() }

    func append(_ entry: OutboundBuffer.Entry) throws {
        var record: [UInt8] = [entry.isText ? 1 : 2]
        let n = UInt32(entry.bytes.count)
        record.append(contentsOf: [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)])
        record.append(contentsOf: entry.bytes)
        try handle.seek(toOffset: writeOffset)
        try handle.write(contentsOf: record)
        writeOffset += UInt64(record.count)
        count += 1
    }

    func read(upTo n: Int) throws -> [OutboundBuffer.Entry] {
        var out: [OutboundBuffer.Entry] = []
        try handle.seek(toOffset: readOffset)
        while out.count < n, count > 0 {
            guard let head = try handle.read(upToCount: 5), head.count == 5 else { break }
            let len = Int(head[head.startIndex + 1]) | Int(head[head.startIndex + 2]) << 8 | Int(head[head.startIndex + 3]) << 16
                | Int(head[head.startIndex + 4]) << 24
            let body = len == 0 ? Data() : (try handle.read(upToCount: len) ?? Data())
            guard body.count == len else { break }
            out.append(.init(isText: head[head.startIndex] == 1, bytes: [UInt8](body)))
            readOffset += UInt64(5 + len)
            count -= 1
        }
        return out
    }

    /// Empties the file once everything was read back (keeps it from growing forever).
    func reset() throws {
        try handle.truncate(atOffset: 0)
        readOffset = 0
        writeOffset = 0
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
