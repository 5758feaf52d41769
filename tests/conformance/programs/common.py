"""What every mirrored program shares: io tensors of TILE-layout pages and the kernel sources of the wheel."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

from program import CoreRange, Program
from tests.conformance import wheel

TILE_BYTES = {"bfloat16": 2048, "float32": 4096}


@dataclass
class Case:
    """One conformance case: a Program, its inputs (torch, logical shape), the torch reference and the
    bound its tt-metal unit test asserts."""

    name: str
    program: Program
    inputs: dict[str, torch.Tensor]
    reference: Callable[..., torch.Tensor]
    output_shape: list[int]
    pcc: float
    factory: str
    unit_test: str
    layouts: dict[str, str] = field(default_factory=dict)  # tensor -> "TILE" | "ROW_MAJOR"; default TILE
    allclose: tuple[float, float] | None = None  # (rtol, atol) when the unit test asserts allclose too
    rel_frobenius: float | None = None  # bound on ||out - ref||_F / ||ref||_F when the unit test asserts it
    exact: bool = False  # the unit test asserts equality (comp_equal / torch.equal)
    reduced_w: bool = False  # the output is TILE with W reduced to column 0 of each tile (logical W = 1)
    reduced_h: bool = False  # the output is TILE with H reduced to row 0 of each tile (logical H = 1)


def kernel_source(relative: str) -> str:
    """Absolute path of a wheel kernel (the Program stores it as is; relative paths mean our repo)."""
    return str(wheel.kernel(relative))


def grid_range(grid: tuple[int, int]) -> list[CoreRange]:
    return [CoreRange((0, 0), (grid[0] - 1, grid[1] - 1))]
