/// The zstd seekable-format seek table at the end of a per-block `.tape` file: one entry per
/// zstd frame (header block, frame blocks, footer block), in a skippable frame.
///
/// Layout (facebook/zstd `contrib/seekable_format`): `5E 2A 4D 18`, u32 size = 8·N+9 (12·N+9
/// with checksums), N × (u32 compressed, u32 decompressed [, u32 checksum]), u32 N, one
/// descriptor byte (bit 7: checksums; bits 6–2 must be 0), `B1 EA 92 8F`. All little-endian.
public struct TapeSeekTable: Hashable, Sendable {
    /// One zstd frame (block) of the file.
    public struct Entry: Hashable, Sendable {
        /// Offset of the zstd frame in the file.
        public var offset: Int
        /// Its size in the file.
        public var compressedSize: Int
        /// Its size decompressed.
        public var decompressedSize: Int
    }

    /// Every block in file order: header, frame blocks, footer.
    public var entries: [Entry]
    /// Whether entries carried checksums (tape writes none).
    public var hasChecksums: Bool
    /// Bytes the skippable frame takes at the end of the file.
    public var byteCount: Int

    static let skippableMagic: UInt32 = 0x184D_2A5E
    static let seekableMagic: UInt32 = 0x8F92_EAB1
    /// Entries accepted at most (10,000,000 frames / 1-frame blocks, plus header and footer).
    static let maxEntries = 10_000_002

    /// The table at the end of a file of `fileSize` bytes, or `nil` when the file does not end
    /// with the seekable magic (whole-stream or unfinished: not an error). `read(offset, count)`
    /// returns bytes of the file; sizes are checked against `fileSize` before anything is read.
    static func locate(fileSize: Int, read: (Int, Int) throws(TapeError) -> [UInt8], label: String) throws(TapeError) -> TapeSeekTable? {
        guard fileSize >= 17 else { return nil }
        let tail = try read(fileSize - 9, 9)
        guard tail.count == 9, u32(tail, 5) == seekableMagic else { return nil }
        func corrupt(_ why: String) -> TapeError { TapeError(reason: .corruptSeekTable(why), file: label) }
        let n = Int(u32(tail, 0))
        let descriptor = tail[4]
        guard descriptor & 0x7C == 0 else { throw corrupt("reserved descriptor bits set (\(descriptor))") }
        let checksums = descriptor & 0x80 != 0
        let entrySize = checksums ? 12 : 8
        guard n <= maxEntries else { throw corrupt("\(n) entries, more than \(maxEntries)") }
        let content = n * entrySize + 9
        let total = content + 8
        guard total <= fileSize else { throw corrupt("table of \(total) bytes does not fit a \(fileSize)-byte file") }
        let head = try read(fileSize - total, 8)
        guard head.count == 8, u32(head, 0) == skippableMagic, Int(u32(head, 4)) == content else {
            throw corrupt("no skippable frame header declaring \(content) bytes at offset \(fileSize - total)")
        }
        let body = try read(fileSize - total + 8, n * entrySize)
        guard body.count == n * entrySize else { throw corrupt("short read") }
        var entries: [Entry] = []
        entries.reserveCapacity(n)
        var offset = 0
        for i in 0..<n {
            let c = Int(u32(body, i * entrySize))
            let d = Int(u32(body, i * entrySize + 4))
            entries.append(Entry(offset: offset, compressedSize: c, decompressedSize: d))
            offset += c
            guard offset <= fileSize - total else {
                throw corrupt("block \(i) ends at \(offset), past the data (\(fileSize - total) bytes)")
            }
        }
        guard offset == fileSize - total else {
            throw corrupt("blocks cover \(offset) bytes, the data is \(fileSize - total)")
        }
        return TapeSeekTable(entries: entries, hasChecksums: checksums, byteCount: total)
    }

    /// The skippable frame for blocks of (compressed, decompressed) sizes, without checksums.
    static func encode(_ blocks: [(compressed: Int, decompressed: Int)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(blocks.count * 8 + 17)
        put(&out, skippableMagic)
        put(&out, UInt32(blocks.count * 8 + 9))
        for b in blocks {
            put(&out, UInt32(truncatingIfNeeded: b.compressed))
            put(&out, UInt32(truncatingIfNeeded: b.decompressed))
        }
        put(&out, UInt32(blocks.count))
        out.append(0)
        put(&out, seekableMagic)
        return out
    }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func put(_ out: inout [UInt8], _ v: UInt32) {
        for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }
}
