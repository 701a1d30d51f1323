#!/usr/bin/env python3
"""Independent `.butter` builder for the Swift tests, written from the spec (butter.md) only.

  butter_check.py build DIR    write DIR/v1.butter, v2.butter, v3.butter (and v3-combat.butter)
                               plus DIR/expect.json: every value a reader must decode
"""
import gzip
import json
import math
import os
import struct
import sys

try:
    import zstandard
except ImportError:
    print("butter_check: python zstandard not importable (run scripts/bootstrap.sh)", file=sys.stderr)
    sys.exit(2)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def half(x):
    return struct.unpack("<e", struct.pack("<e", x))[0]


def h(x):
    return struct.pack("<e", x)


def smallest_three(q):
    """Encode (x, y, z, w) as 32 bits; return (bits, decoded quaternion as the reader sees it)."""
    mags = [abs(c) for c in q]
    largest = mags.index(max(mags))
    s = 1.0 if q[largest] >= 0 else -1.0
    bits = largest
    j = 0
    decoded = [0.0] * 4
    total = 0.0
    for i in range(4):
        if i == largest:
            continue
        v = int(((s * q[i]) + 0.70710678) / 1.41421356 * 1023)
        v = max(0, min(1023, v))
        bits |= v << (2 + 10 * j)
        c = f32(f32(f32(v / 1023.0) * f32(1.41421356)) - f32(0.70710678))
        decoded[i] = c
        total = f32(total + f32(c * c))
        j += 1
    decoded[largest] = f32(math.sqrt(max(0.0, f32(1.0 - total))))
    return bits, decoded


def forward(q):
    x, y, z, w = q
    return [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)]


