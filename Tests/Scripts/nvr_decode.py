#!/usr/bin/env python3
"""Independent `.nvr` decoder, written from docs/nvr-format.md (no Swift code shared).

    nvr_decode.py cat FILE      one /session JSON per line, as `nevr cat FILE` prints them
    nvr_decode.py bones FILE    one /player_bones JSON per line ("-" for frames without)
    nvr_decode.py info FILE     a JSON summary (frames, blocks, indexed, events by kind)

Needs Python 3 and the `zstandard` package (scripts/bootstrap.sh installs it).
It reads records from the start of the file (templates arrive before the blocks that use
them), so it also checks that a file is readable without its index.
"""
import json
import math
import struct
import sys
import zlib

import zstandard

MAGIC = b"\x89NVR\r\n\x1a\n"
MARKER = 0x01
KIND_GRID, KIND_INT, KIND_F32, KIND_GRID_DIV, KIND_STR, KIND_LIT, KIND_RAWNUM, KIND_CLOCK = range(8)
CLOCK_LIMIT = 1 << 31
STREAMS = {0: "frames", 1: "misc", 2: "disc", 3: "teams", 4: "strings", 5: "raw", 6: "bones", 7: "events"}
GROUP_STREAM = {0: 1, 1: 2, 2: 3, 3: 6}  # column group -> stream id
F_SESSION_RAW, F_BONES, F_BONES_RAW, F_EVENTS = 1, 2, 4, 8


class Corrupt(Exception):
    pass


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def at_end(self):
        return self.pos >= self.end

    def u8(self):
        if self.pos >= self.end:
            raise Corrupt("truncated u8")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        result, shift = 0, 0
        while True:
            b = self.u8()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7
            if shift > 63:
                raise Corrupt("varint too long")

    def signed(self):
        z = self.varint()
        return (z >> 1) ^ -(z & 1)

    def take(self, n):
        if n > self.end - self.pos:
            raise Corrupt("truncated bytes")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def blob(self):
        return self.take(self.varint())


# ---- the game's float spelling (game-api.md): %.8g of the float32, ".0" added, bare exponent


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def spell_float(f):
    if math.isnan(f) or math.isinf(f):
        return b"null"
    s = "%.8g" % f
    if "e" in s:
        mant, exp = s.split("e")
        sign = "-" if exp.startswith("-") else ""
        digits = exp.lstrip("+-").lstrip("0") or "0"
        s = mant + "e" + sign + digits
    elif "." not in s:
        s += ".0"
    return s.encode()


F32_MILLI = f32(0.001)


def grid_float(k):
    # float32(k) * float32(0.001) in float32: the exact double product rounded once to float32.
    return f32(f32(float(k)) * F32_MILLI)


def grid_divide_float(k):
    return f32(k / 1000)


