"""tt-metal's split_work_to_cores and grid_to_cores (tt_metal/common/work_split.cpp), as the ttnn
program factories call them for interleaved work: the first `units % cores` cores (core group 1) take
one unit more than the rest (group 2); cores are numbered row-major (x fastest) when `row_wise`, else
column-major (y fastest, split_work_to_cores' default)."""
from __future__ import annotations


def grid_cores(grid: tuple[int, int], count: int, row_wise: bool = True) -> list[tuple[int, int]]:
    """The first `count` cores of a grid, as grid_to_cores(count, x, y, row_wise)."""
    if row_wise:
        return [(i % grid[0], i // grid[0]) for i in range(count)]
    return [(i // grid[1], i % grid[1]) for i in range(count)]


def split_work(grid: tuple[int, int], units: int, row_wise: bool = True) -> list[tuple[tuple[int, int], int]]:
    """(core, units) for every core of the grid in the split's order; cores without work get 0."""
    total = grid[0] * grid[1]
    used = min(total, units)
    base, extra = divmod(units, used) if used else (0, 0)
    return [(core, (base + (1 if i < extra else 0)) if i < used else 0)
            for i, core in enumerate(grid_cores(grid, total, row_wise))]


def split_blocks_for_tilize(grid: tuple[int, int], blocks: int) -> list[tuple[tuple[int, int], int]]:
    """ttnn::split_blocks_for_tilize (ttnn/operations/core/work_split/work_split_tilize.hpp), used by the
    tilize/untilize factories: every used core takes ceil(blocks / cores) blocks except a last "cliff" core
    that takes the remainder; cores are numbered row-major. Returns (core, blocks) for the used cores."""
    per_core = -(-blocks // (grid[0] * grid[1]))
    used = -(-blocks // per_core)
    cliff = blocks % per_core
    return [((i % grid[0], i // grid[0]), cliff if cliff and i == used - 1 else per_core) for i in range(used)]
