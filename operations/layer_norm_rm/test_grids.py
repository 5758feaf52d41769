"""The op's seed matrix on the worker grids it may meet, on emulated devices of those grids.

A Wormhole n150 offers 8x8 workers with row dispatch and 7x9 with column dispatch (the ttnn 0.81.1
wheel's tt_metal/core_descriptors/wormhole_b0_80_arch.yaml); 8x7 (more columns than rows) and a single
core stress the work split's edges. Only the emulator can take an arbitrary grid, so these tests open
emulated devices themselves instead of taking the `device` fixture; they run whatever backend the rest
of the suite uses. The lowering on these grids is checked in tests/ttnn_checks/test_lowering.py.
"""
from __future__ import annotations

import math
from typing import Any, Iterator

import pytest

from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from operations.layer_norm_rm.op_checks import (
    DTYPES,
    SHAPES,
    check,
    cores_used,
    make_inputs,
    reference,
    run_op,
    shape_id,
)
from program import cores_of

pytestmark = pytest.mark.grids

GRIDS = [(8, 8), (7, 9), (8, 7), (1, 1)]


@pytest.fixture(scope="module", params=GRIDS, ids=lambda g: f"grid{g[0]}x{g[1]}")
def grid_device(request: pytest.FixtureRequest) -> Iterator[Any]:
    device = devices.open_emulated_device(grid=request.param)
    yield device
    devices.close_device(device)


@pytest.mark.numeric
@pytest.mark.parametrize("has_beta", [False, True], ids=["nobeta", "beta"])
@pytest.mark.parametrize("has_gamma", [False, True], ids=["nogamma", "gamma"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_seed_matrix_on_grid(grid_device, shape, dtype, has_gamma, has_beta, precision_log, launches):
    x, gamma, beta = make_inputs(shape, dtype, has_gamma, has_beta)
    out = run_op(grid_device, x, gamma, beta)
    gx, gy = grid_device.grid
    cores = cores_used(grid_device, shape, launches)
    assert cores == min(math.prod(shape[:-1]) // 32, gx * gy)
    assert all(cx < gx and cy < gy for cx, cy in launches[-1].stats.cores)
    check(out, reference(x, gamma, beta, 1e-5), dtype,
          f"{gx}x{gy} {shape_id(shape)} {dtype} g={int(has_gamma)} b={int(has_beta)}", precision_log, cores)


@pytest.mark.numeric
def test_every_core_of_the_grid_with_uneven_rows(grid_device, precision_log, launches):
    """One tile-row more than the grid has cores: the first core takes two, every other core one."""
    gx, gy = grid_device.grid
    rows = (gx * gy + 1) * 32
    program = build_program([1, 1, rows, 64], "float32", True, True, grid=(gx, gy))
    compute = next(k for k in program.kernels if k.kind == "compute")
    assert sorted(args[0] for args in compute.runtime_args.values()) == [1] * (gx * gy - 1) + [2]
    assert len(cores_of(compute.core_ranges)) == gx * gy
    x, gamma, beta = make_inputs([1, 1, rows, 64], "float32", True, True, seed=13)
    out = run_op(grid_device, x, gamma, beta)
    assert len(launches[-1].stats.cores) == gx * gy
    check(out, reference(x, gamma, beta, 1e-5), "float32", f"{gx}x{gy} every core {rows}x64", precision_log,
          gx * gy)
