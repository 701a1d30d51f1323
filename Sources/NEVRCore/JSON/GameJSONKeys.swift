// Keys of the objects that repeat many times per frame (players, their poses and
// stats), in the order the game sends them. The reader first checks whether the
// input continues with the key that usually comes next (`"name":` compared in
// 8-byte words); only when it does not does it scan the key and look it up.

extension JSONScanner {
    /// If the input continues with `pattern` (a key with its quotes and colon), consumes it
    /// and any whitespace after it.
    @inline(__always) @usableFromInline
    mutating func consumeKey(_ pattern: StaticString) -> Bool {
        let n = pattern.utf8CodeUnitCount
        guard i &+ n <= end, JSONScanner.bytesEqual(p + i, pattern.utf8Start, n) else { return false }
        i &+= n
        if i < end && p[i] <= 0x20 { skipWhitespace() }
        return true
    }

    /// `n` bytes at `a` and `b` are equal, compared in words when `n` >= 4.
    @inline(__always) @usableFromInline
    static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        if n >= 8 {
            var k = 0
            while k &+ 8 < n {
                if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
                    return false
                }
                k &+= 8
            }
            return ra.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                == rb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 4 {
            return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
                && ra.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                    == rb.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        }
        var k = 0
        while k < n {
            if a[k] != b[k] { return false }
            k &+= 1
        }
        return true
    }

    /// A known key whose value is not of its type (`null`) kept raw under the key's name.
    @usableFromInline
    mutating func extra(pattern: StaticString) throws(GameJSONError) -> ExtraField {
        let range = try skipValue()
        let name = String(decoding: UnsafeBufferPointer(start: pattern.utf8Start + 1, count: pattern.utf8CodeUnitCount - 3), as: UTF8.self)
        return ExtraField(key: name, json: Array(UnsafeBufferPointer(start: p + range.lowerBound, count: range.count)))
    }
}

/// Player keys, in the 2021 build's order first.
@usableFromInline
enum PlayerKey: UInt8 {
    case name, rhand, playerid, stats, userid, number, level, stunned, ping, packetlossratio, invulnerable
    case holdingLeft, possession, head, body, holdingRight, lhand, blocking, velocity
    case isEmotePlaying, position, forward, left, up, weapon, ordnance, tacMod, arm

    /// The key that usually follows this one.
    @inline(__always) @usableFromInline
    var next: PlayerKey { PlayerKey(rawValue: rawValue &+ 1) ?? .name }

    @inline(__always) @usableFromInline
    var pattern: StaticString {
        switch self {
        case .name: "\"name\":"
        case .rhand: "\"rhand\":"
        case .playerid: "\"playerid\":"
        case .stats: "\"stats\":"
        case .userid: "\"userid\":"
        case .number: "\"number\":"
        case .level: "\"level\":"
        case .stunned: "\"stunned\":"
        case .ping: "\"ping\":"
        case .packetlossratio: "\"packetlossratio\":"
        case .invulnerable: "\"invulnerable\":"
        case .holdingLeft: "\"holding_left\":"
        case .possession: "\"possession\":"
        case .head: "\"head\":"
        case .body: "\"body\":"
        case .holdingRight: "\"holding_right\":"
        case .lhand: "\"lhand\":"
        case .blocking: "\"blocking\":"
        case .velocity: "\"velocity\":"
        case .isEmotePlaying: "\"is_emote_playing\":"
        case .position: "\"position\":"
        case .forward: "\"forward\":"
        case .left: "\"left\":"
        case .up: "\"up\":"
        case .weapon: "\"Weapon\":"
        case .ordnance: "\"Ordnance\":"
        case .tacMod: "\"TacMod\":"
        case .arm: "\"Arm\":"
        }
    }

