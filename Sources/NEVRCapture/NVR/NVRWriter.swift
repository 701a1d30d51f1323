import Foundation
import NEVRCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `.nvr` files (docs/nvr-format.md): append-only, one block of about a second at a
/// time, each written and flushed as soon as it closes, so a killed writer loses at most the
/// open block. ``finish()`` appends the index.
///
/// Lossless by construction: each frame's `/session` (and `/player_bones`) JSON is split into a
/// template and values whose kinds reproduce their text exactly; whatever does not fit (not
/// JSON, a shape that differs from the block's in a small body) is stored verbatim.
///
/// ```swift
/// let writer = try NVRWriter(url: URL(fileURLWithPath: "match.nvr"))
/// try writer.write(session: sessionBytes, bones: bonesBytes, timestamp: t)
/// try writer.finish()
/// ```
public final class NVRWriter {
    /// Block size and coding of the streams.
    public struct Options: Sendable {
        /// A block closes when it holds this many frames...
        public var maxBlockFrames: Int
        /// ...or when a frame is this many seconds after the block's first one.
        public var maxBlockSeconds: Double
        /// zstd level of the streams (0 stores them uncompressed).
        public var compressionLevel: Int32
        /// Code the value columns with the adaptive binary arithmetic coder (stream method 2)
        /// instead of varints + zstd: smaller, slower (BENCHMARKS.md has both).
        public var arithmeticColumns: Bool
        /// The format version to write: 3 (default), 2 (no clock kind, keyframe models or
        /// header contexts) or 1 (no velocity and orientation predictors either); the older
        /// ones for comparisons and for readers that know only them. Values outside 1...3 are
        /// clamped.
        public var formatVersion: Int

        /// Blocks of at most 600 frames or one second, zstd level 3, arithmetic-coded columns, version 3.
        public init(
            maxBlockFrames: Int = 600, maxBlockSeconds: Double = 1.0, compressionLevel: Int32 = 3, arithmeticColumns: Bool = true,
            formatVersion: Int = 3
        ) {
            self.maxBlockFrames = maxBlockFrames
            self.maxBlockSeconds = maxBlockSeconds
            self.compressionLevel = compressionLevel
            self.arithmeticColumns = arithmeticColumns
            self.formatVersion = formatVersion
        }
    }

    /// Bytes of the streams of every block written so far, before and after compression.
    public struct StreamTotals: Hashable, Sendable {
        /// Bytes before compression.
        public var raw = 0
        /// Bytes as stored in the file.
        public var stored = 0
    }

    /// The file's path (or the in-memory label), as errors name it.
    public let label: String
    /// The options the writer was created with.
    public let options: Options
    /// Frames written so far (including those of the open block).
    public private(set) var framesWritten = 0
    /// Blocks written to the file so far.
    public private(set) var blocksWritten = 0
    /// Bytes written to the file (or memory) so far: header, metadata, templates, blocks and, after
    /// ``finish()``, index and trailer.
    public private(set) var bytesWritten = 0
    /// Frames whose `/session` or `/player_bones` had to be stored verbatim.
    public private(set) var verbatimDocuments = 0
    /// Raw and stored bytes per stream, over every block written.
    public private(set) var streamTotals: [NVRStreamID: StreamTotals] = [:]
    /// Bytes of the template records written (the JSON shapes the blocks' values fill in).
    public private(set) var templateBytes = 0
    /// Called with every stream of every block before compression (for measurements such as
    /// the entropy-coder comparison in BENCHMARKS.md).
    public var rawStreamObserver: ((NVRStreamID, [UInt8]) -> Void)?

    private var fd: Int32 = -1
    /// ``Options/formatVersion`` clamped to the versions this writer writes.
    private var writtenVersion: Int { min(max(options.formatVersion, 1), Int(NVRFileLayout.version)) }
    private var memory: [UInt8] = []
    private var toMemory = false
    private var finished = false
    private let zstd = NVRZstd()
    private var block = NVRBlockBuilder()
    private var sessionTokenizer = NVRTokenizer()
    private var bonesTokenizer = NVRTokenizer()
    private var sessionHints: [UInt8] = []
    private var bonesHints: [UInt8] = []
    private var templateIDs: [[UInt8]: Int] = [:]
    private var templateObjects: [Int: NVRTemplate] = [:]
    private var index = NVRIndex()
    private var lastTimestamp: Int64 = 0

