"""What the row-major norm ops (layer_norm_rm, rms_norm_rm) share on the host: a row-major tensor seen as
tile-rows of 32 sticks, their split over cores, width blocks, and the shared writer kernel's Kernel.

Each fact once: both descriptors import these, and both ops' writers are one kernel,
operations/kernel_lib/row_major_writer.h (each op's kernels/<op>_writer.cpp only includes it).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from program import (ELEMENT_SIZE, TILE_WIDTH, AccessorArgs, BufferAddress, CoreRange, CircularBuffer, Kernel, PageSize,
                     div_up)

TILE = TILE_WIDTH  # tiles are square (program.TILE_HEIGHT too): a tile-row holds TILE sticks
# fp32 DST in half-sync mode holds 4 tiles; a width block (tilize / untilize batch) is at most that.
MAX_BLOCK_TILES = 4


@dataclass(frozen=True)
class CoreWork:
    core: tuple[int, int]
    first_tile_row: int
    num_tile_rows: int


@dataclass(frozen=True)
class TileRows:
    """What the kernels need to know of the shape: true sizes and tile counts."""
    H: int
    W: int
    dtype: str

    @property
    def Wt(self) -> int:
        return div_up(self.W, TILE)

    @property
    def Ht(self) -> int:
        return div_up(self.H, TILE)

    @property
    def B(self) -> int:
        return block_tiles(self.Wt)


def float_bits(value: float) -> int:
    """The fp32 bit pattern kernels receive scalars as."""
    return struct.unpack("<I", struct.pack("<f", value))[0]


def block_tiles(Wt: int) -> int:
    """Largest divisor of Wt that fits one DST acquire (the pack_untilize block width too)."""
    return max(b for b in range(1, MAX_BLOCK_TILES + 1) if Wt % b == 0)


def check_shape(shape: list[int]) -> tuple[int, int]:
    """(H, W): H is the product of every dim but the last; any H >= 1 and W >= 1."""
    if len(shape) < 2 or any(int(d) < 1 for d in shape):
        raise ValueError(f"shape={list(shape)}: expected rank >= 2 and every dimension >= 1")
    H = 1
    for d in shape[:-1]:
        H *= d
    return H, shape[-1]


def split_tile_rows(num_tile_rows: int, grid: tuple[int, int]) -> list[CoreWork]:
    """As even as possible over the first cores of the grid, row-major; no core gets zero rows."""
    gx, gy = grid
    num_cores = min(num_tile_rows, gx * gy)
    base, extra = divmod(num_tile_rows, num_cores)
    work, first = [], 0
    for i in range(num_cores):
        count = base + (1 if i < extra else 0)
        work.append(CoreWork((i % gx, i // gx), first, count))
        first += count
    return work


def core_ranges(cores: list[tuple[int, int]], grid_x: int) -> list[CoreRange]:
    """The row-major prefix of a grid as full-row rectangles plus one partial row."""
    full_rows, rest = divmod(len(cores), grid_x)
    ranges = [CoreRange((0, 0), (grid_x - 1, full_rows - 1))] if full_rows else []
    if rest:
        ranges.append(CoreRange((0, full_rows), (rest - 1, full_rows)))
    return ranges


def l1_bytes_per_core(cbs: list[CircularBuffer]) -> int:
    return sum(cb.total_size for cb in cbs)


def writer_kernel(source: str, layout: TileRows, cb_out_rm: int, work: list[CoreWork],
                  ranges: list[CoreRange]) -> Kernel:
    """The shared writer (`source`: the op's one-line kernel file including it): untilized width blocks of
    cb_out_rm back into the output's sticks. Block width and page size are runtime args: one build per dtype."""
    ct: list = [cb_out_rm, ELEMENT_SIZE[layout.dtype], AccessorArgs("output", runtime_page_size=True)]
    shape = [layout.W, layout.H, layout.Wt, layout.B]  # the same on every core, computed once
    rt = {w.core: [BufferAddress("output"), w.first_tile_row, w.num_tile_rows, *shape, PageSize("output")] for w in work}
    return Kernel("writer", "writer", source, list(ranges), ct, rt)
