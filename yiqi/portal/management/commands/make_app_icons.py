"""Draw the installable web app's icons (static/icons/*.png): the site's blue with a white network of three nodes.

Pure Python (zlib), so no imaging library is needed; run again after changing the colours or sizes.
"""

import math
import struct
import zlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

BLUE = (11, 61, 145)  # the navigation bar's colour (#0b3d91)
WHITE = (255, 255, 255)
# name → (size in pixels, whether the drawing keeps inside the maskable safe zone, a circle of 80 % of the size)
ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, False),
}
# The drawing on a unit square: three nodes and the two lines joining the top one to the others.
NODES = [(0.5, 0.28), (0.27, 0.7), (0.73, 0.7)]
NODE_RADIUS, LINE_HALF_WIDTH = 0.105, 0.035


def _segment_distance(px, py, ax, ay, bx, by) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _coverage(x: float, y: float, scale: float) -> float:
    """How much of the white drawing covers the point (0…1), one pixel of antialiasing at the edges."""
    x, y = 0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale
    edge = min(math.hypot(x - nx, y - ny) - NODE_RADIUS for nx, ny in NODES)
    for nx, ny in NODES[1:]:
        edge = min(edge, _segment_distance(x, y, *NODES[0], nx, ny) - LINE_HALF_WIDTH)
    return edge


def draw(size: int, maskable: bool) -> bytes:
    scale = 0.72 if maskable else 1.0
    pixel = 1.0 / size
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            edge = _coverage((i + 0.5) * pixel, (j + 0.5) * pixel, scale)
            white = max(0.0, min(1.0, 0.5 - edge / (pixel / scale)))
            row += bytes(round(b + (w - b) * white) for b, w in zip(BLUE, WHITE, strict=True))
        rows.append(bytes(row))
    return _png(size, b"".join(rows))


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


class Command(BaseCommand):
    help = "Draw the web app's icons into static/icons/."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for name, (size, maskable) in ICONS.items():
            (folder / name).write_bytes(draw(size, maskable))
            self.stdout.write(f"{folder / name} ({size}×{size})")