    /// Creates (or truncates) `url` and writes the file header and `metadata`.
    public init(url: URL, metadata: [NVRMetadataEntry] = [], options: Options = .init()) throws(NVRError) {
        label = url.path
        self.options = options
        fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NVRError(.io("cannot create: \(String(cString: strerror(errno)))"), file: label) }
        try start(metadata)
    }

    /// Writes into memory (``data``), for tests and in-memory conversion.
    public init(inMemory label: String = "<memory>", metadata: [NVRMetadataEntry] = [], options: Options = .init()) throws(NVRError) {
        self.label = label
        self.options = options
        toMemory = true
        try start(metadata)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Everything written so far (in-memory writers).
    public var data: [UInt8] { memory }

    /// The bytes written since the last call, forgotten by the writer (in-memory writers; the
    /// verifier reads each block back as soon as it is written, with flat memory).
    func takeMemory() -> [UInt8] {
        defer { memory.removeAll(keepingCapacity: true) }
        return memory
    }

    private func start(_ metadata: [NVRMetadataEntry]) throws(NVRError) {
        block.reset(firstFrame: 0)
        try emit(NVRFileLayout.fileHeader(version: UInt16(writtenVersion)))
        try emit(NVRFileLayout.record(.header, NVRHeaderRecord.encode(metadata)))
    }

    private func emit(_ bytes: [UInt8]) throws(NVRError) {
        if toMemory {
            memory.append(contentsOf: bytes)
        } else {
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + done, bytes.count - done) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw NVRError(.io("write failed: \(String(cString: strerror(errno)))"), file: label)
                }
                done += n
            }
        }
        bytesWritten += bytes.count
    }

    /// Appends a typed frame, spelled as the game spells it (``GameJSONWriter``).
    public func write(_ frame: Frame) throws(NVRError) {
        let session = GameJSONWriter.bytes(frame.session)
        let bones = frame.bones.map { GameJSONWriter.bytes($0) }
        try write(session: session, bones: bones, timestamp: frame.timestamp, events: frame.events)
    }

    /// Appends one frame: its `/session` body, optional `/player_bones` body, capture instant and events.
    public func write(session: [UInt8], bones: [UInt8]?, timestamp: Timestamp, events: [Event] = []) throws(NVRError) {
        guard !finished else { throw NVRError(.invalidArgument("write after finish"), file: label) }
        let t = timestamp.nanosecondsSinceEpoch
        // Close the block on length or time (a clock going backwards closes it too).
        if block.frameCount > 0 {
            let span = Double(t &- block.timestamps[0]) / 1e9
            if block.frameCount >= min(max(options.maxBlockFrames, 1), NVRLimits.maxFramesPerBlock)
                || span >= options.maxBlockSeconds || t < lastTimestamp || block.valueBytes > 64 << 20
            {
                try closeBlock()
            }
        }
        var flags: UInt8 = 0
        // Tokenize both documents and find their templates before touching the block: a new
        // shape closes the block first, and both documents of this frame go to the next one.
        var sessionTemplated = false
        sessionTokenizer.clocks = writtenVersion >= 3
        bonesTokenizer.clocks = writtenVersion >= 3
        session.withUnsafeBufferPointer { doc in sessionTemplated = sessionTokenizer.tokenize(doc, hints: &sessionHints) }
        var sessionPlace: Placement = .verbatim
        if sessionTemplated { sessionPlace = try placement(bones: false, size: session.count) }
        var bonesPlace: Placement = .verbatim
        if let bones {
            var templated = false
            bones.withUnsafeBufferPointer { doc in templated = bonesTokenizer.tokenize(doc, hints: &bonesHints) }
            if templated { bonesPlace = try placement(bones: true, size: bones.count) }
        }
        var closes = false
        if case .newBlock = sessionPlace, block.session.template != nil { closes = true }
        if bones != nil, case .newBlock = bonesPlace, block.bones.template != nil { closes = true }
        if closes {
            // The other document may fit the old block's template: carry it over.
            let keep = (block.session.template, block.session.templateID, block.bones.template, block.bones.templateID)
            try closeBlock()
            if case .current = sessionPlace {
                block.session.template = keep.0
                block.session.templateID = keep.1
            }
            if case .current = bonesPlace {
                block.bones.template = keep.2
                block.bones.templateID = keep.3
            }
        }
        switch sessionPlace {
        case .verbatim:
            flags |= NVRFrameFlags.sessionRaw
            block.raw.append(session)
            block.rawBytes += session.count
            verbatimDocuments += 1
        case .current, .newBlock:
            if case .newBlock(let id, let t) = sessionPlace {
                block.session.template = t
                block.session.templateID = id
            }
            session.withUnsafeBufferPointer { block.append(sessionTokenizer, doc: $0, to: \.session) }
        }
        if let bones {
            flags |= NVRFrameFlags.bonesPresent
            switch bonesPlace {
            case .verbatim:
                flags |= NVRFrameFlags.bonesRaw
                block.raw.append(bones)
                block.rawBytes += bones.count
                verbatimDocuments += 1
            case .current, .newBlock:
                if case .newBlock(let id, let t) = bonesPlace {
                    block.bones.template = t
                    block.bones.templateID = id
                }
                bones.withUnsafeBufferPointer { block.append(bonesTokenizer, doc: $0, to: \.bones) }
            }
        }
        if !events.isEmpty {
            flags |= NVRFrameFlags.events
            let n = min(events.count, NVRLimits.maxEventsPerFrame)
            for e in events.prefix(n) {
                var w = ProtoWriter(capacity: 256)
                w.event(e)
                block.events.append(Array(w.bytes))
                w.deallocate()
                index.events[e.kind == .unknown ? 0 : e.kind.rawValue, default: []].append(framesWritten)
            }
            block.eventCounts.append(n)
        }
        block.flags.append(flags)
        block.timestamps.append(t)
        lastTimestamp = t
        framesWritten += 1
    }

    private enum Placement {
        /// Store the document verbatim.
        case verbatim
        /// The block's template fits.
        case current
        /// Use this template; when the block already has another one, close it first.
        case newBlock(Int, NVRTemplate)
    }

    /// Where the document just tokenized (session or bones tokenizer) goes.
    private func placement(bones: Bool, size: Int) throws(NVRError) -> Placement {
        let tokenizer = bones ? bonesTokenizer : sessionTokenizer
        let current = bones ? block.bones.template : block.session.template
        if let current, current.bytes == tokenizer.template { return .current }
        // Small bodies of another shape ({"err_code":0} bones) stay verbatim rather than end the block.
        if current != nil && size < 256 { return .verbatim }
        let id: Int
        if let known = templateIDs[tokenizer.template] {
            id = known
        } else {
            guard templateIDs.count < NVRLimits.maxTemplates - 1, tokenizer.template.count <= NVRLimits.maxTemplateBytes,
                tokenizer.kinds.count <= NVRLimits.maxSlots
            else { return .verbatim }
            guard let parsed = try? NVRTemplate(bytes: tokenizer.template, bones: bones) else { return .verbatim }
            id = templateIDs.count
            templateIDs[tokenizer.template] = id
            templateObjects[id] = parsed
            let payload = NVRTemplateRecord.encode(
                id: id, bones: bones, bytes: tokenizer.template, zstd: zstd, level: options.compressionLevel)
            index.templates[id] = bytesWritten
            let record = NVRFileLayout.record(.template, payload)
            templateBytes += record.count
            try emit(record)
        }
        guard let template = templateObjects[id], template.isBones == bones else { return .verbatim }
        return .newBlock(id, template)
    }

    /// Encodes and writes the open block (nothing when it is empty).
    private func closeBlock() throws(NVRError) {
        guard block.frameCount > 0 else { return }
        let (payload, sizes) = block.encode(
            number: blocksWritten, zstd: zstd, level: options.compressionLevel, arithmetic: options.arithmeticColumns,
            version: writtenVersion, observer: rawStreamObserver)
        let record = NVRFileLayout.record(.block, payload)
        let offset = bytesWritten
        try emit(record)
        for (id, raw, stored) in sizes {
            streamTotals[id, default: StreamTotals()].raw += raw
            streamTotals[id, default: StreamTotals()].stored += stored
        }
        index.blocks.append(
            NVRBlockInfo(
                number: blocksWritten, offset: offset, length: record.count, firstFrame: block.firstFrame,
                frameCount: block.frameCount, firstTimestamp: Timestamp(nanosecondsSinceEpoch: block.timestamps[0]),
                lastTimestamp: Timestamp(nanosecondsSinceEpoch: block.timestamps[block.frameCount - 1]),
                eventCount: block.events.count))
        blocksWritten += 1
        block.reset(firstFrame: framesWritten)
    }

    /// Closes the open block now (a recorder calls this to bound what a crash can lose).
    public func flush() throws(NVRError) {
        try closeBlock()
    }

    /// Writes the open block, the index and the trailer, and closes the file.
    public func finish() throws(NVRError) {
        guard !finished else { return }
        try closeBlock()
        let at = bytesWritten
        try emit(NVRFileLayout.record(.index, index.encode()))
        var trailer = NVRByteWriter(capacity: 16)
        trailer.u64(UInt64(at))
        trailer.bytes.append(contentsOf: NVRFileLayout.trailerMagic)
        try emit(trailer.bytes)
        finished = true
        if fd >= 0 {
            let ok = fsync(fd) == 0 || errno == EINVAL
            close(fd)
            fd = -1
            if !ok { throw NVRError(.io("fsync failed: \(String(cString: strerror(errno)))"), file: label) }
        }
    }
}

/// POSIX `write(2)` (the writer's own `write` methods hide the C function's name).
@inline(__always)
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, p, n)
    #else
    Darwin.write(fd, p, n)
    #endif
}
