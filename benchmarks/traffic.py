"""DRAM traffic, NOC transactions and work balance of one layer_norm_rm run, as the emulator's
runtime counted them, against the least traffic the op could need."""
from __future__ import annotations

import statistics
from typing import Any

from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program

from .workload import inputs, launch_program


def traffic_row(device: Any, shape: list[int], dtype: str) -> dict[str, Any]:
    """Minimum read: the input once plus one gamma and one beta stick per core; minimum written: the output."""
    x, gamma, beta = inputs(shape, dtype)
    result = launch_program(device, x, gamma, beta)
    element = x.element_size()
    program = build_program(shape, dtype, True, True, grid=device.grid, l1_budget=devices.l1_budget(device))
    compute = next(k for k in program.kernels if k.kind == "compute")
    tile_rows = [args[0] for args in compute.runtime_args.values()]
    return {"shape": shape, "dtype": dtype, "cores": len(result.cores),
            "dram_read": result.dram_bytes_read,
            "dram_read_min": x.numel() * element + 2 * shape[-1] * element * len(result.cores),
            "dram_written": result.dram_bytes_written, "dram_written_min": x.numel() * element,
            "noc_transactions": result.noc_transactions,
            "tile_rows_max": max(tile_rows), "tile_rows_mean": statistics.mean(tile_rows)}
