#!/usr/bin/env python3
"""Independent PNG reader for the plot tests (standard library only: zlib, struct).

usage: png_check.py FILE AXIS_X AXIS_Y
Prints JSON: width, height, the fraction of pixels that are not white, and the fraction
of dark pixels along the x axis (row AXIS_Y) and the y axis (column AXIS_X), each over
the plot's extent.
"""
import json, struct, sys, zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("not a PNG")
    pos, idat, width, height, depth, ctype = 8, b"", 0, 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if depth != 8 or ctype not in (2, 6):
        raise SystemExit(f"unsupported PNG: depth {depth} colour type {ctype}")
    channels = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        rows.append(line); prev = line
    return width, height, channels, rows


def main():
    path, ax, ay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    w, h, ch, rows = read_png(path)

    def rgb(x, y):
        r, g, b = rows[y][x * ch:x * ch + 3]
        alpha = rows[y][x * ch + 3] if ch == 4 else 255
        # Composite over white.
        return tuple(int(v * alpha / 255 + 255 * (1 - alpha / 255)) for v in (r, g, b))

    nonwhite = sum(1 for y in range(h) for x in range(w) if min(rgb(x, y)) < 245)
    dark = lambda p: max(p) < 110
    # Allow the axis to be one pixel off the nominal coordinate (antialiasing).
    row = sum(1 for x in range(ax, w - 40) if any(dark(rgb(x, y)) for y in (ay - 1, ay, ay + 1)))
    col = sum(1 for y in range(60, ay) if any(dark(rgb(x, y)) for x in (ax - 1, ax, ax + 1)))
    print(json.dumps({"width": w, "height": h, "nonwhite": nonwhite / (w * h),
                      "x_axis": row / max(1, w - 40 - ax), "y_axis": col / max(1, ay - 60)}))


main()
