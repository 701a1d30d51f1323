import NEVRCore
import XCTest

/// Regression tests for issue 15 in the core: URL and port validation before anything
/// connects, and slot tables that stay linear however many players a frame lists.
final class SecurityCoreTests: XCTestCase {
    func testServiceURLRefusesPortsOutsideOneTo65535() {
        for bad in [
            "http://127.0.0.1:99999", "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:-1",
            "http://127.0.0.1:+80", "http://127.0.0.1:6721x", "http://:6721", "http://", "127.0.0.1:6721",
            "ftp://127.0.0.1:6721", "http://user:pw@127.0.0.1:6721", "http://bad host:1", "http://[::1:80",
        ] {
            XCTAssertThrowsError(try ServiceURL(parsing: bad, schemes: ServiceURL.httpSchemes), bad)
        }
        XCTAssertThrowsError(try ServiceURL(parsing: "ws://127.0.0.1:99999/publish", schemes: ServiceURL.webSocketSchemes)) { error in
            XCTAssertTrue("\(error)".contains("99999"), "\(error)")
            XCTAssertTrue("\(error)".contains("1 to 65535"), "\(error)")
        }
    }

    func testServiceURLAcceptsWhatUsersType() throws {
        let a = try ServiceURL(parsing: "http://127.0.0.1:6721", schemes: ServiceURL.httpSchemes)
        XCTAssertEqual(a.host, "127.0.0.1")
        XCTAssertEqual(a.port, 6721)
        XCTAssertEqual(a.pathAndQuery, "")
        let b = try ServiceURL(parsing: "HTTPS://quest.local/", schemes: ServiceURL.httpSchemes)
        XCTAssertEqual(b.scheme, "https")
        XCTAssertEqual(b.port, 443)
        let c = try ServiceURL(parsing: "ws://[::1]:8080/subscribe?match=all", schemes: ServiceURL.webSocketSchemes)
        XCTAssertEqual(c.host, "::1")
        XCTAssertEqual(c.port, 8080)
        XCTAssertEqual(c.pathAndQuery, "/subscribe?match=all")
        XCTAssertEqual(c.description, "ws://[::1]:8080/subscribe?match=all")
        XCTAssertEqual(try ServiceURL(parsing: "ws://h:65535", schemes: ServiceURL.webSocketSchemes).port, 65535)
    }

    /// A frame listing many players in slots outside 0..<16, with duplicates.
    private func session(players: Int, slotOffset: Int32 = 16) -> Session {
        var s = Session()
        s.sessionID = "S"
        var team = Team()
        // Descending slots: the worst case for insertion into a sorted list.
        team.players = (0..<players).map { i in
            var p = Player()
            p.slot = slotOffset + Int32(players - 1 - i / 2 * 2)  // every slot twice
            p.userID = UInt64(i)
            p.name = "p\(i)"
            return p
        }
        s.teams = [team]
        return s
    }

    func testOverflowSlotsAreSortedDeduplicatedFirstWinsAndFound() {
        let s = session(players: 2_000)
        let table = SlotTable(s)
        var seen: [Int32] = []
        SlotTable.forEachSlot(table, SlotTable()) { a, _ in seen.append(a.slot) }
        XCTAssertEqual(seen, seen.sorted())
        XCTAssertEqual(Set(seen).count, seen.count, "a duplicated slot is listed once")
        XCTAssertEqual(seen.count, 1_000)
        // The first occurrence (lower player index) wins.
        let first = table.entry(slot: 16 + 1_999)
        XCTAssertEqual(first.playerIndex, 0)
        XCTAssertEqual(first.userID, 0)
        XCTAssertFalse(table.entry(slot: 15_000).isPresent)
        XCTAssertFalse(table.entry(slot: -5).isPresent)
    }

    func testEventDetectionOverHugeRostersFinishes() throws {
        // 150,000 players in 2 frames took 61 s with the quadratic overflow insert; linear is well
        // under a second. No timing is asserted (the machine is shared): the test only has to end,
        // and every player must be seen as joined in the second frame.
        var processor = FrameProcessor()
        var empty = Session()
        empty.sessionID = "S"
        empty.teams = [Team()]
        let raw0 = GameJSONWriter.bytes(empty)
        _ = try processor.process(session: raw0, bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 0))
        let big = session(players: 60_000)
        let frame = try processor.process(session: GameJSONWriter.bytes(big), bones: nil, timestamp: Timestamp(millisecondsSinceEpoch: 16))
        let joins = frame.events.filter { if case .playerJoined = $0 { return true } else { return false } }
        XCTAssertEqual(joins.count, 30_000, "one join per distinct (slot, userid)")
    }
}
