import NEVRCore
import XCTest

@testable import NEVRCapture

final class NevrcapWireTests: XCTestCase {
    private func roundTrip(_ frame: Frame, file: StaticString = #filePath, line: UInt = #line) throws -> Frame {
        var bytes: [UInt8] = []
        NevrcapWire.encode(frame, into: &bytes)
        return try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }
    }

    func testFrameRoundTripKeepsEveryFieldIncludingZeros() throws {
        let frame = NevrcapFixtures.frame(3, events: NevrcapFixtures.everyEvent)
        let back = try roundTrip(frame)
        XCTAssertEqual(back.session, frame.session)
        XCTAssertEqual(back.bones, frame.bones)
        XCTAssertEqual(back.events, frame.events)
        XCTAssertEqual(back, frame)
        // Explicit zeros and empty strings stay present (not nil).
        XCTAssertEqual(back.session.orangePoints, 0)
        XCTAssertEqual(back.session.rulesChangedAt, 0)
        XCTAssertEqual(back.session.tournamentMatch, false)
        XCTAssertEqual(back.session.teams?[1].players?[0].holdingRight, "")
        XCTAssertEqual(back.session.teams?[0].players?[0].level, 0)
        XCTAssertNil(back.session.teams?[2].players)
        XCTAssertNil(back.session.teams?[0].players?[0].weapon)
    }

    func testAbsentFieldsStayAbsent() throws {
        var s = Session()
        s.sessionID = "X"
        s.teams = [Team(players: [Player(name: "solo")])]
        let back = try roundTrip(Frame(index: 0, timestamp: Timestamp(nanosecondsSinceEpoch: 0), session: s))
        XCTAssertEqual(back.session, s)
        XCTAssertNil(back.session.gameClock)
        XCTAssertNil(back.session.disc)
        XCTAssertNil(back.bones)
    }

    func testFramesWithoutBonesAndWithEmptyBonesAreDistinct() throws {
        var f = NevrcapFixtures.frame(1, bones: false)
        XCTAssertNil(try roundTrip(f).bones)
        f.bones = PlayerBones(userBones: nil, errCode: 0)  // `{"err_code":0}`
        XCTAssertEqual(try roundTrip(f).bones, PlayerBones(userBones: nil, errCode: 0))
    }

    func testEveryEventKindRoundTripsAlone() throws {
        for event in NevrcapFixtures.everyEvent {
            let f = Frame(index: 9, timestamp: Timestamp(nanosecondsSinceEpoch: 1), session: Session(), events: [event])
            XCTAssertEqual(try roundTrip(f).events, [event], "\(event.kind.name)")
        }
        let known = Set(NevrcapFixtures.everyEvent.map(\.kind))
        XCTAssertEqual(known, Set(EventKind.allCases.filter { $0 != .unknown }))
    }

    func testUnknownEventKindIsKeptAndCounted() throws {
        let unknown = Event.unknown(fieldNumber: 99, payload: [0x08, 0x07])
        let f = Frame(index: 0, timestamp: Timestamp(nanosecondsSinceEpoch: 5), session: Session(), events: [.discCaught(slot: 1), unknown])
        var bytes: [UInt8] = []
        NevrcapWire.encode(f, into: &bytes)
        var notes = NevrcapDecodeNotes()
        let back = try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0, notes: &notes) }
        XCTAssertEqual(back.events, [.discCaught(slot: 1), unknown])
        XCTAssertEqual(notes.unknownEvents, 1)
    }

    func testUnknownFieldsAreSkippedAndCounted() throws {
        var bytes: [UInt8] = []
        NevrcapWire.encode(NevrcapFixtures.frame(0, bones: false), into: &bytes)
        // Field 77 (varint 5), field 78 (fixed32), field 79 (string "hi") appended to the frame.
        bytes += [0xE8, 0x04, 0x05, 0xF5, 0x04, 1, 2, 3, 4, 0xFA, 0x04, 2, 0x68, 0x69]
        var notes = NevrcapDecodeNotes()
        let back = try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0, notes: &notes) }
        XCTAssertEqual(back.session, NevrcapFixtures.session(0))
        XCTAssertEqual(notes.unknownFields, 3)
    }

    func testEncodingIsCanonicalForLongNestedMessages() throws {
        // Bodies of 127, 128, 16383, 16384 bytes cross the length-varint size boundaries.
        for n in [0, 1, 125, 126, 127, 128, 16_381, 16_382, 16_383, 16_384, 70_000] {
            var s = Session()
            s.teams = [Team(name: String(repeating: "x", count: n))]
            var bytes: [UInt8] = []
            NevrcapWire.encode(Frame(index: 1, timestamp: Timestamp(nanosecondsSinceEpoch: 0), session: s), into: &bytes)
            let back = try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }
            XCTAssertEqual(back.session.teams?.first?.name?.utf8.count, n)
            // Canonical: frame_index (2 bytes) + empty timestamp (2) + session tag + minimal lengths.
            let teamBody = (n == 0 ? 0 : 0) + 1 + varintSize(n) + n
            // ... plus `key_presence` (field 1001, varint 1: tag C8 3E, value 01).
            let sessionBody = 2 + varintSize(teamBody) + teamBody + 3
            XCTAssertEqual(bytes.count, 2 + 2 + 1 + varintSize(sessionBody) + sessionBody, "n=\(n)")
        }
    }

    private func varintSize(_ n: Int) -> Int { ProtoWriter.varintSize(UInt64(n)) }

    func testNegativeInt32IsTenByteVarint() throws {
        var s = Session()
        s.possession = .nobody
        var bytes: [UInt8] = []
        NevrcapWire.encode(Frame(index: 0, timestamp: Timestamp(nanosecondsSinceEpoch: 0), session: s), into: &bytes)
        // session body: tag 23 (0xBA 0x01), length 20, two 10-byte varints of -1.
        // Then `key_presence` (field 1001 = true: C8 3E 01) ends every session we write.
        let expectedSession: [UInt8] = [0xBA, 0x01, 20] + Array(repeating: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], count: 2).flatMap { $0 }
            + [0xC8, 0x3E, 0x01]
        XCTAssertEqual(Array(bytes.suffix(expectedSession.count)), expectedSession)
        XCTAssertEqual(try bytes.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }.session.possession, .nobody)
    }

    func testLegacyNestedBonesAreRead() throws {
        // UserBones with bone_t = {v: [1.5, -2]} (2025 layout), playerid 3, bone_o packed floats [0.5].
        var nested: [UInt8] = [0x0A, 16]
        for d in [1.5, -2.0] { withUnsafeBytes(of: d.bitPattern.littleEndian) { nested += $0 } }
        var user: [UInt8] = [0x0A, UInt8(nested.count)] + nested + [0x10, 3, 0x1A, 4]
        withUnsafeBytes(of: Float(0.5).bitPattern.littleEndian) { user += $0 }
        let bonesMsg: [UInt8] = [0x0A, UInt8(user.count)] + user
        var frame: [UInt8] = [0x22, 0]  // empty session
        frame += [0x2A, UInt8(bonesMsg.count)] + bonesMsg
        var notes = NevrcapDecodeNotes()
        let back = try frame.withUnsafeBytes { try NevrcapWire.decodeFrame($0, notes: &notes) }
        XCTAssertEqual(back.bones?.userBones, [UserBones(slot: 3, translations: [1.5, -2], orientations: [0.5])])
        XCTAssertEqual(notes.legacyBones, 1)
    }

    func testHeaderAndFrameAreNeverConfused() throws {
        let header = NevrcapHeader(
            captureID: "converted-1637442333", createdAt: Timestamp(seconds: 1_637_442_333, nanos: 5),
            metadata: [.init(key: "source", value: "echoreplay"), .init(key: "source_file", value: "a.echoreplay")])
        var h: [UInt8] = []
        NevrcapWire.encode(header, into: &h)
        XCTAssertEqual(h.withUnsafeBytes { NevrcapWire.classify($0) }, .header)
        XCTAssertEqual(try h.withUnsafeBytes { try NevrcapWire.decodeHeader($0) }, header)
        XCTAssertEqual([UInt8]().withUnsafeBytes { NevrcapWire.classify($0) }, .header)

        // A Go-style frame with index 0 omitted, a timestamp and events but no session yet still is a frame.
        let bare = Frame(index: 0, timestamp: Timestamp(seconds: 10, nanos: 0), session: Session(), events: [.discCaught(slot: 2)])
        var f: [UInt8] = []
        NevrcapWire.encode(bare, into: &f)
        XCTAssertEqual(f.withUnsafeBytes { NevrcapWire.classify($0) }, .frame)
        // No frame_index, no session: timestamp (2) + event (3); the event's oneof number says frame.
        let eventOnly: [UInt8] = [0x12, 2, 0x08, 10, 0x1A, 3, 0x82, 0x02, 0x00]  // ts{seconds 10}, event{disc_caught{}}
        XCTAssertEqual(eventOnly.withUnsafeBytes { NevrcapWire.classify($0) }, .frame)
        XCTAssertEqual(NevrcapFixtures.frame(0).encoded.withUnsafeBytes { NevrcapWire.classify($0) }, .frame)
    }

    func testEnvelopeRoundTrip() throws {
        let header = NevrcapHeader(captureID: "live", createdAt: Timestamp(seconds: 1, nanos: 2), metadata: [.init(key: "format", value: "nevrcap")])
        let frame = NevrcapFixtures.frame(4)
        XCTAssertEqual(try NevrcapWire.encodeEnvelope(header: header).withUnsafeBytes { try NevrcapWire.decodeEnvelope($0) }, .header(header))
        XCTAssertEqual(try NevrcapWire.encodeEnvelope(frame: frame).withUnsafeBytes { try NevrcapWire.decodeEnvelope($0) }, .frame(frame))
    }

    func testTruncatedProtobufThrowsWithOffset() {
        let bytes = NevrcapFixtures.frame(2).encoded
        for cut in [1, 3, 7, bytes.count / 2, bytes.count - 1] {
            let prefix = Array(bytes.prefix(cut))
            XCTAssertThrowsError(try prefix.withUnsafeBytes { try NevrcapWire.decodeFrame($0) }, "cut \(cut)") { error in
                guard let e = error as? ProtoDecodeError else { return XCTFail("\(error)") }
                XCTAssertLessThanOrEqual(e.offset, cut)
            }
        }
    }
}

extension Frame {
    var encoded: [UInt8] {
        var out: [UInt8] = []
        NevrcapWire.encode(self, into: &out)
        return out
    }
}
