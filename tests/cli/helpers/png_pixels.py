"""Prints what a PNG screenshot shows, without an image library: WIDTH HEIGHT, the number of distinct
colours (of every 4th pixel of every 8th row) and the share of the most common one, and whether
each colour given as RRGGBB appears. Usage: png_pixels.py FILE [RRGGBB ...]"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour_type not in (2, 6) or body[12] != 0:
                raise SystemExit(f"{path}: depth {depth}, colour type {colour_type}: not 8-bit RGB(A), not interlaced")
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    prev = bytearray(stride)
    counts = {}
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 8 == 0:
            for x in range(0, stride, bpp * 4):
                key = bytes(line[x:x + 3]).hex()
                counts[key] = counts.get(key, 0) + 1
        prev = line
    return width, height, counts


width, height, counts = pixels(sys.argv[1])
total = sum(counts.values())
print(width, height, len(counts), f"{max(counts.values()) / total:.3f}")
for colour in sys.argv[2:]:
    print(colour, "yes" if colour.lower() in counts else "no")
