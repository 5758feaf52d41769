"""What layer_norm_rm's test modules share: the seed matrix, inputs, the float64 reference, running the op
on a device and the precision check with its stated bounds (see test_layer_norm_rm.py's docstring for why
these bounds). A helper module, not a test module, so the test modules never import one another.
"""
from __future__ import annotations

import math

import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import cores_of

SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
          [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
DTYPES = ["bfloat16", "float32"]
TORCH_DTYPE = {"bfloat16": torch.bfloat16, "float32": torch.float32}
ELEMENT_BYTES = {"bfloat16": 2, "float32": 4}
TOLERANCE = {"bfloat16": {"atol": 1e-3, "rtol": 2.0 ** -7}, "float32": {"atol": 1e-5, "rtol": 1e-5}}
TTNN_TOLERANCE = {"atol": 5e-2, "rtol": 1e-2}
MIN_PCC = 0.9999
MIN_WITHIN_2_ULPS = 0.999


def shape_id(shape: list[int]) -> str:
    return "x".join(map(str, shape))


def make_inputs(shape, dtype, has_gamma, has_beta, seed=0, mean=0.0, std=1.0):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * std + mean).to(TORCH_DTYPE[dtype])
    w = shape[-1]
    gamma = (torch.rand(w, generator=g, dtype=torch.float64) * 1.5 + 0.25).to(TORCH_DTYPE[dtype]) if has_gamma else None
    beta = (torch.randn(w, generator=g, dtype=torch.float64) * 0.5).to(TORCH_DTYPE[dtype]) if has_beta else None
    return x, gamma, beta


def reference(x, gamma, beta, epsilon):
    """float64 LayerNorm of the values the device actually holds."""
    w = x.shape[-1]
    return torch.nn.functional.layer_norm(
        x.double(), (w,), None if gamma is None else gamma.double(), None if beta is None else beta.double(), epsilon)


def run_op(device, x, gamma, beta, epsilon=1e-5):
    to_dev = lambda t: None if t is None else devices.from_torch(t, device)  # noqa: E731
    out = layer_norm_rm(to_dev(x), to_dev(gamma), to_dev(beta), epsilon=epsilon)
    return devices.to_torch(out)


def bf16_ulp(values: torch.Tensor) -> torch.Tensor:
    """Spacing of bf16 numbers at each value (8 significant bits)."""
    exponent = torch.floor(torch.log2(values.abs().clamp_min(2.0 ** -126)))
    return torch.pow(2.0, exponent - 7)


def precision(out, ref, dtype):
    out64 = out.double()
    err = (out64 - ref).abs()
    within = {1: None, 2: None}
    if dtype == "bfloat16":
        rounded = ref.to(torch.bfloat16).double()
        within = {n: ((out64 - rounded).abs() <= n * bf16_ulp(rounded)).double().mean().item() for n in within}
    stacked = torch.stack([out64.flatten(), ref.flatten()])
    pcc = torch.corrcoef(stacked)[0, 1].item() if ref.numel() > 1 and ref.std() > 0 else (1.0 if torch.equal(out64, ref) else 0.0)
    return {"max_abs": err.max().item(), "max_rel": (err / ref.abs().clamp_min(1e-3)).max().item(),
            "within_1ulp": within[1], "within_2ulp": within[2], "pcc": pcc}


def cores_used(device, shape, launches):
    """Cores the last launch ran on: counted by the emulator's runtime, else taken from the Program."""
    if devices.is_emulated(device):
        return len(launches[-1].stats.cores)
    program = build_program(shape, "bfloat16", False, False, grid=devices.grid_size(device))
    return len(cores_of(program.kernels[0].core_ranges))


def check(out, ref, dtype, case, precision_log, cores=None):
    assert out.shape == ref.shape and out.dtype == TORCH_DTYPE[dtype]
    figures = precision(out, ref, dtype)
    precision_log.append({"case": case, "cores": cores, **figures})
    torch.testing.assert_close(out.double(), ref, **TOLERANCE[dtype])
    torch.testing.assert_close(out.double(), ref, **TTNN_TOLERANCE)
    if not math.isnan(figures["pcc"]):
        assert figures["pcc"] >= MIN_PCC, f"{case}: PCC {figures['pcc']:.6f} < {MIN_PCC}"
    if figures["within_2ulp"] is not None:
        assert figures["within_2ulp"] >= MIN_WITHIN_2_ULPS, f"{case}: only {figures['within_2ulp']:.4%} within 2 ulps"
