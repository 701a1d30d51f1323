import NEVRCore

/// Proof that `.nvr` loses nothing (`nevr verify`): frames go through an in-memory `.nvr`
/// writer and reader and every rebuilt `/session` and `/player_bones` JSON is compared with
/// the source bytes; or an `.nvr` file is decoded completely and every frame checked.
public enum NVRVerification {
    /// What a verification found. ``isLossless`` is the verdict.
    public struct Report: Hashable, Sendable {
        /// Frames compared (round trip) or decoded (``check(_:)``).
        public var frames = 0
        /// Frames whose rebuilt `/session` JSON equals the source bytes.
        public var sessionByteExact = 0
        /// Frames with bones, and those whose rebuilt `/player_bones` equals the source bytes.
        public var bonesFrames = 0
        /// Of those, frames whose rebuilt `/player_bones` equals the source bytes (``check(_:)``: every
        /// decoded one, there is no source to compare with).
        public var bonesByteExact = 0
        /// Events in, events out (equal as values).
        public var eventsIn = 0
        /// Events read back.
        public var eventsOut = 0
        /// False once a frame's events read back differ from the source's.
        public var eventsEqual = true
        /// Timestamps that came back different.
        public var timestampMismatches = 0
        /// First frames that did not come back exactly (at most 20).
        public var mismatches: [Int] = []
        /// Frames stored as verbatim text (not in the game's JSON shape or another exception).
        public var verbatimDocuments = 0
        /// Frames (of an `.nvr` file) whose JSON is spelled exactly as the game spells it:
        /// parsing and re-writing it with the game-JSON writer gives the same bytes.
        public var gameSpelled = 0
        /// Frames that parse as game frames at all.
        public var parsedAsGameFrames = 0
        /// `.nvr` bytes the frames took, and source bytes of their JSON.
        public var nvrBytes = 0
        /// Bytes of the frames' `/session` and `/player_bones` JSON.
        public var jsonBytes = 0
        /// SHA-256 over every rebuilt session JSON followed by a newline (what `nevr cat` prints).
        public var sessionSHA256 = ""
        /// Problems reading the `.nvr` file (cut, damaged blocks), one line each.
        public var problems: [String] = []

        /// True when every frame, bones body, timestamp and event came back exactly.
        public var isLossless: Bool {
            sessionByteExact == frames && bonesByteExact == bonesFrames && timestampMismatches == 0 && eventsEqual
                && eventsIn == eventsOut && problems.isEmpty
        }
    }

    /// One source frame.
    public struct Source {
        /// When the frame was polled.
        public var timestamp: Timestamp
        /// The `/session` JSON bytes as recorded.
        public var session: [UInt8]
        /// The `/player_bones` JSON bytes, `nil` when none were recorded.
        public var bones: [UInt8]?
        /// The events to store with the frame.
        public var events: [Event]
        /// A source frame.
        public init(timestamp: Timestamp, session: [UInt8], bones: [UInt8]?, events: [Event] = []) {
            self.timestamp = timestamp
            self.session = session
            self.bones = bones
            self.events = events
        }
    }

