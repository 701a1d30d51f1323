import Foundation
import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `.nvr` files: frames in order, ``seek(frame:)`` and ``seek(time:)`` through the block
/// index, column projection (``projection``), events from the event streams alone, and an
/// `AsyncSequence` of frames (``frames``).
///
/// A file without its index (a writer that was killed) is read from the start: ``cut`` says
/// so and where it ends. A damaged block is skipped and recorded in ``damagedBlocks``; every
/// length and count read from the file is bounded before use.
///
/// ```swift
/// let reader = try NVRReader(url: URL(fileURLWithPath: "match.nvr"))
/// try reader.seek(time: t)
/// while let record = try reader.nextRecord() { print(String(decoding: record.session, as: UTF8.self)) }
/// ```
public final class NVRReader {
    /// The file's path (or the label of an in-memory file), as errors name it.
    public let label: String
    /// Size of the file in bytes.
    public let fileSize: Int
    /// The header's metadata pairs, in file order.
    public private(set) var metadata: [NVRMetadataEntry] = []
    /// The file's format version (1, 2 or 3; docs/nvr-format.md).
    public private(set) var version = Int(NVRFileLayout.version)
    /// Blocks in file order (from the index, or from a scan of the record headers).
    public private(set) var blocks: [NVRBlockInfo] = []
    /// True when the file ends with a valid index.
    public private(set) var isIndexed = false
    /// Why the file has no index (the writer did not finish) or where a scan stopped early.
    public private(set) var cut: String?
    /// Blocks that could not be decoded, with the reason (skipped; reading went on).
    public private(set) var damagedBlocks: [NVRError] = []
    /// Which parts of each frame to decode (default: everything).
    public var projection: NVRProjection = .all {
        didSet { if projection != oldValue { current = nil } }
    }

    private let fd: Int32
    private let memory: [UInt8]?
    private let zstd = NVRZstd()
    private var templateOffsets: [Int: Int] = [:]
    private var templates: [Int: NVRTemplate] = [:]
    private var eventIndex: [Int: [Int]] = [:]
    private var current: (number: Int, block: NVRDecodedBlock)?
    /// Next frame to return: block position and frame within it.
    private var nextBlock = 0
    private var nextFrameInBlock = 0

