import Foundation
import NEVRCore

/// Reads Spark's `.butter` replays, versions 1–3 (`butter.md`), as typed NEVR frames.
///
/// The header (players table, session constants, chunk table) is read on open; chunks are
/// decompressed one at a time (gzip, zstd; a budget caps each), so memory stays flat. Inside a
/// chunk every Δ field is added to the previous frame's value and a cleared inclusion bit
/// means "unchanged", exactly as Spark's readers do — including their quirks (`butter.md` §5):
/// constant motion repeats read as standing still, pause timers and team stats are taken as
/// absolute values, bones restart from zero/identity at every keyframe, v1's buggy bones test.
/// `.butter` is lossy (halves, 10-bit rotations, booleans for inputs; §6).
///
/// A frame that does not parse ends its chunk (the Δ state after it cannot be trusted): the
/// error is thrown once (``ButterError/isRecoverable``) and reading goes on with the next chunk.
///
/// ```swift
/// let reader = try ButterReader(url: url)
/// while let frame = try reader.next() { print(frame.session.gameClock ?? 0) }
/// ```
public final class ButterReader {
    /// Reading budgets.
    public struct Options: Sendable {
        /// Largest decompressed chunk accepted.
        public var maxChunkBytes: Int
        /// Budgets with the given largest decompressed chunk (default 256 MiB).
        public init(maxChunkBytes: Int = 256 << 20) { self.maxChunkBytes = maxChunkBytes }
    }

    /// One player of the header table.
    public struct HeaderPlayer: Hashable, Sendable {
        /// The player's name (ASCII in the file).
        public var name: String
        /// The player's `userid`.
        public var userID: Int64
        /// Jersey number.
        public var number: UInt8
        /// Player level.
        public var level: UInt8
    }

    /// Format version, 1 to 3 (selects the frame decoder).
    public let version: UInt8
    /// Frames per chunk: each chunk starts with a keyframe.
    public let keyframeInterval: UInt16
    /// 0 none, 1 gzip, 2–5 zstd levels 3/7/15/22, 6 zstd with dictionary.
    public let compression: UInt8
    /// The recording client's name.
    public let clientName: String
    /// `sessionid`, rebuilt as an upper-case dashed UUID.
    public let sessionID: String
    /// `sessionip` (IPv4 only in this format).
    public let sessionIP: String
    /// Every distinct player of the file (frames refer to them by 1-based index).
    public let players: [HeaderPlayer]
    /// `total_round_count`.
    public let totalRoundCount: UInt8
    /// Round scores from the first frame (4 bits each).
    public let roundScores: (blue: UInt8, orange: UInt8)
    /// `map_name` from the map code (empty when uncoded).
    public let mapName: String
    /// `private_match`.
    public let privateMatch: Bool
    /// Compressed size of every chunk.
    public let chunkSizes: [Int]
    /// True for a Combat map (frames have payload and loadout sections).
    public var isCombat: Bool { mapName.hasPrefix("mpl_combat") }
    /// `match_type`, derived from the map and the private flag (not stored).
    public var matchType: String { (isCombat ? "Echo_Combat" : "Echo_Arena") + (privateMatch ? "_Private" : "") }

    /// What converting from `.butter` cannot give back (`butter.md` §6), for conversion summaries.
    public static let lossNote = ".butter is lossy: positions, velocities, timers and speeds are binary16 (1-3 cm far from the origin, deltas accumulate within a chunk), rotations 10-bit smallest-three (~0.16 deg), shoulder inputs booleans; no team names, tournament_match, err_code, bounce_count or stats above 255 per step; match_type derived from map and private flag"

    /// Frames returned so far.
    public private(set) var framesRead = 0
    /// Chunks skipped because they were damaged.
    public private(set) var chunksSkipped = 0
    /// Frames thrown away because a frame before them in their chunk did not parse.
    public private(set) var framesLost = 0

    private let source: ByteInput
    private let label: String
    private let options: Options
    private var chunkIndex = 0
    private var chunkOffset: Int
    private var cursor = ButterCursor([])
    private var frameInChunk = 0
    private var state = ButterFrameState()

    static let maps = [
        "", "mpl_lobby_b2", "mpl_arena_a", "mpl_combat_fission", "mpl_combat_combustion", "mpl_combat_dyson", "mpl_combat_gauss",
        "mpl_tutorial_arena",
    ]

    /// Opens `url` and reads the file header.
    public convenience init(url: URL, options: Options = .init()) throws(ButterError) {
        guard let f = fopen(url.path, "rb") else {
            throw ButterError(reason: .io("cannot open: \(String(cString: strerror(errno)))"), file: url.path)
        }
        try self.init(source: ByteInput(file: f), label: url.path, options: options)
    }

    /// Reads a file held in memory.
    public convenience init(bytes: [UInt8], label: String = "<memory>", options: Options = .init()) throws(ButterError) {
        try self.init(source: ByteInput(bytes: bytes), label: label, options: options)
    }