    /// Writes every frame `next` yields to an in-memory `.nvr` (blocks of `options`), reads it
    /// back and compares frame by frame. Memory: the source is compared block by block, so
    /// only about one block of source frames is held at a time.
    public static func roundTrip(options: NVRWriter.Options = .init(), _ next: () throws -> Source?) throws -> Report {
        var report = Report()
        var sha = SHA256()
        let writer = try NVRWriter(inMemory: "<verify>", options: options)
        var pending: [Source] = []
        // File header, header record and every template record so far: with the newest block
        // records appended, a readable (index-less) file of just those blocks.
        var prefix: [UInt8] = []
        var seenHeader = false
        // Reads back the blocks written since the last call and compares their frames.
        func drain(final: Bool) throws {
            let bytes = writer.takeMemory()
            var blocks: [UInt8] = []
            var at = 0
            if !seenHeader {
                at = NVRFileLayout.fileHeaderLength
                prefix.append(contentsOf: bytes[0..<at])
                seenHeader = true
            }
            while at + NVRFileLayout.recordHeaderLength <= bytes.count {
                let length = Int(UInt32(bytes[at + 1]) | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]) << 16 | UInt32(bytes[at + 4]) << 24)
                let end = min(bytes.count, at + NVRFileLayout.recordHeaderLength + length)
                let type = NVRFileLayout.RecordType(rawValue: bytes[at])
                // The index record is the last one; the 16-byte trailer after it is not a record.
                if type == .index || type == nil { break }
                if type == .block { blocks.append(contentsOf: bytes[at..<end]) } else { prefix.append(contentsOf: bytes[at..<end]) }
                at = end
            }
            guard !blocks.isEmpty else { return }
            let reader = try NVRReader(bytes: prefix + blocks, label: "<verify>")
            while let rec = try reader.nextRecord() {
                guard !pending.isEmpty else {
                    report.problems.append("more frames came back than were written")
                    break
                }
                let src = pending.removeFirst()
                compare(src, rec, &report, &sha)
            }
            report.problems.append(contentsOf: reader.damagedBlocks.map(\.description))
        }
        while let src = try next() {
            report.frames += 1
            report.jsonBytes += src.session.count + (src.bones?.count ?? 0)
            report.eventsIn += src.events.count
            if src.bones != nil { report.bonesFrames += 1 }
            let blocksBefore = writer.blocksWritten
            try writer.write(session: src.session, bones: src.bones, timestamp: src.timestamp, events: src.events)
            pending.append(src)
            if writer.blocksWritten != blocksBefore { try drain(final: false) }
        }
        try writer.finish()
        try drain(final: true)
        if !pending.isEmpty { report.problems.append("\(pending.count) frame(s) did not come back") }
        report.verbatimDocuments = writer.verbatimDocuments
        report.nvrBytes = writer.bytesWritten
        report.sessionSHA256 = sha.finalizeHex()
        return report
    }

    static func compare(_ src: Source, _ rec: NVRFrameRecord, _ report: inout Report, _ sha: inout SHA256) {
        var exact = true
        if rec.session == src.session { report.sessionByteExact += 1 } else { exact = false }
        if src.bones != nil {
            if rec.bones == src.bones { report.bonesByteExact += 1 } else { exact = false }
        } else if rec.bones != nil {
            exact = false
        }
        if rec.timestamp != src.timestamp {
            report.timestampMismatches += 1
            exact = false
        }
        report.eventsOut += rec.events.count
        if rec.events != src.events {
            report.eventsEqual = false
            exact = false
        }
        if !exact && report.mismatches.count < 20 { report.mismatches.append(rec.frameIndex) }
        sha.update(rec.session)
        sha.update([0x0A])
    }

    /// Decodes the whole `.nvr` behind `reader`: every block must decode (CRC, lengths,
    /// values), and each frame's JSON is checked for the game's spelling.
    public static func check(_ reader: NVRReader) throws -> Report {
        var report = Report()
        var sha = SHA256()
        report.nvrBytes = reader.fileSize
        if let cut = reader.cut { report.problems.append(cut) }
        while let rec = try reader.nextRecord() {
            report.frames += 1
            report.sessionByteExact += 1
            report.jsonBytes += rec.session.count + (rec.bones?.count ?? 0)
            report.eventsIn += rec.events.count
            report.eventsOut += rec.events.count
            if let b = rec.bones {
                report.bonesFrames += 1
                report.bonesByteExact += 1
                _ = b
            }
            if let session = try? GameJSONReader.parseSession(rec.session) {
                report.parsedAsGameFrames += 1
                if GameJSONWriter.bytes(session) == rec.session { report.gameSpelled += 1 }
            }
            sha.update(rec.session)
            sha.update([0x0A])
        }
        report.problems.append(contentsOf: reader.damagedBlocks.map(\.description))
        report.sessionSHA256 = sha.finalizeHex()
        return report
    }
}
