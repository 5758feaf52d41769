"""layer_norm_rm against a float64 torch reference, on hardware or the emulator (the `device` fixture).

Tolerances follow the precision path. Every value that reaches the output is computed on the SFPU
in fp32 from operands unpacked straight to DST (exact), row sums included (sfpu_reduce; the FPU only
tilizes and untilizes), so the error is a few fp32 roundings plus, for bf16, the final rounding to
bf16 (half an ulp), whatever the numerics model of FPU accumulation:
  bf16: |err| <= 1e-3 + 2^-7 |ref| (2 bf16 ulps), and >= 99.9% of elements within 2 bf16 ulps of the
        rounded float64 reference;
  fp32: |err| <= 1e-5 + 1e-5 |ref|.
Both are far inside ttnn's own layernorm bounds (rtol 1e-2, atol 5e-2, PCC >= 0.9999), also asserted.
"""
from __future__ import annotations

import math

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import WORMHOLE_L1_BUDGET, build_program, max_resident_width
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


def cores_used(device, shape):
    """Cores the launch ran on: counted by the emulator's runtime, else taken from the Program."""
    if devices.is_emulated(device):
        return len(device.last_run.cores)
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


@pytest.mark.numeric
@pytest.mark.parametrize("has_beta", [False, True], ids=["nobeta", "beta"])
@pytest.mark.parametrize("has_gamma", [False, True], ids=["nogamma", "gamma"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_matrix(device, shape, dtype, has_gamma, has_beta, precision_log):
    x, gamma, beta = make_inputs(shape, dtype, has_gamma, has_beta)
    out = run_op(device, x, gamma, beta)
    grid = devices.grid_size(device)
    cores = cores_used(device, shape)
    assert cores == min(-(-math.prod(shape[:-1]) // 32), grid[0] * grid[1])
    check(out, reference(x, gamma, beta, 1e-5), dtype,
          f"{shape_id(shape)} {dtype} g={int(has_gamma)} b={int(has_beta)}", precision_log, cores)


LARGE_MEAN = {"bfloat16": (256.0, 4.0), "float32": (1.0e4, 0.1)}


@pytest.mark.numeric
@pytest.mark.parametrize("dtype", DTYPES)
def test_large_mean_small_variance(device, dtype, precision_log):
    """mean/std = 64 (bf16) and 1e5 (fp32): E[x^2] - E[x]^2 would cancel every digit here."""
    mean, std = LARGE_MEAN[dtype]
    x, gamma, beta = make_inputs([1, 1, 64, 256], dtype, True, True, seed=3, mean=mean, std=std)
    out = run_op(device, x, gamma, beta)
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"large mean {mean} std {std} {dtype}", precision_log)


@pytest.mark.numeric
@pytest.mark.parametrize("dtype", DTYPES)
def test_constant_rows_give_beta(device, dtype, precision_log):
    """Variance 0: every normalized value is exactly 0, so the output is beta."""
    x = torch.full([1, 1, 32, 128], 3.25, dtype=TORCH_DTYPE[dtype])
    x[0, 0, 5:9] = -7.5
    _, gamma, beta = make_inputs([1, 1, 32, 128], dtype, True, True, seed=5)
    out = run_op(device, x, gamma, beta)
    assert torch.equal(out, beta.expand_as(out).to(out.dtype))
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"constant rows {dtype}", precision_log)


@pytest.mark.numeric
@pytest.mark.parametrize("epsilon", [1e-6, 1e-3, 0.1, 1.0])
@pytest.mark.parametrize("dtype", DTYPES)
def test_epsilon(device, dtype, epsilon, precision_log):
    """Small variance (std 0.05) so that epsilon visibly changes the result."""
    x, gamma, beta = make_inputs([1, 1, 32, 256], dtype, True, False, seed=7, std=0.05)
    out = run_op(device, x, gamma, beta, epsilon)
    check(out, reference(x, gamma, beta, epsilon), dtype, f"epsilon {epsilon} {dtype}", precision_log)


@pytest.mark.numeric
def test_every_core_of_the_grid(device, precision_log):
    grid = devices.grid_size(device)
    rows = grid[0] * grid[1] * 32
    program = build_program([1, 1, rows, 64], "bfloat16", True, True, grid=grid)
    assert all(len(cores_of(k.core_ranges)) == grid[0] * grid[1] for k in program.kernels)
    x, gamma, beta = make_inputs([1, 1, rows, 64], "bfloat16", True, True, seed=11)
    out = run_op(device, x, gamma, beta)
    assert cores_used(device, [1, 1, rows, 64]) == grid[0] * grid[1]
    check(out, reference(x, gamma, beta, 1e-5), "bfloat16", f"every core {rows}x64", precision_log,
          grid[0] * grid[1])


@pytest.mark.parametrize("shape", [[1, 1, 4096, 32], [1, 1, 512, 512], [2, 3, 64, 128]], ids=shape_id)
def test_larger_shapes_spread_over_cores(shape):
    """Tile-rows spread as evenly as possible: counts differ by at most one and add up."""
    program = build_program(shape, "float32", True, True)
    compute = next(k for k in program.kernels if k.kind == "compute")
    counts = [args[0] for args in compute.runtime_args.values()]
    assert len(counts) > 1 and max(counts) - min(counts) <= 1
    assert sum(counts) * 32 == math.prod(shape[:-1])
    for kernel in program.kernels:
        assert set(kernel.runtime_args) == set(cores_of(kernel.core_ranges))


def test_resident_plan_up_to_its_widest_w_then_streamed():
    """The resident plan is chosen while it fits L1; past that the streamed plan, whose L1 is independent of W."""
    for dtype in DTYPES:
        widest = max_resident_width(dtype, True, True, WORMHOLE_L1_BUDGET)
        assert build_program([1, 1, 32, widest], dtype, True, True).name.startswith("layer_norm_rm[resident")
        assert build_program([1, 1, 32, widest + 1], dtype, True, True).name.startswith("layer_norm_rm[streamed")
        wider = build_program([1, 1, 32, widest + 32], dtype, True, True)
        assert build_program([1, 1, 32, 262144], dtype, True, True).name == wider.name


# --- validation: every rejected input names the argument, the value and what was expected ---------

def test_rejects_host_tensor(device):
    with pytest.raises(TypeError, match=r"input_tensor: expected a device tensor.*got Tensor"):
        layer_norm_rm(torch.zeros(32, 32))


@pytest.mark.parametrize("shape,match", [
    ([64], r"input_tensor.shape=\[64\]: expected rank >= 2"),
])
def test_rejects_bad_shapes(device, shape, match):
    with pytest.raises(ValueError, match=match):
        layer_norm_rm(devices.from_torch(torch.zeros(shape), device))


def test_rejects_gamma_of_wrong_width(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=r"gamma.shape=\[32\]: expected \[64\] or \[1, ..., 1, 64\]"):
        layer_norm_rm(x, gamma=devices.from_torch(torch.ones(32), device))


def test_rejects_beta_of_other_dtype(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    beta = devices.from_torch(torch.zeros(64, dtype=torch.bfloat16), device)
    with pytest.raises(ValueError, match=r"beta.dtype=bfloat16: expected float32"):
        layer_norm_rm(x, beta=beta)


def test_rejects_gamma_with_rows(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=r"gamma.shape=\[2, 64\]"):
        layer_norm_rm(x, gamma=devices.from_torch(torch.ones(2, 64), device))


def test_rejects_host_gamma(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(TypeError, match=r"gamma: expected a device tensor.*got Tensor"):
        layer_norm_rm(x, gamma=torch.ones(64))


@pytest.mark.parametrize("epsilon,error,match", [
    (0.0, ValueError, r"epsilon=0.0: expected a finite value > 0"),
    (-1e-5, ValueError, r"epsilon=-1e-05: expected a finite value > 0"),
    (float("nan"), ValueError, r"epsilon=nan"),
    ("1e-5", TypeError, r"epsilon='1e-5': expected a float"),
])
def test_rejects_bad_epsilon(device, epsilon, error, match):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(error, match=match):
        layer_norm_rm(x, epsilon=epsilon)


def test_rejects_l1_memory_config(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=r"memory_config='L1_INTERLEAVED': only DRAM interleaved"):
        layer_norm_rm(x, memory_config="L1_INTERLEAVED")