    private init(source: ByteInput, label: String, options: Options) throws(ButterError) {
        self.source = source
        self.label = label
        self.options = options
        // The header is small; 1 MiB bounds it (255 names of 4 KiB at most would not fit anyway).
        let head: [UInt8]
        do { head = try source.read(at: 0, count: min(source.size, 1 << 20)) } catch {
            throw ButterError(reason: .io(ErrorReason.plain(error)), file: label)
        }
        var c = ButterCursor(head)
        func bad(_ why: String) -> ButterError { ButterError(reason: .badHeader(why), file: label) }
        do {
            version = try c.u8()
            guard (1...3).contains(version) else { throw ButterError(reason: .unsupportedVersion(version), file: label) }
            keyframeInterval = try c.u16()
            compression = try c.u8()
            guard compression <= 6 else { throw ButterError(reason: .unsupportedCompression(compression), file: label) }
            clientName = try c.cString()
            try c.need(16)
            let hex = c.bytes[c.position..<c.position + 16].map { String(format: "%02X", $0) }.joined()
            c.position += 16
            let h = Array(hex)
            sessionID = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(h[$0]) }.joined(separator: "-")
            let ip = [try c.u8(), try c.u8(), try c.u8(), try c.u8()]
            sessionIP = ip.map(String.init).joined(separator: ".")
            let count = Int(try c.u8())
            var names: [String] = []
            for _ in 0..<count { names.append(try c.cString()) }
            var ids: [Int64] = []
            for _ in 0..<count { ids.append(Int64(bitPattern: try c.u64())) }
            var numbers: [UInt8] = []
            for _ in 0..<count { numbers.append(try c.u8()) }
            var levels: [UInt8] = []
            for _ in 0..<count { levels.append(try c.u8()) }
            players = (0..<count).map { HeaderPlayer(name: names[$0], userID: ids[$0], number: numbers[$0], level: levels[$0]) }
            totalRoundCount = try c.u8()
            let scores = try c.u8()
            roundScores = (scores & 0x0F, scores >> 4)
            let map = try c.u8()
            privateMatch = map & 1 != 0
            let code = Int(map >> 1)
            mapName = code < ButterReader.maps.count ? ButterReader.maps[code] : "unknown_map_\(code)"
            let chunks = Int(try c.u32())
            // Every chunk size takes 4 header bytes: more chunks than the file could list is corrupt.
            guard chunks <= (source.size - c.position) / 4 else { throw bad("\(chunks) chunks cannot fit a \(source.size)-byte file") }
            var sizes: [Int] = []
            sizes.reserveCapacity(chunks)
            for _ in 0..<chunks { sizes.append(Int(try c.u32())) }
            chunkSizes = sizes
        } catch let e as ButterError {
            throw e
        } catch {
            throw bad("cut short")
        }
        chunkOffset = c.position
        let total = chunkSizes.reduce(0, +)
        guard chunkOffset + total <= source.size else {
            throw bad("chunks need \(total) bytes, the file has \(source.size - chunkOffset) after the header")
        }
        if compression == 6 { throw ButterError(reason: .needsDictionary, file: label) }
    }

    /// The next frame, or `nil` at the end.
    public func next() throws(ButterError) -> Frame? {
        while true {
            if !cursor.isAtEnd {
                do {
                    let f = try ButterFrameDecoder.decode(&cursor, &state, self)
                    framesRead += 1
                    frameInChunk += 1
                    return f
                } catch {
                    let at = frameInChunk
                    cursor = ButterCursor([])
                    chunksSkipped += 1
                    throw ButterError(reason: .badFrame(error.text), file: label, chunk: chunkIndex - 1, frame: at, framesRecovered: framesRead)
                }
            }
            guard chunkIndex < chunkSizes.count else { return nil }
            let size = chunkSizes[chunkIndex]
            let offset = chunkOffset
            chunkIndex += 1
            chunkOffset += size
            frameInChunk = 0
            state.newChunk()
            if size == 0 { continue }
            let raw: [UInt8]
            do { raw = try source.read(at: offset, count: size) } catch { throw ButterError(reason: .io(ErrorReason.plain(error)), file: label) }
            do {
                switch compression {
                case 0: cursor = ButterCursor(raw)
                case 1: cursor = ButterCursor(try ButterDecompression.gunzip(raw, limit: options.maxChunkBytes))
                default: cursor = ButterCursor(try ButterDecompression.unzstd(raw, limit: options.maxChunkBytes))
                }
            } catch {
                chunksSkipped += 1
                throw ButterError(reason: .badChunk(error.text), file: label, chunk: chunkIndex - 1, framesRecovered: framesRead)
            }
        }
    }

    /// The header player at a 1-based file index (0 or out of range: unknown).
    func headerPlayer(_ index: UInt8) -> HeaderPlayer? {
        index > 0 && Int(index) <= players.count ? players[Int(index) - 1] : nil
    }
}
