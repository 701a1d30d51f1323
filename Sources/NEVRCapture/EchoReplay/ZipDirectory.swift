/// One file entry of a ZIP archive, as its central directory describes it.
struct ZipEntry: Hashable, Sendable {
    var name: String
    var method: UInt16
    var flags: UInt16
    var crc32: UInt32
    var compressedSize: Int64
    var uncompressedSize: Int64
    var localHeaderOffset: Int64

    var isDirectory: Bool { name.hasSuffix("/") }
    var isEncrypted: Bool { flags & 1 != 0 }
}

/// Reads a ZIP archive's central directory (the authoritative sizes: streaming
/// writers leave zeros in local headers and put sizes in data descriptors),
/// including ZIP64 end records and extra fields.
enum ZipDirectory {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let dataDescriptorSignature: UInt32 = 0x0807_4B50

    /// The entries, or `nil` when the file has no end-of-central-directory record
    /// (an archive whose writer never finished).
    static func entries(of file: FileDescriptor) throws(EchoReplayError) -> [ZipEntry]? {
        let size = try file.size()
        let tailLength = Int(min(size, 22 + 65_535))
        let tail = try file.readExactly(at: size - Int64(tailLength), count: tailLength)
        var eocd = -1
        var i = tailLength - 22
        while i >= 0 {
            if le32(tail, i) == endSignature, i + 22 + Int(le16(tail, i + 20)) <= tailLength {
                eocd = i
                break
            }
            i -= 1
        }
        guard eocd >= 0 else { return nil }
        let eocdOffset = size - Int64(tailLength - eocd)
        var count = Int64(le16(tail, eocd + 10))
        var cdSize = Int64(le32(tail, eocd + 12))
        var cdOffset = Int64(le32(tail, eocd + 16))

        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the classic end record.
            guard eocdOffset >= 20 else { throw corrupt(file, "ZIP64 locator missing") }
            let locator = try file.readExactly(at: eocdOffset - 20, count: 20)
            guard le32(locator, 0) == zip64LocatorSignature else { throw corrupt(file, "ZIP64 locator missing") }
            let end64Offset = Int64(bitPattern: le64(locator, 8))
            guard end64Offset >= 0, end64Offset <= size - 56 else { throw corrupt(file, "ZIP64 end record out of range") }
            let end64 = try file.readExactly(at: end64Offset, count: 56)
            guard le32(end64, 0) == zip64EndSignature else { throw corrupt(file, "ZIP64 end record missing") }
            count = Int64(bitPattern: le64(end64, 32))
            cdSize = Int64(bitPattern: le64(end64, 40))
            cdOffset = Int64(bitPattern: le64(end64, 48))
        }
        // Subtractions, not sums: ZIP64 fields are attacker-sized and must not overflow.
        guard cdOffset >= 0, cdSize >= 0, cdOffset <= size, cdSize <= size - cdOffset else {
            throw corrupt(file, "central directory out of range")
        }
        // A central directory record is at least 46 bytes; this bounds memory by the file itself.
        guard cdSize <= 256 << 20, count >= 0, count <= cdSize / 46 + 1 else {
            throw corrupt(file, "implausible central directory (\(count) entries, \(cdSize) bytes)")
        }
        let cd = try file.readExactly(at: cdOffset, count: Int(cdSize))
        var entries: [ZipEntry] = []
        var p = 0
        for _ in 0 ..< count {
            guard p + 46 <= cd.count, le32(cd, p) == centralHeaderSignature else {
                throw corrupt(file, "central directory record \(entries.count + 1) is damaged")
            }
            let nameLength = Int(le16(cd, p + 28))
            let extraLength = Int(le16(cd, p + 30))
            let commentLength = Int(le16(cd, p + 32))
            guard p + 46 + nameLength + extraLength + commentLength <= cd.count else {
                throw corrupt(file, "central directory record \(entries.count + 1) is truncated")
            }
            var entry = ZipEntry(
                name: String(decoding: cd[p + 46 ..< p + 46 + nameLength], as: UTF8.self),
                method: le16(cd, p + 10),
                flags: le16(cd, p + 8),
                crc32: le32(cd, p + 16),
                compressedSize: Int64(le32(cd, p + 20)),
                uncompressedSize: Int64(le32(cd, p + 24)),
                localHeaderOffset: Int64(le32(cd, p + 42)))
            // ZIP64 extra field (0x0001): 8-byte values, in this order, for each 32-bit field that is saturated.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = le16(cd, e)
                let length = Int(le16(cd, e + 2))
                let bodyEnd = min(e + 4 + length, extraEnd)
                if id == 0x0001 {
                    var q = e + 4
                    func take() -> Int64? {
                        guard q + 8 <= bodyEnd else { return nil }
                        defer { q += 8 }
                        return Int64(bitPattern: le64(cd, q))
                    }
                    if entry.uncompressedSize == 0xFFFF_FFFF, let v = take() { entry.uncompressedSize = v }
                    if entry.compressedSize == 0xFFFF_FFFF, let v = take() { entry.compressedSize = v }
                    if entry.localHeaderOffset == 0xFFFF_FFFF, let v = take() { entry.localHeaderOffset = v }
                }
                e = bodyEnd
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The entry holding the recording: the one named like the archive (with or
    /// without `.echoreplay`), else the first ending in `.echoreplay` or `.txt`,
    /// else the first file entry.
    static func recordingEntry(in entries: [ZipEntry], archiveName: String) -> ZipEntry? {
        let files = entries.filter { !$0.isDirectory }
        let stem = archiveName.lowercased().hasSuffix(".echoreplay")
            ? String(archiveName.dropLast(".echoreplay".count)) : archiveName
        func baseName(_ name: String) -> Substring {
            name.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(name)
        }
        if let named = files.first(where: { baseName($0.name) == archiveName || baseName($0.name) == stem }) {
            return named
        }
        if let byExtension = files.first(where: {
            let lower = $0.name.lowercased()
            return lower.hasSuffix(".echoreplay") || lower.hasSuffix(".txt")
        }) {
            return byExtension
        }
        return files.first
    }

    /// Offset of the entry's data: after its local header, whose name and extra
    /// lengths may differ from the central directory's.
    static func dataOffset(of entry: ZipEntry, in file: FileDescriptor) throws(EchoReplayError) -> Int64 {
        let header = try file.readExactly(at: entry.localHeaderOffset, count: 30)
        guard le32(header, 0) == localHeaderSignature else {
            throw corrupt(file, "local header of \"\(entry.name)\" not found at offset \(entry.localHeaderOffset)")
        }
        return entry.localHeaderOffset + 30 + Int64(le16(header, 26)) + Int64(le16(header, 28))
    }

    /// The first local header of an archive without a central directory
    /// (name, method, data offset), for recovering an unfinished recording.
    static func firstLocalEntry(in file: FileDescriptor) throws(EchoReplayError) -> (name: String, method: UInt16, flags: UInt16, dataOffset: Int64) {
        let header = try file.readExactly(at: 0, count: 30)
        guard le32(header, 0) == localHeaderSignature else {
            throw corrupt(file, "no central directory and no local header at the start")
        }
        let nameLength = Int(le16(header, 26))
        let name = try file.readExactly(at: 30, count: nameLength)
        return (String(decoding: name, as: UTF8.self), le16(header, 8), le16(header, 6),
                30 + Int64(nameLength) + Int64(le16(header, 28)))
    }

    private static func corrupt(_ file: FileDescriptor, _ why: String) -> EchoReplayError {
        EchoReplayError(path: file.path, reason: .corruptArchive(why))
    }
}

@inline(__always) func le16(_ b: [UInt8], _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
}

@inline(__always) func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

@inline(__always) func le64(_ b: [UInt8], _ i: Int) -> UInt64 {
    UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32
}
