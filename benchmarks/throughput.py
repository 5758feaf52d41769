"""Emulator wall time of layer_norm_rm against torch's warm CPU layer_norm (issue #15's ratio).

The emulator is timed as users call the op (upload, launch, read the output back) with a warm
kernel cache: one untimed run first, so compiles are the seed matrix's figure, not this one. Its
output from that run is also compared with float64 torch, so a fast but wrong emulator shows.
"""
from __future__ import annotations

import statistics
import time
from typing import Any

import torch

from .timing import Clock, against_warm_baseline, cpu_seconds
from .workload import inputs, run_op, run_torch


def max_abs_error(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, got: torch.Tensor) -> float:
    """max |got - layer_norm(x)| with the reference computed in float64 from the same inputs."""
    ref = run_torch(x.double(), gamma.double(), beta.double())
    return float((got.double() - ref).abs().max())


def throughput_row(device: Any, shape: list[int], dtype: str, repeats: int,
                   clock: Clock = time.perf_counter, cpu_clock: Clock = cpu_seconds) -> dict[str, Any]:
    """One shape and dtype, gamma and beta on: medians, ratio, every sample, the emulator's CPU time per
    call (this process and the runner; the figure load moves least), and the output's error."""
    x, gamma, beta = inputs(shape, dtype)
    error = max_abs_error(x, gamma, beta, run_op(device, x, gamma, beta))
    cpu_samples: list[float] = []

    def emulator_call() -> None:
        start = cpu_clock()
        run_op(device, x, gamma, beta)
        cpu_samples.append(cpu_clock() - start)

    c = against_warm_baseline(emulator_call, lambda: run_torch(x, gamma, beta), repeats, clock)
    return {"shape": shape, "dtype": dtype, "emulator_s": c.subject_s, "torch_warm_s": c.baseline_s,
            "ratio": c.ratio, "emulator_samples_s": c.subject_samples_s, "torch_warm_means_s": c.baseline_means_s,
            "emulator_cpu_s": statistics.median(cpu_samples), "emulator_cpu_samples_s": cpu_samples,
            "max_abs_err_vs_float64": error}
