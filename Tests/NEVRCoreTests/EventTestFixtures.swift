import Foundation
import NEVRCore
import NEVRTestSupport
import XCTest

/// The real 2021 frame as a typed `Session`, and helpers to change its fields.
enum EventFixtures {
    /// The real 10-player 2021 frame (`round_over`, blue 15 : orange 8, speedy_v in slot 1 holds the disc).
    static func frame2021() throws -> Session {
        try GameJSONReader.parseSession(SharedData.bytes(SharedData.frame2021))
    }

    /// The same frame moved into live play: `playing`, unpaused, nobody holding the disc.
    static func playing() throws -> Session {
        var s = try frame2021()
        s.gameStatus = "playing"
        return s
    }
}

extension Session {
    /// The location of the player in `slot`.
    func location(ofSlot slot: Int32) -> (team: Int, index: Int)? {
        for (t, team) in (teams ?? []).enumerated() {
            for (i, p) in (team.players ?? []).enumerated() where p.slot == slot { return (t, i) }
        }
        return nil
    }

    /// Changes the player in `slot` in place.
    mutating func updatePlayer(slot: Int32, _ change: (inout Player) -> Void) {
        guard let (t, i) = location(ofSlot: slot) else { preconditionFailure("no player in slot \(slot)") }
        change(&teams![t].players![i])
    }

    /// Removes the player in `slot`, returning it.
    @discardableResult
    mutating func removePlayer(slot: Int32) -> Player {
        guard let (t, i) = location(ofSlot: slot) else { preconditionFailure("no player in slot \(slot)") }
        let p = teams![t].players!.remove(at: i)
        if teams![t].players!.isEmpty { teams![t].players = nil }
        fixPossessionPair()
        return p
    }

    /// Appends `player` to team `team`.
    mutating func addPlayer(_ player: Player, team: Int) {
        if teams![team].players == nil { teams![team].players = [] }
        teams![team].players!.append(player)
        fixPossessionPair()
    }

    /// Gives the disc to `slot` (-1: nobody), keeping the top-level pair and the flags consistent.
    mutating func setHolder(slot: Int32) {
        for t in teams!.indices {
            for i in (teams![t].players ?? []).indices { teams![t].players![i].possession = teams![t].players![i].slot == slot }
        }
        fixPossessionPair()
    }

    /// Recomputes the top-level `possession` pair from the players' flags.
    mutating func fixPossessionPair() {
        guard possession != nil else { return }
        possession = .nobody
        for (t, team) in (teams ?? []).enumerated() {
            for (i, p) in (team.players ?? []).enumerated() where p.possession == true {
                possession = DiscHolder(teamIndex: Int32(t), playerIndex: Int32(i))
                return
            }
        }
    }

    func player(slot: Int32) -> Player? {
        guard let (t, i) = location(ofSlot: slot) else { return nil }
        return teams![t].players![i]
    }
}

/// Runs frames through one detector and returns the events of each frame.
func detectAll(_ frames: [Session], options: EventDetectionOptions = .init()) -> [[Event]] {
    var detector = EventDetector(options: options)
    return frames.map { detector.detect($0) }
}

