"""The op's 64-case seed matrix, run once with an empty kernel cache and once warm (issue #15:
cold < 10 s, warm < 1.5 s, with the compile count printed).

The empty cache also lacks the runner, whose build (once per emulator version and cache) is timed on
its own first, so the figures say what a first run on a fresh clone pays and what each later cold
kernel set pays. Each figure has its wall time, the CPU time of this process and its children (on a
shared machine the CPU time moves less with other people's load), and the load average."""
from __future__ import annotations

import itertools
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from emulator import build
from emulator.run import kernel_jobs
from operations import device as devices
from program import anchor_sources

from .timing import cpu_seconds
from .workload import DTYPES, inputs, launch_program, program_and_io

SEED_SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
               [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
Case = tuple[list[int], str, bool, bool]  # shape, dtype, gamma on, beta on


def seed_cases() -> list[Case]:
    """Every shape x dtype x gamma on/off x beta on/off."""
    return list(itertools.product(SEED_SHAPES, DTYPES, [False, True], [False, True]))


def timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """fn's result, and its wall and CPU seconds with the 1-minute load average at its end."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn()
    return result, {"seconds": time.perf_counter() - wall, "cpu_seconds": cpu_seconds() - cpu,
                    "load_average": round(os.getloadavg()[0], 2)}


def seed_matrix(cases: list[Case] | None = None) -> dict[str, Any]:
    """The runner build, then every case with an empty kernel cache, then again warm. The device gets its
    own empty cache folder, so the cold figure is truly cold and no other process sees the half-filled cache.
    The host tensors are drawn once, before any timing: both rounds time the op's work on the device
    (upload, program, kernel builds, run), not the benchmark's random numbers."""
    cases = seed_cases() if cases is None else cases
    out: dict[str, Any] = {"cases": len(cases)}
    tensors = [_tensors(case) for case in cases]
    with tempfile.TemporaryDirectory() as cache:
        _, out["runner_build"] = timed(lambda: build.runner_path(Path(cache)))
        device = devices.open_emulated_device(cache_dir=Path(cache))
        try:
            for label in ("cold", "warm"):
                results, out[label] = timed(lambda: [launch_program(device, *t) for t in tensors])
                out[label].update(compiled=sum(r.compiled for r in results),
                                  cache_hits=sum(r.cache_hits for r in results))
        finally:
            devices.close_device(device)
    out["cold_with_runner_build_s"] = out["runner_build"]["seconds"] + out["cold"]["seconds"]
    return out


def _tensors(case: Case) -> tuple[Any, Any, Any]:
    """x, and gamma / beta when the case has them."""
    shape, dtype, gamma_on, beta_on = case
    x, gamma, beta = inputs(shape, dtype)
    return x, gamma if gamma_on else None, beta if beta_on else None


def kernel_builds(device: Any, cases: list[Case] | None = None) -> set[str]:
    """The distinct kernel builds the cases need on the emulated `device` (the emulator's build keys, which
    name the cached objects), found without compiling or running anything: issue #15 asks at most 12 for
    the 64-case matrix from a cold cache."""
    keys: set[str] = set()
    for case in seed_cases() if cases is None else cases:
        program, io = program_and_io(device, *_tensors(case))
        try:
            jobs = kernel_jobs(anchor_sources(program, devices.SOURCE_ROOT), io, device.cache_dir)
        finally:
            for tensor in io:
                tensor.deallocate()
        keys.update(job.path.name for job in jobs)
    return keys
