import Foundation
import NEVRCapture
import NEVRCore

/// Reads one capture file of any registered format and turns it into ``ArchivedMatch``es:
/// one per `sessionid`, with the last frame's score and per-player stats and every event.
///
/// Events come from the file when its format stores them, otherwise from ``FrameProcessor``
/// (the same detectors as `nevr events`). Memory is bounded by one match's events and players,
/// not by the number of frames.
public struct MatchIndexer {
    /// What reading one capture gave.
    public struct Result: Sendable {
        /// The matches found, in file order.
        public var matches: [ArchivedMatch]
        /// Records of the file that could not be used (unreadable sessions, malformed records).
        public var skipped: Int
        /// The reader's account of damage (cut off, resynchronised), empty when intact.
        public var damage: [String]
    }

    /// Creates an indexer.
    public init() {}

    /// Indexes `url`; `label` names the capture in the archive (default: the path).
    ///
    /// - Throws: ``CaptureFormatError`` for an unknown extension, the reader's error when the
    ///   file cannot be opened or read at all, ``ArchiveError/noGameFrames(_:)`` when no frame of
    ///   it is a game frame with a `sessionid`.
    public func index(_ url: URL, label: String? = nil, progress: ((Double) -> Void)? = nil) throws -> Result {
        let name = label ?? url.path
        let reader = try CaptureFormat.open(url)
        let storedEvents = reader.carriesEvents
        var builder: MatchBuilder?
        var matches: [ArchivedMatch] = []
        var processor = FrameProcessor()
        var skipped = 0
        var records = 0
        while var record = try reader.next() {
            records += 1
            if records & 1023 == 0, let progress, reader.bytesTotal > 0 {
                progress(Double(reader.bytesRead) / Double(reader.bytesTotal))
            }
            let frame: Frame
            do {
                frame = try record.typedFrame(index: 0)
            } catch {
                // Plain catch (no `catch where` on a typed error: Swift 6.3 trap); error
                // objects of the game are not frames and are not counted as damage.
                if !error.isNotAGameFrame { skipped += 1 }
                continue
            }
            guard frame.session.isGameFrame, let sessionID = frame.session.sessionID, !sessionID.isEmpty else { continue }
            if builder?.sessionID != sessionID {
                if let done = builder?.finish() { matches.append(done) }
                builder = MatchBuilder(sessionID: sessionID, capture: name)
                processor.reset()
            }
            let events: [Event]
            if storedEvents {
                events = frame.events
            } else {
                events = processor.process(session: frame.session, bones: nil, timestamp: frame.timestamp).events
            }
            builder?.add(frame, events: events)
        }
        if let done = builder?.finish() { matches.append(done) }
        let report = reader.report
        skipped += report.skippedCount
        var damage = report.damage
        if let cut = report.truncation { damage.append(cut) }
        if matches.isEmpty { throw ArchiveError.noGameFrames(name) }
        return Result(matches: matches, skipped: skipped, damage: damage)
    }
}

/// Accumulates one match frame by frame (only what the archive keeps).
struct MatchBuilder {
    let sessionID: String
    let capture: String
    private var first: Timestamp?
    private var last = Timestamp(nanosecondsSinceEpoch: 0)
    private var map = ""
    private var matchType = ""
    private var teamNames = ["", ""]
    private var points = [0, 0]
    private var winner: String?
    private var postMatch = false
    private var frames = 0
    /// Last-seen stats per user id, in order of first appearance.
    private var players: [String: ArchivedPlayerStats] = [:]
    private var playerOrder: [String] = []
    private var events: [ArchivedEvent] = []

    init(sessionID: String, capture: String) {
        self.sessionID = sessionID
        self.capture = capture
    }

    mutating func add(_ frame: Frame, events frameEvents: [Event]) {
        let session = frame.session
        if first == nil { first = frame.timestamp }
        last = frame.timestamp
        if let m = session.mapName, !m.isEmpty { map = m }
        if let t = session.matchType, !t.isEmpty { matchType = t }
        points = [Self.clampedPoints(session.bluePoints, fallback: points[0]), Self.clampedPoints(session.orangePoints, fallback: points[1])]
        if session.gameStatus == "post_match" { postMatch = true }
        var slotUser: [Int32: String] = [:]
        for (teamIndex, team) in (session.teams ?? []).prefix(2).enumerated() {
            if let name = team.name, !name.isEmpty { teamNames[teamIndex] = name }
            for player in team.players ?? [] {
                guard let userID = player.userID, userID != 0 else { continue }
                let key = String(userID)
                if let slot = player.slot { slotUser[slot] = key }
                if players[key] == nil { playerOrder.append(key) }
                players[key] = ArchivedPlayerStats(
                    userID: key, name: player.name ?? "", team: teamIndex == 0 ? "blue" : "orange",
                    number: Int(player.number ?? 0), values: ArchivedPlayerStats.values(of: player.stats),
                    possessionTime: Self.finite(player.stats?.possessionTime))
            }
        }
        for event in frameEvents {
            if case .matchEnded(let team) = event { winner = Self.teamName(team) }
            let slot = Self.slot(of: event)
            let line = EventJSON.line(for: event, frameIndex: frames, timestamp: frame.timestamp)
            events.append(ArchivedEvent(
                sequence: events.count, frame: frames, timeMs: frame.timestamp.milliseconds, kind: event.kind.name,
                slot: Int(slot), userID: slot >= 0 ? (slotUser[slot] ?? "") : "", json: line))
        }
        frames += 1
    }

    func finish() -> ArchivedMatch? {
        guard let first, frames > 0 else { return nil }
        let byPoints = points[0] > points[1] ? "blue" : points[1] > points[0] ? "orange" : "tie"
        return ArchivedMatch(
            sessionID: sessionID, capture: capture, startedAtMs: first.milliseconds, endedAtMs: last.milliseconds,
            map: map, matchType: matchType, blueTeam: teamNames[0], orangeTeam: teamNames[1],
            bluePoints: points[0], orangePoints: points[1], result: winner ?? byPoints,
            completed: winner != nil || postMatch, frames: frames,
            players: playerOrder.compactMap { players[$0] }, events: events)
    }

    /// Points are doubles in the game's JSON: anything not a whole number in 0...10_000 keeps
    /// the previous value (no crash on NaN or 1e300).
    static func clampedPoints(_ value: Double?, fallback: Int) -> Int {
        guard let value, value.isFinite, value >= 0, value <= 10_000 else { return fallback }
        return Int(value)
    }

    static func finite(_ value: Double?) -> Double {
        guard let value, value.isFinite, abs(value) < 1e9 else { return 0 }
        return value
    }

    static func teamName(_ role: Role) -> String {
        switch role {
        case .blueTeam: "blue"
        case .orangeTeam: "orange"
        default: "tie"
        }
    }

    /// The player slot an event is about, or -1.
    static func slot(of event: Event) -> Int32 {
        switch event {
        case .playerJoined(let player, _): player.slot ?? -1
        case .playerLeft(let slot, _), .playerSwitchedTeam(let slot, _, _), .emotePlayed(let slot, _),
            .discPossessionChanged(let slot, _), .discThrown(let slot, _), .discCaught(let slot),
            .playerGoal(let slot, _, _), .playerSave(let slot, _), .playerStun(let slot, _), .playerPass(let slot, _),
            .playerSteal(let slot, _, _), .playerBlock(let slot, _), .playerInterception(let slot, _),
            .playerAssist(let slot, _), .playerShotTaken(let slot, _):
            slot
        default: -1
        }
    }
}
