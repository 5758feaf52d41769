"""What the benchmark runs: layer_norm_rm's inputs, the op as users call it, and its Program launched
directly (for what the emulator counts). Every section draws its work from here."""
from __future__ import annotations

from typing import Any

import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import Program

DTYPES = {"bfloat16": torch.bfloat16, "float32": torch.float32}
EPSILON = 1e-5


def inputs(shape: list[int], dtype: str, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """x ~ N(0, 1), gamma ~ U(0, 1), beta ~ N(0, 1), seeded, in `dtype`."""
    g = torch.Generator().manual_seed(seed)
    t = DTYPES[dtype]
    return (torch.randn(shape, generator=g).to(t), torch.rand(shape[-1], generator=g).to(t),
            torch.randn(shape[-1], generator=g).to(t))


def run_op(device: Any, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """torch tensors in, torch tensor out, as a user calls the op: upload, argument checks, launch,
    and reading the output back (issue #15 counts the read-back in the emulator's time), then the device
    synchronized, so its work after the answer (the runner's reset) is counted too and never overlaps
    what is timed next."""
    out = layer_norm_rm(*(devices.from_torch(t, device) for t in (x, gamma, beta)), epsilon=EPSILON)
    result = devices.to_torch(out)
    devices.synchronize_device(device)
    return result


def run_torch(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """The baseline: torch's CPU layer_norm on the same tensors."""
    return torch.nn.functional.layer_norm(x, x.shape[-1:], gamma, beta, EPSILON)


def launch_program(device: Any, x: torch.Tensor, gamma: torch.Tensor | None,
                   beta: torch.Tensor | None, estimate: bool = False) -> Any:
    """The op's Program launched directly; returns the emulator's RunResult (what it counted, and with
    `estimate` the modelled device time of the run)."""
    program, io = program_and_io(device, x, gamma, beta)
    stats = devices.launch(program, io, estimate=estimate).stats
    devices.synchronize_device(device)  # the runner's reset is part of a run's cost (run_op)
    return stats


def program_and_io(device: Any, x: torch.Tensor, gamma: torch.Tensor | None,
                   beta: torch.Tensor | None) -> tuple[Program, list[Any]]:
    """The op's Program for these tensors on `device`, and its io tensors there (inputs uploaded, the output
    allocated), kernel sources as the op names them (operations.device.launch anchors them)."""
    dtype = dtype_of(x)
    params = [t for t in (gamma, beta) if t is not None]
    program = build_program(list(x.shape), dtype, gamma is not None, beta is not None, grid=device.grid,
                            l1_budget=devices.l1_budget(device))
    io = [devices.from_torch(t, device) for t in (x, *params)] + [devices.allocate(list(x.shape), dtype, device)]
    return program, io


def dtype_of(t: torch.Tensor) -> str:
    """The benchmark's name of `t`'s dtype."""
    return next(name for name, dt in DTYPES.items() if dt == t.dtype)