    @usableFromInline
    static func lookup(_ key: JSONKey, _ s: JSONScanner) -> PlayerKey? {
        switch key.count {
        case 2: if s.keyIs(key, "up") { return .up }
        case 3: if s.keyIs(key, "Arm") { return .arm }
        case 4:
            if s.keyIs(key, "name") { return .name }
            if s.keyIs(key, "ping") { return .ping }
            if s.keyIs(key, "head") { return .head }
            if s.keyIs(key, "body") { return .body }
            if s.keyIs(key, "left") { return .left }
        case 5:
            if s.keyIs(key, "rhand") { return .rhand }
            if s.keyIs(key, "lhand") { return .lhand }
            if s.keyIs(key, "stats") { return .stats }
            if s.keyIs(key, "level") { return .level }
        case 6:
            if s.keyIs(key, "userid") { return .userid }
            if s.keyIs(key, "number") { return .number }
            if s.keyIs(key, "Weapon") { return .weapon }
            if s.keyIs(key, "TacMod") { return .tacMod }
        case 7:
            if s.keyIs(key, "stunned") { return .stunned }
            if s.keyIs(key, "forward") { return .forward }
        case 8:
            if s.keyIs(key, "playerid") { return .playerid }
            if s.keyIs(key, "blocking") { return .blocking }
            if s.keyIs(key, "velocity") { return .velocity }
            if s.keyIs(key, "position") { return .position }
            if s.keyIs(key, "Ordnance") { return .ordnance }
        case 10: if s.keyIs(key, "possession") { return .possession }
        case 12:
            if s.keyIs(key, "invulnerable") { return .invulnerable }
            if s.keyIs(key, "holding_left") { return .holdingLeft }
        case 13: if s.keyIs(key, "holding_right") { return .holdingRight }
        case 15: if s.keyIs(key, "packetlossratio") { return .packetlossratio }
        case 16: if s.keyIs(key, "is_emote_playing") { return .isEmotePlaying }
        default: break
        }
        return nil
    }
}

/// The twelve stats counters, with the player order and the (different) team order.
@usableFromInline
enum StatsKey: UInt8 {
    case possessionTime, points, saves, goals, stuns, passes, catches, steals, blocks, interceptions, assists, shotsTaken

    /// Player `stats`: possession_time, points, saves, goals, stuns, passes, catches, steals,
    /// blocks, interceptions, assists, shots_taken (the declaration order).
    @inline(__always) @usableFromInline
    var nextInPlayerOrder: StatsKey { StatsKey(rawValue: rawValue &+ 1) ?? .possessionTime }

    /// Team `stats`: points, possession_time, interceptions, blocks, steals, catches, passes,
    /// saves, goals, stuns, assists, shots_taken.
    @inline(__always) @usableFromInline
    var nextInTeamOrder: StatsKey {
        switch self {
        case .points: .possessionTime
        case .possessionTime: .interceptions
        case .interceptions: .blocks
        case .blocks: .steals
        case .steals: .catches
        case .catches: .passes
        case .passes: .saves
        case .saves: .goals
        case .goals: .stuns
        case .stuns: .assists
        case .assists: .shotsTaken
        case .shotsTaken: .points
        }
    }

    @inline(__always) @usableFromInline
    var pattern: StaticString {
        switch self {
        case .possessionTime: "\"possession_time\":"
        case .points: "\"points\":"
        case .saves: "\"saves\":"
        case .goals: "\"goals\":"
        case .stuns: "\"stuns\":"
        case .passes: "\"passes\":"
        case .catches: "\"catches\":"
        case .steals: "\"steals\":"
        case .blocks: "\"blocks\":"
        case .interceptions: "\"interceptions\":"
        case .assists: "\"assists\":"
        case .shotsTaken: "\"shots_taken\":"
        }
    }

    @usableFromInline
    static func lookup(_ key: JSONKey, _ s: JSONScanner) -> StatsKey? {
        switch key.count {
        case 5:
            if s.keyIs(key, "saves") { return .saves }
            if s.keyIs(key, "goals") { return .goals }
            if s.keyIs(key, "stuns") { return .stuns }
        case 6:
            if s.keyIs(key, "points") { return .points }
            if s.keyIs(key, "passes") { return .passes }
            if s.keyIs(key, "steals") { return .steals }
            if s.keyIs(key, "blocks") { return .blocks }
        case 7:
            if s.keyIs(key, "catches") { return .catches }
            if s.keyIs(key, "assists") { return .assists }
        case 11: if s.keyIs(key, "shots_taken") { return .shotsTaken }
        case 13: if s.keyIs(key, "interceptions") { return .interceptions }
        case 15: if s.keyIs(key, "possession_time") { return .possessionTime }
        default: break
        }
        return nil
    }
}
