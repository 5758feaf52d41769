"""The op's 64-case seed matrix, run once with an empty kernel cache and once warm (issue #15:
cold < 10 s, warm < 1.5 s, with the compile count printed)."""
from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from operations import device as devices

from .workload import DTYPES, inputs, launch_program

SEED_SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
               [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]


def seed_matrix() -> dict[str, Any]:
    """Every shape x dtype x gamma on/off x beta on/off. The device gets its own empty cache folder,
    so the cold figure is truly cold and no other process sees the half-filled cache."""
    cases = list(itertools.product(SEED_SHAPES, DTYPES, [False, True], [False, True]))
    out: dict[str, Any] = {"cases": len(cases)}
    with tempfile.TemporaryDirectory() as cache:
        device = devices.open_emulated_device(cache_dir=Path(cache))
        try:
            for label in ("cold", "warm"):
                start = time.perf_counter()
                results = []
                for shape, dtype, g, b in cases:
                    x, gamma, beta = inputs(shape, dtype)
                    results.append(launch_program(device, x, gamma if g else None, beta if b else None))
                out[label] = {"seconds": time.perf_counter() - start,
                              "compiled": sum(r.compiled for r in results),
                              "cache_hits": sum(r.cache_hits for r in results)}
        finally:
            devices.close_device(device)
    return out
