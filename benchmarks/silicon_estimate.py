"""layer_norm_rm's estimated device time on a Wormhole n150 (issue #16), from emulator.cost_model.

The runtime does not emit cost-model events yet, so the per-core logs are the ones
`layer_norm_rm_events` scripts from the kernels' loop structure; the label below says so wherever the
figures are shown. The DRAM floor uses the bytes the emulator's runtime counted when a run supplies
them (the traffic section), else the bytes in the scripted logs; both counts are kept.
"""
from __future__ import annotations

from typing import Any

from emulator.cost_model import estimate

from .layer_norm_rm_events import core_logs

SOURCE = "modelled from the kernels' loop structure (scripted event log)"
STAGES = ("unpack", "math", "pack", "reader", "writer", "NOC reader", "NOC writer")


def estimate_row(shape: list[int], dtype: str, runtime_bytes: int | None = None) -> dict[str, Any]:
    """The estimate of one shape and dtype (gamma and beta on): bytes, floor, stages, device time, bound."""
    est = estimate(core_logs(shape, dtype), dram_bytes=runtime_bytes)
    summary = est.summary()
    return {"shape": shape, "dtype": dtype, "source": SOURCE,
            "dram_bytes": est.dram_bytes, "dram_bytes_counted_by": "script" if runtime_bytes is None else "runtime",
            "scripted_dram_bytes": sum(core.dram_bytes for core in est.cores),
            "dram_floor_us": summary["dram_floor_us"], "stage_us": summary["stage_us"],
            "slowest_core": summary["slowest_core"], "slowest_core_us": summary["slowest_core_us"],
            "device_us": summary["device_us"], "bound": summary["bound"]}