    /// Opens `url`.
    public convenience init(url: URL) throws(NVRError) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw NVRError(.io("cannot open: \(String(cString: strerror(errno)))"), file: url.path) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw NVRError(.io("cannot stat: \(String(cString: strerror(errno)))"), file: url.path)
        }
        try self.init(fd: fd, memory: nil, size: Int(st.st_size), label: url.path)
    }

    /// Reads an in-memory file.
    public convenience init(bytes: [UInt8], label: String = "<memory>") throws(NVRError) {
        try self.init(fd: -1, memory: bytes, size: bytes.count, label: label)
    }

    private init(fd: Int32, memory: [UInt8]?, size: Int, label: String) throws(NVRError) {
        self.fd = fd
        self.memory = memory
        self.fileSize = size
        self.label = label
        try load()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    // MARK: Raw access

    private func read(at offset: Int, count: Int) throws(NVRError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= fileSize, count <= fileSize - offset else {
            throw NVRError(.damaged("read of \(count) bytes past the end of the file"), file: label, offset: offset)
        }
        if let memory { return Array(memory[offset..<(offset + count)]) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw NVRError(.io("read failed at byte \(offset + done)"), file: label, offset: offset) }
            done += n
        }
        return out
    }

    /// A record's type and payload (CRC checked).
    private func record(at offset: Int, block: Int? = nil) throws(NVRError) -> (NVRFileLayout.RecordType, [UInt8]) {
        let h = try read(at: offset, count: NVRFileLayout.recordHeaderLength)
        guard let type = NVRFileLayout.RecordType(rawValue: h[0]) else {
            throw NVRError(.damaged("unknown record type \(h[0])"), file: label, block: block, offset: offset)
        }
        let length = Int(UInt32(h[1]) | UInt32(h[2]) << 8 | UInt32(h[3]) << 16 | UInt32(h[4]) << 24)
        let crc = UInt32(h[5]) | UInt32(h[6]) << 8 | UInt32(h[7]) << 16 | UInt32(h[8]) << 24
        guard length <= NVRLimits.maxRecordBytes, length <= fileSize - offset - NVRFileLayout.recordHeaderLength else {
            throw NVRError(.damaged("record of \(length) bytes runs past the end of the file"), file: label, block: block, offset: offset)
        }
        let payload = try read(at: offset + NVRFileLayout.recordHeaderLength, count: length)
        guard NVRFileLayout.crc(payload) == crc else {
            throw NVRError(.damaged("CRC mismatch"), file: label, block: block, offset: offset)
        }
        return (type, payload)
    }

    // MARK: Opening

    private func load() throws(NVRError) {
        guard fileSize >= NVRFileLayout.fileHeaderLength else { throw NVRError(.notNVR, file: label) }
        let head = try read(at: 0, count: NVRFileLayout.fileHeaderLength)
        guard Array(head[0..<8]) == NVRFileLayout.magic else { throw NVRError(.notNVR, file: label) }
        let version = Int(head[8]) | Int(head[9]) << 8
        guard NVRFileLayout.readableVersions.contains(version) else { throw NVRError(.unsupportedVersion(version), file: label) }
        self.version = version
        let first = NVRFileLayout.fileHeaderLength
        if fileSize > first {
            if let (type, payload) = try? record(at: first), type == .header {
                do { metadata = try NVRHeaderRecord.decode(payload) } catch {
                    throw NVRError(.damaged("header record: \(error.message)"), file: label, offset: first)
                }
            }
        }
        if try !readIndex() { scan() }
    }

    /// Loads the index when the trailer points at a valid one.
    private func readIndex() throws(NVRError) -> Bool {
        guard fileSize >= NVRFileLayout.fileHeaderLength + NVRFileLayout.trailerLength else {
            cut = "no index: the file ends after \(fileSize) bytes (the writer did not finish)"
            return false
        }
        let trailer = try read(at: fileSize - NVRFileLayout.trailerLength, count: NVRFileLayout.trailerLength)
        guard Array(trailer[8..<16]) == NVRFileLayout.trailerMagic else {
            cut = "no index at the end (the writer did not finish); read from the start"
            return false
        }
        var at: UInt64 = 0
        for i in 0..<8 { at |= UInt64(trailer[i]) << (8 * UInt64(i)) }
        guard at < UInt64(fileSize), let (type, payload) = try? record(at: Int(at)), type == .index,
            Int(at) + NVRFileLayout.recordHeaderLength + payload.count == fileSize - NVRFileLayout.trailerLength
        else {
            cut = "the index at the end is damaged; read from the start"
            return false
        }
        do {
            let index = try NVRIndex.decode(payload, fileSize: fileSize)
            blocks = index.blocks
            templateOffsets = index.templates
            eventIndex = index.events
            isIndexed = true
            return true
        } catch {
            cut = "the index is damaged (\(error.message)); read from the start"
            return false
        }
    }

    /// Builds the block list from the record headers (a file without an index).
    private func scan() {
        var offset = NVRFileLayout.fileHeaderLength
        blocks = []
        while offset < fileSize {
            guard fileSize - offset >= NVRFileLayout.recordHeaderLength, let h = try? read(at: offset, count: NVRFileLayout.recordHeaderLength),
                let type = NVRFileLayout.RecordType(rawValue: h[0])
            else {
                cut = (cut ?? "no index") + "; the data stops at byte \(offset) of \(fileSize) (an unreadable or cut record)"
                return
            }
            let length = Int(UInt32(h[1]) | UInt32(h[2]) << 8 | UInt32(h[3]) << 16 | UInt32(h[4]) << 24)
            let end = offset + NVRFileLayout.recordHeaderLength + length
            guard length <= NVRLimits.maxRecordBytes, end <= fileSize else {
                let kind = type == .block ? "block \(blocks.count)" : "a record"
                cut = (cut ?? "no index") + "; \(kind) at byte \(offset) is cut short (\(fileSize - offset) of \(end - offset) bytes): it is lost"
                return
            }
            switch type {
            case .template:
                if let (_, payload) = try? record(at: offset) {
                    var r = NVRByteReader(payload)
                    if let id = try? r.count("template id", limit: NVRLimits.maxTemplates) { templateOffsets[id] = offset }
                }
            case .block:
                // Only the block's leading fields: enough for seeking.
                let prefix = (try? read(at: offset + NVRFileLayout.recordHeaderLength, count: min(length, 64))) ?? []
                var r = NVRByteReader(prefix)
                if let number = try? r.varint(), let first = try? r.varint(), let count = try? r.varint(),
                    let ts = try? r.signed(), first < UInt64(Int32.max), count <= UInt64(NVRLimits.maxFramesPerBlock)
                {
                    _ = number
                    blocks.append(
                        NVRBlockInfo(
                            number: blocks.count, offset: offset, length: end - offset, firstFrame: Int(first),
                            frameCount: Int(count), firstTimestamp: Timestamp(nanosecondsSinceEpoch: ts),
                            lastTimestamp: Timestamp(nanosecondsSinceEpoch: ts), eventCount: 0))
                }
            case .index, .header:
                break
            }
            offset = end
        }
    }

    // MARK: Blocks

    private func template(_ id: Int) throws(NVRCorrupt) -> NVRTemplate {
        if let t = templates[id] { return t }
        guard let offset = templateOffsets[id] else { throw NVRCorrupt("template \(id) is not in the file") }
        let payload: [UInt8]
        do {
            let (type, p) = try record(at: offset)
            guard type == .template else { throw NVRCorrupt("template \(id): record at \(offset) is not a template") }
            payload = p
        } catch let e as NVRError {
            throw NVRCorrupt("template \(id): \(e.reason)")
        } catch {
            throw NVRCorrupt("template \(id): \(error)")
        }
        let (decodedID, t) = try NVRTemplateRecord.decode(payload, zstd: zstd)
        guard decodedID == id else { throw NVRCorrupt("template record at \(offset) holds template \(decodedID), not \(id)") }
        templates[id] = t
        return t
    }

    /// Decodes block `i` of ``blocks`` (with the current projection).
    private func decode(_ i: Int) throws(NVRError) -> NVRDecodedBlock {
        if let current, current.number == i { return current.block }
        let info = blocks[i]
        let (type, payload) = try record(at: info.offset, block: i)
        guard type == .block else { throw NVRError(.damaged("record is not a block"), file: label, block: i, offset: info.offset) }
        do {
            let b = try NVRDecodedBlock(payload: payload, projection: projection, zstd: zstd, version: version) { (id: Int) throws(NVRCorrupt) -> NVRTemplate in
                try self.template(id)
            }
            guard b.header.firstFrame == info.firstFrame, b.header.frameCount == info.frameCount else {
                throw NVRCorrupt("block covers frames \(b.header.firstFrame)+\(b.header.frameCount), the index says \(info.firstFrame)+\(info.frameCount)")
            }
            current = (i, b)
            return b
        } catch {
            let message = (error as? NVRCorrupt)?.message ?? ErrorReason.plain(error)
            throw NVRError(.damaged(message), file: label, block: i, offset: info.offset)
        }
    }

    // MARK: Reading

    /// Bytes of the file up to the block being read (for progress).
    public var bytesConsumed: Int { nextBlock < blocks.count ? blocks[nextBlock].offset : fileSize }

    /// Total frames (from the index or the scanned block headers).
    public var frameCount: Int { blocks.last.map { $0.firstFrame + $0.frameCount } ?? 0 }

    /// The next frame's stored JSON texts, or `nil` at the end. Damaged blocks are skipped
    /// (see ``damagedBlocks``).
    public func nextRecord() throws(NVRError) -> NVRFrameRecord? {
        while nextBlock < blocks.count {
            let b: NVRDecodedBlock
            do {
                b = try decode(nextBlock)
            } catch {
                damagedBlocks.append(error)
                nextBlock += 1
                nextFrameInBlock = 0
                continue
            }
            if nextFrameInBlock < b.frameCount {
                let r = b.record(nextFrameInBlock)
                nextFrameInBlock += 1
                return r
            }
            nextBlock += 1
            nextFrameInBlock = 0
        }
        return nil
    }

    /// The next frame parsed into a typed ``Frame``, or `nil` at the end.
    public func next() throws(NVRError) -> Frame? {
        guard let r = try nextRecord() else { return nil }
        return try Self.frame(r, file: label)
    }

    /// Parses a record's JSON into a typed frame.
    public static func frame(_ r: NVRFrameRecord, file: String) throws(NVRError) -> Frame {
        do {
            let session = try GameJSONReader.parseSession(r.session)
            let bones = try r.bones.map { b throws(GameJSONError) in try GameJSONReader.parseBones(b) }
            return Frame(index: UInt32(clamping: r.frameIndex), timestamp: r.timestamp, session: session, bones: bones, events: r.events)
        } catch {
            throw NVRError(.notAGameFrame("\(error)"), file: file, frame: r.frameIndex)
        }
    }

    /// Positions the reader so that the next frame returned is frame `frame` (from 0).
    /// Decodes only the block that holds it.
    public func seek(frame: Int) throws(NVRError) {
        guard frame >= 0 else { throw NVRError(.invalidArgument("frame \(frame) is before the first frame"), file: label) }
        var lo = 0
        var hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blocks[mid].firstFrame + blocks[mid].frameCount <= frame { lo = mid + 1 } else { hi = mid }
        }
        nextBlock = lo
        nextFrameInBlock = lo < blocks.count ? max(0, frame - blocks[lo].firstFrame) : 0
    }

    /// Positions the reader at the first frame whose timestamp is at or after `time`.
    public func seek(time: Timestamp) throws(NVRError) {
        // Last block starting at or before `time`.
        var lo = 0
        var hi = blocks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if blocks[mid].firstTimestamp <= time { lo = mid + 1 } else { hi = mid }
        }
        let candidate = max(lo - 1, 0)
        nextBlock = candidate
        nextFrameInBlock = 0
        guard candidate < blocks.count, blocks[candidate].firstTimestamp < time else { return }
        let b: NVRDecodedBlock
        do { b = try decode(candidate) } catch {
            damagedBlocks.append(error)
            nextBlock = candidate + 1
            return
        }
        if let i = b.timestamps.firstIndex(where: { $0 >= time.nanosecondsSinceEpoch }) {
            nextFrameInBlock = i
        } else {
            nextBlock = candidate + 1
        }
    }

    // MARK: Events

    /// Frame numbers of every event of `kind`, from the index (`nil` when the file has none).
    public func indexedFrames(of kind: EventKind) -> [Int]? {
        guard isIndexed else { return nil }
        return eventIndex[kind.rawValue] ?? []
    }

    /// Every stored event with its frame and timestamp, reading only the blocks' frames and
    /// events streams (no frame is rebuilt). Blocks without events are skipped when indexed.
    public func events(kinds: Set<EventKind>? = nil) throws(NVRError) -> [(frame: Int, timestamp: Timestamp, event: Event)] {
        let saved = projection
        defer { projection = saved }
        projection = [.events]
        var out: [(Int, Timestamp, Event)] = []
        for i in 0..<blocks.count {
            if isIndexed && blocks[i].eventCount == 0 { continue }
            let b: NVRDecodedBlock
            do { b = try decode(i) } catch {
                damagedBlocks.append(error)
                continue
            }
            for f in 0..<b.frameCount {
                for e in b.events[f] where kinds == nil || kinds!.contains(e.kind) {
                    out.append((b.header.firstFrame + f, Timestamp(nanosecondsSinceEpoch: b.timestamps[f]), e))
                }
            }
        }
        current = nil
        return out
    }

    /// Stream sizes of one block (raw and stored bytes), for `nevr inspect`.
    public func streamSizes(ofBlock i: Int) throws(NVRError) -> [(stream: NVRStreamID, raw: Int, stored: Int)] {
        guard i >= 0 && i < blocks.count else { throw NVRError(.invalidArgument("no block \(i)"), file: label) }
        let (_, payload) = try record(at: blocks[i].offset, block: i)
        var r = NVRByteReader(payload)
        do {
            let h = try NVRBlockHeader.read(&r)
            return h.streams.map { ($0.id, $0.rawLength, $0.range.count) }
        } catch {
            throw NVRError(.damaged(error.message), file: label, block: i, offset: blocks[i].offset)
        }
    }

    /// Template record count and bytes (from the index or the scan).
    public var templateCount: Int { templateOffsets.count }

    // MARK: AsyncSequence

    /// The remaining frames as an `AsyncSequence` of typed frames.
    public var frames: NVRFrameSequence { NVRFrameSequence(reader: self) }
}

/// The frames of an ``NVRReader`` as an `AsyncSequence` (decoding happens on the iterating task).
public struct NVRFrameSequence: AsyncSequence {
    /// Each element is one typed frame, parsed from the stored JSON.
    public typealias Element = Frame
    let reader: NVRReader

    /// Iterates the reader's remaining frames (the reader's position moves with it).
    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: NVRReader
        /// The next frame, or `nil` at the end.
        /// - Throws: `CancellationError` when the task is cancelled, ``NVRError`` when a frame cannot be
        /// read or parsed.
        public mutating func next() async throws -> Frame? {
            try Task.checkCancellation()
            return try reader.next()
        }
    }

    /// An iterator over the reader's remaining frames.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader) }
}