def float_from_ordered(o):
    bits = o if o >= 0 else ((-(o + 1)) | 0x80000000)
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def spell(kind, x, strings):
    if kind == KIND_GRID:
        return spell_float(grid_float(x))
    if kind == KIND_GRID_DIV:
        return spell_float(grid_divide_float(x))
    if kind == KIND_F32:
        return spell_float(float_from_ordered(x))
    if kind == KIND_INT:
        return str(x).encode()
    if kind == KIND_STR:
        return b'"' + strings[x] + b'"'
    if kind == KIND_RAWNUM:
        return strings[x]
    if kind == KIND_LIT:
        return (b"false", b"true", b"null")[x]
    if kind == KIND_CLOCK:
        if not 0 <= x <= CLOCK_LIMIT:
            raise Corrupt("clock value %d" % x)
        return b'"%02d:%02d.%02d"' % (x // 6000, x // 100 % 60, x % 100)
    raise Corrupt("kind %d" % kind)


def kind_count(version):
    return 8 if version >= 3 else 7


# ---- templates


class Template:
    """Template bytes -> literal runs, tree, column groups and roles (docs/nvr-format.md)."""

    def __init__(self, data, bones):
        self.data = data
        self.bones = bones
        self.marks = [i for i, b in enumerate(data) if b == MARKER]
        self.n = len(self.marks)
        self.pos = 0
        self.slot = 0
        self.top = []  # (key, slot range)
        root = self.value(0)
        self.siblings = self.find_siblings(root)
        self.ws()
        if self.pos != len(data) or self.slot != self.n:
            raise Corrupt("template malformed")
        self.groups = [3 if bones else 0] * self.n
        if not bones and root[0] == "obj":
            for key, lo, hi in self.top:
                g = 1 if key == b"disc" else 2 if key == b"teams" else 0
                for s in range(lo, hi):
                    self.groups[s] = g
        self.roles = [None] * self.n
        self.assign(root)
        base = list(self.roles)
        for s, r in enumerate(base):
            if r is None:
                continue
            sources = [r[1]] if r[0] == "copy" else r[1] + r[2]
            if any(base[x] is not None for x in sources):
                self.roles[s] = None
        # Turn predictor (docs/nvr-format.md "Turn predictor"): up/forward components of
        # objects whose left, up and forward are all three-value arrays; not for role slots.
        self.turns = [None] * self.n
        self.assign_turns(root)
        for s in range(self.n):
            if self.roles[s] is not None:
                self.turns[s] = None
        # Velocity predictor (version 2, docs/nvr-format.md "Velocity predictor").
        self.velocities = [None] * self.n
        self.assign_velocities(root)
        proposed = list(self.velocities)
        for s, v in enumerate(proposed):
            if v is None:
                continue
            if (self.roles[s] is not None or self.turns[s] is not None or self.roles[v] is not None
                    or self.turns[v] is not None or proposed[v] is not None or v == s):
                self.velocities[s] = None

    def ws(self):
        while self.pos < len(self.data) and self.data[self.pos] in b" \t\r\n":
            self.pos += 1

    def key(self):
        d = self.data
        if d[self.pos] != 0x22:
            raise Corrupt("key expected")
        start = self.pos + 1
        self.pos += 1
        while True:
            c = d[self.pos]
            if c == 0x22:
                self.pos += 1
                return bytes(d[start:self.pos - 1])
            self.pos += 2 if c == 0x5C else 1

    def value(self, depth):
        self.ws()
        c = self.data[self.pos]
        if c == MARKER:
            self.pos += 1
            self.slot += 1
            return ("slot", self.slot - 1)
        if c not in b"{[" or depth >= 64:
            raise Corrupt("template value expected")
        obj = c == ord("{")
        close = ord("}") if obj else ord("]")
        self.pos += 1
        self.ws()
        items = []
        if self.data[self.pos] == close:
            self.pos += 1
            return ("obj" if obj else "arr", items)
        while True:
            if obj:
                self.ws()
                first = self.slot
                k = self.key()
                self.ws()
                if self.data[self.pos] != ord(":"):
                    raise Corrupt("colon expected")
                self.pos += 1
                v = self.value(depth + 1)
                if depth == 0:
                    self.top.append((k, first, self.slot))
                items.append((k, v))
            else:
                items.append(self.value(depth + 1))
            self.ws()
            c = self.data[self.pos]
            self.pos += 1
            if c == ord(","):
                continue
            if c == close:
                return ("obj" if obj else "arr", items)
            raise Corrupt("comma or close expected")

    def find_siblings(self, root):
        """Version 3 "Siblings": the nearest earlier slot with the same path (member keys, plus
        the position inside an array whose elements are all slots)."""
        out = [None] * self.n
        last = {}

        def walk(node, path):
            if node[0] == "slot":
                out[node[1]] = last.get(path)
                last[path] = node[1]
            elif node[0] == "obj":
                for k, v in node[1]:
                    walk(v, path + (("key", k),))
            else:
                vector = all(e[0] == "slot" for e in node[1])
                for i, e in enumerate(node[1]):
                    walk(e, path + ((("index", i),) if vector else ()))

        walk(root, ())
        return out

    @staticmethod
    def member(items, name):
        for k, v in items:
            if k == name:
                return v
        return None

    @staticmethod
    def triple(node):
        if node is None or node[0] != "arr" or len(node[1]) != 3:
            return None
        if any(e[0] != "slot" for e in node[1]):
            return None
        return [e[1] for e in node[1]]

    def assign(self, node):
        kind = node[0]
        if kind == "arr":
            for e in node[1]:
                self.assign(e)
        elif kind == "obj":
            items = node[1]
            for left, up, fwd in ((b"left", b"up", b"forward"), (b"vr_left", b"vr_up", b"vr_forward")):
                lt = self.triple(self.member(items, left))
                ut = self.triple(self.member(items, up))
                ft = self.triple(self.member(items, fwd))
                if lt and ut and ft:
                    for i in range(3):
                        self.roles[lt[i]] = ("cross", ut, ft, i)
            head, body = self.member(items, b"head"), self.member(items, b"body")
            if head and body and head[0] == "obj" and body[0] == "obj":
                ht = self.triple(self.member(head[1], b"position"))
                bt = self.triple(self.member(body[1], b"position"))
                if ht and bt:
                    for i in range(3):
                        self.roles[bt[i]] = ("copy", ht[i])
            for _, v in items:
                self.assign(v)

    def assign_turns(self, node):
        kind = node[0]
        if kind == "arr":
            for e in node[1]:
                self.assign_turns(e)
        elif kind == "obj":
            items = node[1]
            for left, up, fwd in ((b"left", b"up", b"forward"), (b"vr_left", b"vr_up", b"vr_forward")):
                lt = self.triple(self.member(items, left))
                ut = self.triple(self.member(items, up))
                ft = self.triple(self.member(items, fwd))
                if lt and ut and ft:
                    for i in range(3):
                        self.turns[ut[i]] = (ut, ft, 0, i)
                        self.turns[ft[i]] = (ut, ft, 1, i)
            for _, v in items:
                self.assign_turns(v)

    def assign_velocities(self, node):
        kind = node[0]
        if kind == "arr":
            for e in node[1]:
                self.assign_velocities(e)
        elif kind == "obj":
            items = node[1]
            vt = self.triple(self.member(items, b"velocity"))
            if vt:
                target = self.triple(self.member(items, b"position"))
                head = self.member(items, b"head")
                if target is None and head and head[0] == "obj":
                    target = self.triple(self.member(head[1], b"position"))
                if target:
                    for i in range(3):
                        self.velocities[target[i]] = vt[i]
            for _, v in items:
                self.assign_velocities(v)

    def text(self, kinds, values, strings):
        out = bytearray()
        prev = 0
        for s, at in enumerate(self.marks):
            out += self.data[prev:at]
            out += spell(kinds[s], values[s], strings)
            prev = at + 1
        out += self.data[prev:]
        return bytes(out)


# ---- columns


def wrap64(x):
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


def cross(kinds, values, up, fwd, comp):
    for s in up + fwd:
        if kinds[s] not in (KIND_GRID, KIND_GRID_DIV):
            return 0
    u = [values[s] / 1000.0 for s in up]
    f = [values[s] / 1000.0 for s in fwd]
    if comp == 0:
        c = u[1] * f[2] - u[2] * f[1]
    elif comp == 1:
        c = u[2] * f[0] - u[0] * f[2]
    else:
        c = u[0] * f[1] - u[1] * f[0]
    x = math.floor(c * 1000.0 + 0.5)
    if not math.isfinite(x) or abs(x) >= 9.0e15:
        return 0
    return int(x)


def turn_prediction(turn, kinds, values, row):
    """Constant-rotation extrapolation from rows row-1 and row-2 (kinds/values per row)."""
    up, fwd, vector, comp = turn
    s = (up if vector == 0 else fwd)[comp]
    if row == 0:
        return 0
    a = values[row - 1][s]
    if row == 1:
        return a
    linear = wrap64(2 * a - values[row - 2][s])
    if not on_grid(up + fwd, kinds, row):
        return linear
    p = turn_product(up, fwd, vector, comp, values, row)
    q = math.floor(p * 1000.0 + 0.5) if math.isfinite(p) else float("inf")
    if not math.isfinite(q) or abs(q) >= 9.0e15:
        return linear
    return int(q)


def on_grid(slots, kinds, row):
    """True when every slot has kind grid or grid-divide in rows row-1 and row-2."""
    return all(kinds[r][x] in (KIND_GRID, KIND_GRID_DIV) for r in (row - 1, row - 2) for x in slots)


def turn_product(up, fwd, vector, comp, values, row):
    """The rotation from row-2 to row-1 applied to row-1 (row >= 2), unrounded."""
    u1 = [values[row - 1][x] / 1000.0 for x in up]
    f1 = [values[row - 1][x] / 1000.0 for x in fwd]
    u2 = [values[row - 2][x] / 1000.0 for x in up]
    f2 = [values[row - 2][x] / 1000.0 for x in fwd]

    def crossp(u, f):
        return [u[1] * f[2] - u[2] * f[1], u[2] * f[0] - u[0] * f[2], u[0] * f[1] - u[1] * f[0]]

    l1, l2 = crossp(u1, f1), crossp(u2, f2)
    # Row comp of A = M1 M2^T, M = [left up forward] as columns; then A times the vector.
    arow = [(l1[comp] * l2[k] + u1[comp] * u2[k]) + f1[comp] * f2[k] for k in range(3)]
    x1 = u1 if vector == 0 else f1
    return (arow[0] * x1[0] + arow[1] * x1[1]) + arow[2] * x1[2]


def turn_units(turn, vector, comp, kinds, values, row):
    """The turn prediction before rounding, as a unit-vector component (docs: Orientation predictor)."""
    up, fwd = turn[0], turn[1]
    s = (up if vector == 0 else fwd)[comp]
    if row == 0:
        return 0.0
    a = values[row - 1][s]
    if row == 1:
        return a / 1000.0
    if not on_grid(up + fwd, kinds, row):
        return wrap64(2 * a - values[row - 2][s]) / 1000.0
    return turn_product(up, fwd, vector, comp, values, row)


def grid_round(x):
    q = x * 1000.0 + 0.5
    if not math.isfinite(q):
        return 0
    q = math.floor(q)
    return 0 if abs(q) >= 9.0e15 else int(q)


def orient_row(turn, kinds, values, row, res):
    """Decodes one orientation object's six up/forward values of `row` from residuals `res`
    (in the order of the columns u0, u1, u2, f0, f1, f2)."""
    up, fwd = turn[0], turn[1]
    v = values[row]
    pu = [turn_units(turn, 0, i, kinds, values, row) for i in range(3)]
    pf = [turn_units(turn, 1, i, kinds, values, row) for i in range(3)]
    c = 0
    for i in (1, 2):
        if abs(pu[i]) > abs(pu[c]):
            c = i
    a, b = [i for i in range(3) if i != c]
    v[up[a]] = wrap64(grid_round(pu[a]) + res[0])
    v[up[b]] = wrap64(grid_round(pu[b]) + res[1])
    ua, ub = v[up[a]] / 1000.0, v[up[b]] / 1000.0
    rest = (1.0 - ua * ua) - ub * ub
    mag = math.sqrt(rest if rest > 0 else 0.0)
    v[up[c]] = wrap64(grid_round(-mag if pu[c] < 0 else mag) + res[2])
    u = [v[x] / 1000.0 for x in up]
    nu = (u[0] * u[0] + u[1] * u[1]) + u[2] * u[2]
    q = list(pf)
    plane = nu > 0.25
    if plane:
        m = ((pf[0] * u[0] + pf[1] * u[1]) + pf[2] * u[2]) / nu
        q = [pf[i] - m * u[i] for i in range(3)]
        nq = math.sqrt((q[0] * q[0] + q[1] * q[1]) + q[2] * q[2])
        if nq > 1e-3:
            q = [x / nq for x in q]
        else:
            plane = False
    if not plane:
        for i in range(3):
            v[fwd[i]] = wrap64(grid_round(pf[i]) + res[3 + i])
        return
    lv = [u[1] * q[2] - u[2] * q[1], u[2] * q[0] - u[0] * q[2], u[0] * q[1] - u[1] * q[0]]
    j = 0
    for i in (1, 2):
        if abs(lv[i]) > abs(lv[j]):
            j = i
    k, l = [i for i in range(3) if i != j]
    v[fwd[j]] = wrap64(grid_round(q[j]) + res[3])
    fj = v[fwd[j]] / 1000.0
    ak, bl = u[k], u[l]
    dd = -(u[j] * fj)
    e = 1.0 - fj * fj
    n2 = ak * ak + bl * bl
    sk, sl = q[k], q[l]
    if n2 > 1e-6:
        m = dd / n2
        p0k, p0l = m * ak, m * bl
        h = (e - dd * m) / n2
        half = math.sqrt(h if h > 0 else 0.0)
        c1k, c1l = p0k - half * bl, p0l + half * ak
        c2k, c2l = p0k + half * bl, p0l - half * ak
        d1k, d1l, d2k, d2l = c1k - q[k], c1l - q[l], c2k - q[k], c2l - q[l]
        if d1k * d1k + d1l * d1l <= d2k * d2k + d2l * d2l:
            sk, sl = c1k, c1l
        else:
            sk, sl = c2k, c2l
    v[fwd[k]] = wrap64(grid_round(sk) + res[4])
    v[fwd[l]] = wrap64(grid_round(sl) + res[5])


def finish(template, kinds, values, rows, plain, derived, turned, moved, oriented):
    """Turn and orientation columns row by row, then velocities, then roles."""
    objects = []
    for s in sorted(oriented):
        turn = template.turns[s]
        if turn is None or turn[2] != 0 or turn[3] != 0:
            continue
        cols = []
        for x in turn[0] + turn[1]:
            tx = template.turns[x]
            if x not in oriented or tx is None or tx[0] != turn[0] or tx[1] != turn[1]:
                raise Corrupt("orientation predictor on part of an object")
            cols.append(oriented[x])
        objects.append((turn, cols))
    if len(objects) * 6 != len(oriented):
        raise Corrupt("orientation predictor on part of an object")
    for s, scale, res in moved:
        if template.velocities[s] not in plain:
            raise Corrupt("velocity source is not a plain column of this stream")
    for row in range(rows):
        for s, res in turned:
            values[row][s] = wrap64(turn_prediction(template.turns[s], kinds, values, row) + res[row])
        for turn, cols in objects:
            orient_row(turn, kinds, values, row, [c[row] for c in cols])
    for s, scale, res in moved:
        src = template.velocities[s]
        for row in range(rows):
            if row == 0:
                p = 0
            else:
                step = wrap64(wrap64(values[row][src] * scale) + 32768) >> 16
                p = wrap64(values[row - 1][s] + step)
            values[row][s] = wrap64(p + res[row])
    for s, res in derived:
        role = template.roles[s]
        for row in range(rows):
            values[row][s] = wrap64(role_prediction(role, kinds[row], values[row]) + res[row])


def collect(template, s, pred, scale, res, later):
    plain, derived, turned, moved, oriented = later
    if pred == 2:
        if template.roles[s] is None:
            raise Corrupt("role predictor without a role")
        derived.append((s, res))
    elif pred == 3:
        if template.turns[s] is None:
            raise Corrupt("turn predictor on a slot that is not an orientation")
        turned.append((s, res))
    elif pred == 4:
        if template.velocities[s] is None:
            raise Corrupt("velocity predictor on a slot without a velocity")
        if abs(scale) > 1 << 24:
            raise Corrupt("velocity scale out of range")
        moved.append((s, scale, res))
    elif pred == 5:
        if template.turns[s] is None:
            raise Corrupt("orientation predictor on a slot that is not an orientation")
        oriented[s] = res
    else:
        raise Corrupt("predictor %d" % pred)


def role_prediction(role, kinds, values):
    if role[0] == "copy":
        return values[role[1]]
    return cross(kinds, values, role[1], role[2], role[3])


class RangeDecoder:
    """LZMA's binary range decoder (11-bit probabilities, shift 5); past the end reads zeros."""

    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.range = 0xFFFFFFFF
        self.code = 0
        self.next()
        for _ in range(4):
            self.code = ((self.code << 8) | self.next()) & 0xFFFFFFFF

    def next(self):
        if self.pos < len(self.data):
            b = self.data[self.pos]
            self.pos += 1
            return b
        self.pos += 1
        return 0

    def normalize(self):
        while self.range < (1 << 24):
            self.range = (self.range << 8) & 0xFFFFFFFF
            self.code = ((self.code << 8) | self.next()) & 0xFFFFFFFF

    def bit(self, probs, i):
        p = probs[i]
        bound = (self.range >> 11) * p
        if self.code < bound:
            self.range = bound
            probs[i] = p + ((2048 - p) >> 5)
            b = 0
        else:
            self.range -= bound
            self.code -= bound
            probs[i] = p - (p >> 5)
            b = 1
        self.normalize()
        return b

    def direct(self):
        self.range >>= 1
        if self.code >= self.range:
            self.code -= self.range
            b = 1
        else:
            b = 0
        self.normalize()
        return b

    def tree(self, probs, base, bits):
        node = 1
        for _ in range(bits):
            node = node * 2 + self.bit(probs, base + node)
        return node - (1 << bits)


class Models:
    PER_CLASS = 129

    def __init__(self):
        # class 16: velocity scales (version 2); 17 + kind: row 0 of a column (version 3)
        self.residual = [1024] * (25 * self.PER_CLASS)
        self.same = [1024] * 8
        self.kind = [1024] * 64
        self.mixed = [1024] * 2
        self.row_kind = [1024] * 8
        self.predictor = [1024] * 64
        self.previous_scale = 0
        self.klass = [1024] * 128
        self.previous_kind = 0

    def value(self, d, c):
        base = c * self.PER_CLASS
        r = self.residual
        if not d.bit(r, base):
            return 0
        n = 1
        while n < 64 and d.bit(r, base + n):
            n += 1
        u = 1
        if n >= 2:
            u = (u << 1) | d.bit(r, base + 64 + n)
            for _ in range(n - 2):
                u = (u << 1) | d.direct()
        return u


def unzigzag(z):
    return (z >> 1) ^ -(z & 1)


def decode_columns_arithmetic(data, slots, template, rows, version):
    n = template.n
    kinds = [[0] * n for _ in range(rows)]
    values = [[0] * n for _ in range(rows)]
    d = RangeDecoder(data)
    m = Models()
    later = (set(), [], [], [], {})
    pbits = 3 if version >= 2 else 2
    v3 = version >= 3
    headers = {}  # slot -> (predictor, class) of the columns coded so far
    for s in slots:
        if d.bit(m.mixed, 0):
            first = None
            for row in range(rows):
                k = d.tree(m.row_kind, 0, 3)
                if k >= kind_count(version):
                    raise Corrupt("kind %d" % k)
                kinds[row][s] = k
                if row == 0:
                    first = k
        else:
            first = d.tree(m.kind, m.previous_kind * 8, 3)
            if first >= kind_count(version):
                raise Corrupt("kind %d" % first)
            for row in range(rows):
                kinds[row][s] = first
        m.previous_kind = first
        sib = template.siblings[s] if v3 else None
        if sib in headers and not d.bit(m.same, first):
            pred, c = headers[sib]
        else:
            pred = d.tree(m.predictor, first << pbits, pbits)
            c = d.tree(m.klass, first * 16, 4)
        if pred > (5 if version >= 2 else 3):
            raise Corrupt("predictor %d" % pred)
        headers[s] = (pred, c)
        scale = 0
        if pred == 4:
            scale = m.previous_scale + unzigzag(m.value(d, 16))
            m.previous_scale = scale
        if v3:
            # Row 0 with the keyframe class of its kind; class 0: the later residuals are 0.
            res = [unzigzag(m.value(d, 17 + first))]
            res += [unzigzag(m.value(d, c)) if c else 0 for _ in range(rows - 1)]
        else:
            res = [unzigzag(m.value(d, c)) for _ in range(rows)]
        if pred >= 2:
            collect(template, s, pred, scale, res, later)
            continue
        later[0].add(s)
        a = b = 0
        for row in range(rows):
            if pred == 0:
                p = a
            elif pred == 1:
                p = 0 if row == 0 else (a if row == 1 else wrap64(2 * a - b))
            else:
                raise Corrupt("predictor %d" % pred)
            x = wrap64(p + res[row])
            values[row][s] = x
            b, a = a, x
    finish(template, kinds, values, rows, *later)
    return kinds, values


def decode_columns(r, slots, template, rows, version):
    """Returns kinds[row][slot] and values[row][slot] for the given slots."""
    n = template.n
    kinds = [[0] * n for _ in range(rows)]
    values = [[0] * n for _ in range(rows)]
    later = (set(), [], [], [], {})
    for s in slots:
        kb = r.u8()
        if kb == 0xFF:
            for row in range(rows):
                kinds[row][s] = r.u8()
                if kinds[row][s] >= kind_count(version):
                    raise Corrupt("kind %d" % kinds[row][s])
        else:
            if kb >= kind_count(version):
                raise Corrupt("kind %d" % kb)
            for row in range(rows):
                kinds[row][s] = kb
        pred = r.u8()
        if pred > (5 if version >= 2 else 3):
            raise Corrupt("predictor %d" % pred)
        scale = r.signed() if pred == 4 else 0
        res = [r.signed() for _ in range(rows)]
        if pred >= 2:
            collect(template, s, pred, scale, res, later)
            continue
        later[0].add(s)
        a = b = 0
        for row in range(rows):
            if pred == 0:
                p = a
            elif pred == 1:
                p = 0 if row == 0 else (a if row == 1 else wrap64(2 * a - b))
            else:
                raise Corrupt("predictor %d" % pred)
            x = wrap64(p + res[row])
            values[row][s] = x
            b, a = a, x
    finish(template, kinds, values, rows, *later)
    return kinds, values


# ---- file


class File:
    def __init__(self, path):
        self.data = open(path, "rb").read()
        if self.data[:8] != MAGIC:
            raise Corrupt("not an .nvr file")
        version = self.data[8] | self.data[9] << 8
        if version not in (1, 2, 3):
            raise Corrupt("version %d" % version)
        self.version = version
        self.templates = {}
        self.frames = []  # (timestamp, session bytes, bones bytes or None, event count)
        self.blocks = 0
        self.indexed = False
        self.events = {}
        self.zstd = zstandard.ZstdDecompressor()
        pos = 12
        while pos + 9 <= len(self.data):
            rtype = self.data[pos]
            length, crc = struct.unpack_from("<II", self.data, pos + 1)
            payload = self.data[pos + 9:pos + 9 + length]
            if len(payload) < length:
                break  # cut
            if zlib.crc32(payload) & 0xFFFFFFFF != crc:
                raise Corrupt("CRC mismatch at %d" % pos)
            if rtype == ord("T"):
                self.template(payload)
            elif rtype == ord("B"):
                self.block(payload)
                self.blocks += 1
            elif rtype == ord("I"):
                self.indexed = True
                break
            pos += 9 + length

    def unpack(self, method, raw_length, data):
        if method == 0:
            return data
        out = self.zstd.decompress(data, max_output_size=max(raw_length, 1))
        if len(out) != raw_length:
            raise Corrupt("stream length")
        return out

    def template(self, payload):
        r = Reader(payload)
        tid = r.varint()
        kind = r.u8()
        method = r.u8()
        length = r.varint()
        data = self.unpack(method, length, payload[r.pos:])
        self.templates[tid] = Template(data, kind == 1)

    def block(self, payload):
        r = Reader(payload)
        r.varint()  # block number
        r.varint()  # first frame
        n = r.varint()
        t0 = r.signed()
        st = r.varint() - 1
        bt = r.varint() - 1
        streams = {}
        methods = {}
        heads = []
        for _ in range(r.varint()):
            sid, method = r.u8(), r.u8()
            raw, stored = r.varint(), r.varint()
            heads.append((sid, method, raw, stored))
        at = r.pos
        for sid, method, raw, stored in heads:
            methods[sid] = method
            data = payload[at:at + stored]
            streams[sid] = data if method == 2 else self.unpack(method, raw, data)
            at += stored
        fr = Reader(streams[0])
        flags = [fr.u8() for _ in range(n)]
        ts = [t0]
        for i in range(1, n):
            p = ts[0] if i == 1 else 2 * ts[i - 1] - ts[i - 2]
            ts.append(p + fr.signed())
        strings = []
        if 4 in streams:
            sr = Reader(streams[4])
            strings = [bytes(sr.blob()) for _ in range(sr.varint())]
        raw_session, raw_bones = {}, {}
        if 5 in streams:
            rr = Reader(streams[5])
            for i in range(n):
                if flags[i] & F_SESSION_RAW:
                    raw_session[i] = bytes(rr.blob())
                if flags[i] & F_BONES_RAW:
                    raw_bones[i] = bytes(rr.blob())
        srows = [i for i in range(n) if not flags[i] & F_SESSION_RAW]
        brows = [i for i in range(n) if flags[i] & F_BONES and not flags[i] & F_BONES_RAW]
        session_text, bones_text = {}, {}
        if srows:
            t = self.templates[st]
            kinds = [[0] * t.n for _ in srows]
            values = [[0] * t.n for _ in srows]
            for group in (0, 1, 2):
                slots = [s for s in range(t.n) if t.groups[s] == group]
                if not slots:
                    continue
                sid = GROUP_STREAM[group]
                if methods[sid] == 2:
                    k, v = decode_columns_arithmetic(streams[sid], slots, t, len(srows), self.version)
                else:
                    k, v = decode_columns(Reader(streams[sid]), slots, t, len(srows), self.version)
                for row in range(len(srows)):
                    for s in slots:
                        kinds[row][s] = k[row][s]
                        values[row][s] = v[row][s]
            for row, i in enumerate(srows):
                session_text[i] = t.text(kinds[row], values[row], strings)
        if brows:
            t = self.templates[bt]
            if t.n == 0:
                k = v = [[] for _ in brows]
            elif methods[6] == 2:
                k, v = decode_columns_arithmetic(streams[6], list(range(t.n)), t, len(brows), self.version)
            else:
                k, v = decode_columns(Reader(streams[6]), list(range(t.n)), t, len(brows), self.version)
            for row, i in enumerate(brows):
                bones_text[i] = t.text(k[row], v[row], strings)
        events = {}
        if 7 in streams:
            er = Reader(streams[7])
            for i in range(n):
                if flags[i] & F_EVENTS:
                    count = er.varint()
                    kinds = []
                    for _ in range(count):
                        ev = er.blob()
                        kinds.append(Reader(ev).varint() >> 3)  # the oneof field number
                    events[i] = kinds
        for i in range(n):
            session = raw_session.get(i, session_text.get(i))
            bones = None
            if flags[i] & F_BONES:
                bones = raw_bones.get(i, bones_text.get(i))
            for k in events.get(i, []):
                self.events[k] = self.events.get(k, 0) + 1
            self.frames.append((ts[i], session, bones))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("cat", "bones", "info"):
        print(__doc__, file=sys.stderr)
        return 2
    f = File(sys.argv[2])
    out = sys.stdout.buffer
    if sys.argv[1] == "cat":
        for _, session, _ in f.frames:
            out.write(session + b"\n")
    elif sys.argv[1] == "bones":
        for _, _, bones in f.frames:
            out.write((bones if bones is not None else b"-") + b"\n")
    else:
        info = {"frames": len(f.frames), "blocks": f.blocks, "indexed": f.indexed,
                "templates": len(f.templates), "events": {str(k): v for k, v in sorted(f.events.items())},
                "first_timestamp_ns": f.frames[0][0] if f.frames else None,
                "last_timestamp_ns": f.frames[-1][0] if f.frames else None}
        out.write(json.dumps(info, sort_keys=True).encode() + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
