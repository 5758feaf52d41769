"""Runs a Program once on a fresh emulated device with random inputs: the default runner of the
stubs gate and of the kernels gate's smoke run. Injectable (see agents.orchestration.builder) so the gates can
be tested without compiling anything.
"""
from __future__ import annotations

from typing import Any

import numpy as np

SEED = 20240531


def random_raw(shape: list[int], dtype: str, rng: np.random.Generator) -> np.ndarray:
    """Normal(0, 1) data in the raw form EmulatedTensor.write takes (bf16 as rounded uint16 bits)."""
    from emulator.host_values import to_raw

    return to_raw(rng.standard_normal(shape).astype(np.float32), dtype)


def run_on_emulator(program: Any) -> dict[str, Any]:
    """Allocate program.tensors (inputs random, output poisoned by the device), run, return stats
    (with the run's numerics warnings, which fail the gates)."""
    import emulator

    device = emulator.EmulatedDevice()
    try:
        rng = np.random.default_rng(SEED)
        io = []
        for slot in program.tensors:
            tensor = device.allocate(list(slot.shape), slot.dtype, slot.layout)
            if slot.role == "input":
                tensor.write(random_raw(list(slot.shape), slot.dtype, rng))
            io.append(tensor)
        result = emulator.run(program, io)
        return {"compiled": result.compiled, "cache_hits": result.cache_hits, "cores": len(result.cores),
                "dram_bytes_read": result.dram_bytes_read, "dram_bytes_written": result.dram_bytes_written,
                "seconds": round(float(result.stats.get("seconds", 0.0)), 4),
                # numerics warnings of the run (e.g. a known hardware erratum the kernels would hit); a
                # result without the attribute has none
                "warnings": [str(w) for w in getattr(result, "warnings", None) or []]}
    finally:
        device.close()
