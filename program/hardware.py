"""Hardware facts every layer shares: tile and face shapes, element and tile sizes, the number of
circular buffers, alignment arithmetic.

Defined once here so the ops, the backends, the builder and the tests never restate them. The tile
and face shapes are tt-metal's (ttnn 0.81.1 wheel, tt_metal/api/tt-metalium/constants.hpp:
TILE_HEIGHT, TILE_WIDTH, TILE_HW, FACE_HEIGHT, FACE_WIDTH, FACE_HW); the CB count is Wormhole's
(tt_metal/api/tt-metalium/circular_buffer_constants.h: NUM_CIRCULAR_BUFFERS, 32 under ARCH_WORMHOLE).
"""
from __future__ import annotations

TILE_HEIGHT = 32
TILE_WIDTH = 32
TILE_HW = TILE_HEIGHT * TILE_WIDTH
FACE_HEIGHT = 16
FACE_WIDTH = 16
FACE_HW = FACE_HEIGHT * FACE_WIDTH
NUM_CIRCULAR_BUFFERS = 32

DATA_FORMATS = ("bfloat16", "float32")
ELEMENT_SIZE = {"bfloat16": 2, "float32": 4}
TILE_BYTES = {fmt: TILE_HW * size for fmt, size in ELEMENT_SIZE.items()}


def div_up(value: int, divisor: int) -> int:
    """The smallest integer >= value / divisor (value >= 0, divisor > 0)."""
    return -(-value // divisor)


def round_up(value: int, multiple: int) -> int:
    """The smallest multiple of `multiple` that is >= value: page and buffer alignment."""
    return div_up(value, multiple) * multiple