def mirror_varint(n):
    if n <= 240:
        return bytes([n])
    if n <= 2287:
        return bytes([(n - 240) // 256 + 241, (n - 240) % 256])
    if n <= 67823:
        return bytes([249, (n - 2288) // 256, (n - 2288) % 256])
    raise ValueError("too big for this builder")


def zigzag(v):
    return (v << 1) if v >= 0 else ((-v) << 1) - 1


PLAYERS = [("PlayerA", 1234567890123, 7, 50), ("PlayerB", 42, 12, 31), ("PlayerC", 99, 0, 1)]
# (file index, playerid, team)
ROSTER = [(1, 0, 0), (2, 3, 0), (3, 5, 1)]
STATUS = {4: "playing", 5: "score"}


def header(version, compression, chunk_sizes, combat=False):
    out = bytearray([version]) + struct.pack("<H", 4) + bytes([compression])
    out += b"Milkyway\x00"
    out += bytes.fromhex("4A7C65E9000040008000000000AC8A11")
    out += bytes([107, 182, 226, 157])
    out += bytes([len(PLAYERS)])
    for (name, _, _, _) in PLAYERS:
        out += name.encode("ascii") + b"\x00"
    for (_, uid, _, _) in PLAYERS:
        out += struct.pack("<q", uid)
    out += bytes(p[2] for p in PLAYERS) + bytes(p[3] for p in PLAYERS)
    out += bytes([3, 0x21])  # 3 rounds; blue 1, orange 2
    out += bytes([(3 << 1) | 1 if combat else (2 << 1) | 1])  # private + mpl_arena_a (or mpl_combat_fission)
    out += struct.pack("<I", len(chunk_sizes))
    for s in chunk_sizes:
        out += struct.pack("<I", s)
    return bytes(out)


def build_file(version, compression, frames_n=8, interval=4, combat=False, with_bones=True):
    chunks = []
    expect = []
    t0 = 1637442333407
    prev = None
    for start in range(0, frames_n, interval):
        body = bytearray()
        state = {}
        for i in range(start, min(frames_n, start + interval)):
            key = i == start
            f = {}
            body += struct.pack("<H", 0xFEFC if key else 0xFEFE)
            t = t0 + i * 33
            if key:
                body += struct.pack("<q", t)
                clock = f32(300.0 - i * 0.5)
                body += struct.pack("<f", clock)
                state["clock"] = clock
            else:
                body += struct.pack("<H", 33)
                d = f32(-0.5)
                body += struct.pack("<f", d)
                state["clock"] = f32(state["clock"] + d)
            f["timestamp_ms"] = t
            f["game_clock"] = state["clock"]
            status = 4 if i < 6 else 5
            points = (i // 3, 1)
            v3 = version >= 3
            disc_target = [f32(0.25 * i), f32(1.5), f32(-2.0 + 0.1 * i)]
            mask = 0
            sections = bytearray()
            if v3:
                mask |= 1
                sections += bytes([status])
                sections += (h(points[0]) + h(points[1])) if combat else bytes(points)
                sections += bytes([0b0101])  # left and left2 pressed
                mask |= 2
                sections += bytes([0b0011 << 2 | 3 << 4 | 1, 1]) + h(12.5) + h(0.0)  # blue restart; paused; orange requested
                if not combat and i >= 5:
                    mask |= 4
                    sections += bytes([1 | (6 << 3), 1, 0]) + h(15.0) + h(3.25)  # orange, SLAM DUNK, PlayerA, no assist
            else:
                mask |= 1 | 2 | 8
                sections += bytes([status])
                sections += (h(points[0]) + h(points[1])) if combat else bytes(points)
                # (inputs after pause; pause bit 2 below)
            if not v3:
                mask |= 4
                pause = bytes([1 | (3 << 2) | (3 << 4) | (1 << 6)]) + h(12.5) + h(0.0)
                sections += pause
                sections += bytes([0b0101])
                if not combat and i >= 5:
                    mask |= 16
                    sections += bytes([1 | (6 << 3), 1, 0]) + h(15.0) + h(3.25)
            disc_bit = 5 if v3 else 7
            if not combat:
                mask |= 1 << disc_bit
                dp = state.get("disc", [0.0, 0.0, 0.0])
                enc = bytearray()
                newp = []
                for k in range(3):
                    dv = half(disc_target[k] if key else disc_target[k] - dp[k])
                    enc += h(dv)
                    newp.append(dv if key else f32(dp[k] + dv))
                bits, q = smallest_three([0.0, 0.0, 0.0, 1.0])
                enc += struct.pack("<I", bits)
                enc += h(2.0) + h(0.0) + h(0.0) if key else h(0.0) * 3
                state["disc"] = newp
                sections += enc
                f["disc_position"] = newp
            body += bytes([mask]) + sections
            f["game_status"] = STATUS[status]
            f["points"] = [float(points[0]), float(points[1])]
            # Teams: team mask (orange possession at frames >= 2, stats for blue at keyframes).
            holder = 5 if i >= 2 else None
            team_mask = (2 if holder is not None else 0) | (4 if key else 0)
            body += bytes([team_mask])
            players_exp = []
            for team in range(3):
                if team == 0 and key:
                    body += bytes([1, 0, 0, 0, 0, 0, 3, 2, 0, 4]) + h(10.5) + struct.pack("<H", 7)
                members = [r for r in ROSTER if r[2] == team]
                body += bytes([len(members)])
                for (fi, pid, _) in members:
                    ps = state.setdefault(pid, {"pos": [0.0, 0.0, 0.0], "ping": 0, "points": 0})
                    m = 0
                    if holder == pid:
                        m |= 1
                    stunned = (i + pid) % 3 == 0
                    if stunned:
                        m |= 4
                    stats_bit = 5 if v3 else 4
                    ping_bit = 6 if v3 else 5
                    m |= 1 << stats_bit
                    m |= 1 << ping_bit
                    if not v3 and not (version == 2 and combat):
                        m |= 1 << 6  # v1/v2 holding bit
                    rec = bytearray([fi, pid, m])
                    pts = i if pid == 0 else 1
                    dpts = pts if key else (pts - ps["points"]) % 256
                    rec += bytes([0, 0, 0, 0, 0, 0, dpts, 0, 0, 0]) + h(0.0) + struct.pack("<H", 0)
                    ps["points"] = pts
                    ping = 40 + pid + i
                    dping = ping if key else ping - ps["ping"]
                    rec += struct.pack("<H" if version == 1 else "<h", dping) + h(0.0)
                    ps["ping"] = ping
                    if v3 and not combat:
                        rec += bytes([255, 253 if pid == 3 else 255])
                    if not v3 and not (version == 2 and combat):
                        rec += bytes([255, 253 if pid == 3 else 255])
                    target = [f32(pid + 0.01 * i), f32(1.7), f32(-1.0 * pid)]
                    enc = bytearray()
                    newp = []
                    for k in range(3):
                        dv = half(target[k] if key else target[k] - ps["pos"][k])
                        enc += h(dv)
                        newp.append(dv if key else f32(ps["pos"][k] + dv))
                    ps["pos"] = newp
                    a = 0.1 * i + pid
                    q = [0.0, math.sin(a / 2), 0.0, math.cos(a / 2)]
                    bits, dq = smallest_three(q)
                    rec += bytes([0b11]) + enc + struct.pack("<I", bits)
                    if combat and version >= 2:
                        rec += bytes([1 | (2 << 2) | (3 << 4) | 0x40])
                    body += rec
                    players_exp.append({"team": team, "slot": pid, "name": PLAYERS[fi - 1][0], "userid": PLAYERS[fi - 1][1],
                                        "number": PLAYERS[fi - 1][2], "level": PLAYERS[fi - 1][3],
                                        "ping": ping, "points": pts, "stunned": stunned, "possession": holder == pid,
                                        "head_position": newp, "head_forward": forward(dq),
                                        "holding_right": None if combat else ("disc" if pid == 3 else "none")})
            f["players"] = players_exp
            f["possession"] = [1, 0] if holder is not None else [-1, -1]
            f["blue_team_stats_points"] = 3
            # Bones: v2/v3 with two bone players on even frames of the file.
            bones_exp = None
            if with_bones and version >= 2:
                nb = 2
                body += bytes([1 | (nb << 1)])
                bp = state.setdefault("bones", [[0.0] * 69 for _ in range(nb)])
                if key:
                    bp = [[0.0] * 69 for _ in range(nb)]
                for b in range(nb):
                    pos_mask = 0b101 if key else 0b1
                    body += bytes([pos_mask & 0xFF, (pos_mask >> 8) & 0xFF, (pos_mask >> 16) & 0xFF, 0, 0, 0])
                    for k in range(23):
                        if pos_mask & (1 << k):
                            for axis in range(3):
                                delta = 0.01 * (b + 1) * (axis + 1)
                                v = int(delta * 4096)
                                body += mirror_varint(zigzag(v))
                                bp[b][3 * k + axis] = f32(bp[b][3 * k + axis] + f32(v / 4096.0))
                state["bones"] = bp
                bones_exp = [row[:9] for row in bp]
            else:
                body += bytes([0])
            f["bones"] = bones_exp
            f["pause"] = {"paused_state": "paused", "paused_requested_team": "none", "unpaused_team": "none",
                          "paused_timer": 12.5}
            f["inputs"] = [1.0, 0.0, 1.0, 0.0]
            f["last_score"] = ({"team": "orange", "goal_type": "SLAM DUNK", "person_scored": "PlayerA",
                                "assist_scored": "[INVALID]", "disc_speed": 15.0, "point_amount": 2}
                               if (i >= 5 and not combat) else None)
            expect.append(f)
        chunks.append(bytes(body))
    comp = []
    for c in chunks:
        if compression == 0:
            comp.append(c)
        elif compression == 1:
            comp.append(gzip.compress(c))
        else:
            comp.append(zstandard.ZstdCompressor(level=3).compress(c))
    comp.append(b"")  # the writer's last, empty chunk
    data = header(version, compression, [len(c) for c in comp], combat) + b"".join(comp)
    return data, expect


def main():
    if len(sys.argv) < 3 or sys.argv[1] != "build":
        print("usage: butter_check.py build DIR", file=sys.stderr)
        sys.exit(2)
    out = sys.argv[2]
    expect = {"session_id": "4A7C65E9-0000-4000-8000-000000AC8A11", "session_ip": "107.182.226.157",
              "client_name": "Milkyway", "files": {}}
    for (name, version, compression, combat) in [("v1", 1, 0, False), ("v2", 2, 2, False), ("v3", 3, 1, False),
                                                  ("v3-combat", 3, 1, True)]:
        data, frames = build_file(version, compression, combat=combat)
        with open(os.path.join(out, name + ".butter"), "wb") as fh:
            fh.write(data)
        expect["files"][name] = {"version": version, "combat": combat, "frames": frames}
    with open(os.path.join(out, "expect.json"), "w") as fh:
        json.dump(expect, fh)


if __name__ == "__main__":
    main()
