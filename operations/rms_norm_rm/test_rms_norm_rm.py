"""rms_norm_rm against a float64 torch reference, on hardware or the emulator (the `device` fixture).

Bounds: the precision path is layer_norm_rm's, so are the bounds (op_checks.TOLERANCE and friends,
imported, not restated). Every value that reaches the output is computed on the SFPU in fp32 from
operands unpacked straight to DST (exact; bf16 squares are exact in fp32), the row sum by sfpu_reduce;
the FPU only tilizes and untilizes. So the error is a few fp32 roundings (the sum of W squares,
1/W, rsqrt, two products) plus, for bf16, the final rounding to bf16 (half an ulp), whatever the
numerics model of FPU accumulation:
  bf16: |err| <= 1e-3 + 2^-7 |ref| (2 bf16 ulps), and >= 99.9% of elements within 2 bf16 ulps of the
        rounded float64 reference;
  fp32: |err| <= 1e-5 + 1e-5 |ref| (inputs of unit scale: the fp32 sum of W <= 65536 squares carries a
        relative error far below 1e-5).
ttnn's own bounds (rtol 1e-2, atol 5e-2, PCC >= 0.9999) are asserted too. RMS norm has no cancellation
(a sum of squares), so no large-offset case is needed; zero and constant rows check the epsilon path.
The DRAM traffic the emulator counts proves the kernels read exactly the input twice, gamma once per
tile-row, and write exactly the output (padding lives in L1 only).
"""
from __future__ import annotations

import math

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm.op_checks import (
    DTYPES,
    ELEMENT_BYTES,
    MIN_PCC,
    MIN_WITHIN_2_ULPS,
    TOLERANCE,
    TORCH_DTYPE,
    TTNN_TOLERANCE,
    precision,
    shape_id,
)
from operations.rms_norm_rm import rms_norm_rm
from operations.rms_norm_rm.rms_norm_rm_program_descriptor import build_program
from program import ComputeConfig, cores_of

EPSILON = 1e-6
SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 4096, 32], [2, 3, 64, 128], [1, 64, 128]]


def make_inputs(shape, dtype, has_gamma, seed=0, std=1.0):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * std).to(TORCH_DTYPE[dtype])
    gamma = (torch.rand(shape[-1], generator=g, dtype=torch.float64) * 1.5 + 0.25).to(TORCH_DTYPE[dtype]) \
        if has_gamma else None
    return x, gamma


def reference(x, gamma, epsilon=EPSILON):
    """float64 RMS norm of the values the device actually holds."""
    x64 = x.double()
    y = x64 * torch.rsqrt(x64.pow(2).mean(dim=-1, keepdim=True) + epsilon)
    return y if gamma is None else y * gamma.double()


def run(device, x, gamma, epsilon=EPSILON, grid=None, compute=None):
    """(output, launch result) of the op's Program, on `grid` (the device's by default)."""
    dtype = {torch.bfloat16: "bfloat16", torch.float32: "float32"}[x.dtype]
    io = [devices.from_torch(t, device) for t in (x, gamma) if t is not None]
    program = build_program(list(x.shape), dtype, gamma is not None, epsilon,
                            grid=grid or devices.grid_size(device), l1_budget=devices.l1_budget(device),
                            compute=compute)
    output = devices.allocate(list(x.shape), dtype, device)
    result = devices.launch(program, io + [output])
    return devices.to_torch(output), result


def check(out, ref, dtype, case):
    assert out.shape == ref.shape and out.dtype == TORCH_DTYPE[dtype]
    figures = precision(out, ref, dtype)
    torch.testing.assert_close(out.double(), ref, **TOLERANCE[dtype])
    torch.testing.assert_close(out.double(), ref, **TTNN_TOLERANCE)
    # A correlation needs two values; a single one is held by the bounds above.
    if ref.numel() > 1 and not math.isnan(figures["pcc"]):
        assert figures["pcc"] >= MIN_PCC, f"{case}: PCC {figures['pcc']:.6f} < {MIN_PCC}"
    if figures["within_2ulp"] is not None:
        assert figures["within_2ulp"] >= MIN_WITHIN_2_ULPS, f"{case}: only {figures['within_2ulp']:.4%} within 2 ulps"


def expected_traffic(shape, dtype, has_gamma, tile_rows):
    """(bytes read, bytes written): the input twice, gamma once per tile-row (pass 2), the output once."""
    elem = ELEMENT_BYTES[dtype]
    tensor = math.prod(shape) * elem
    return 2 * tensor + has_gamma * shape[-1] * elem * tile_rows, tensor


@pytest.mark.numeric
@pytest.mark.parametrize("has_gamma", [False, True], ids=["nogamma", "gamma"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_matrix(device, shape, dtype, has_gamma):
    x, gamma = make_inputs(shape, dtype, has_gamma)
    to_dev = lambda t: None if t is None else devices.from_torch(t, device)  # noqa: E731
    out = devices.to_torch(rms_norm_rm(to_dev(x), to_dev(gamma), epsilon=EPSILON))
    check(out, reference(x, gamma), dtype, f"{shape_id(shape)} {dtype} g={int(has_gamma)}")


H_VALUES = [1, 7, 33]
W_VALUES = [1, 17, 1000, 4095]


@pytest.mark.numeric
@pytest.mark.parametrize("W", W_VALUES)
@pytest.mark.parametrize("H", H_VALUES)
def test_wide_and_partial(device, H, W):
    """H % 32 and W % 32 != 0 (and decode H = 1); dtype and gamma rotate over the cases."""
    k = H_VALUES.index(H) * len(W_VALUES) + W_VALUES.index(W)
    dtype, has_gamma = DTYPES[k % 2], k % 3 != 1
    shape = [1, 1, H, W]
    x, gamma = make_inputs(shape, dtype, has_gamma, seed=100 + k)
    out, _ = run(device, x, gamma)
    check(out, reference(x, gamma), dtype, f"{shape_id(shape)} {dtype} g={int(has_gamma)}")


@pytest.mark.numeric
@pytest.mark.parametrize("shape,dtype,grid", [
    ([1, 1, 100, 1000], "bfloat16", (1, 2)),   # 4 tile-rows (last partial), 2 per core
    ([1, 1, 100, 1000], "float32", (1, 2)),
    ([1, 1, 33, 17], "float32", None),
    ([1, 1, 64, 16384], "bfloat16", None),     # wide: 128 width blocks per pass
], ids=lambda v: shape_id(v) if isinstance(v, list) else str(v))
def test_dram_traffic_is_exact(device, shape, dtype, grid):
    """Reads are exactly the input twice plus gamma once per tile-row; writes exactly the output."""
    x, gamma = make_inputs(shape, dtype, True, seed=13)
    out, result = run(device, x, gamma, grid=grid)
    check(out, reference(x, gamma), dtype, f"traffic {shape_id(shape)} {dtype}")
    if devices.is_emulated(device):
        tile_rows = -(-math.prod(shape[:-1]) // 32)
        stats = result.stats
        assert stats.program_name.startswith("rms_norm_rm[streamed")
        assert (stats.dram_bytes_read, stats.dram_bytes_written) == expected_traffic(shape, dtype, True, tile_rows)
        if grid:
            assert len(stats.cores) == grid[0] * grid[1]


@pytest.mark.numeric
@pytest.mark.parametrize("dtype", DTYPES)
def test_constant_rows(device, dtype):
    """Zero rows give exactly 0 (0 * rsqrt(eps)); a constant row c gives c / sqrt(c^2 + eps) * gamma."""
    x = torch.full([1, 1, 32, 128], 3.25, dtype=TORCH_DTYPE[dtype])
    x[0, 0, 5:9] = -7.5
    x[0, 0, 20:24] = 0.0
    _, gamma = make_inputs([1, 1, 32, 128], dtype, True, seed=5)
    out, _ = run(device, x, gamma)
    assert torch.equal(out[0, 0, 20:24], torch.zeros(4, 128, dtype=out.dtype))
    check(out, reference(x, gamma), dtype, f"constant rows {dtype}")


@pytest.mark.numeric
@pytest.mark.parametrize("epsilon", [1e-6, 1e-3, 0.1])
@pytest.mark.parametrize("dtype", DTYPES)
def test_epsilon(device, dtype, epsilon):
    """Small values (std 0.05, mean(x^2) ~ 2.5e-3) so that epsilon visibly changes the result."""
    x, gamma = make_inputs([1, 1, 32, 256], dtype, True, seed=7, std=0.05)
    to_dev = lambda t: devices.from_torch(t, device)  # noqa: E731
    out = devices.to_torch(rms_norm_rm(to_dev(x), to_dev(gamma), epsilon=epsilon))
    check(out, reference(x, gamma, epsilon), dtype, f"epsilon {epsilon} {dtype}")


CONFIGS = [ComputeConfig(f, True, approx) for f in ("LoFi", "HiFi4") for approx in (False, True)]


@pytest.mark.numeric
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.math_fidelity}-approx{int(c.math_approx_mode)}")
@pytest.mark.parametrize("dtype", DTYPES)
def test_compute_configs(device, dtype, config):
    """Fidelity never matters (the FPU only moves data); approx mode changes rsqrt, whose APPROX result keeps
    10 significant bits in the emulator's model: up to 2^-9 of |ref|, plus the output rounding."""
    shape = [1, 1, 33, 1000]
    x, gamma = make_inputs(shape, dtype, True, seed=9)
    to_dev = lambda t: devices.from_torch(t, device)  # noqa: E731
    out = devices.to_torch(rms_norm_rm(to_dev(x), to_dev(gamma), compute_kernel_config=config))
    ref = reference(x, gamma)
    if config.math_approx_mode:
        rounding = 2.0 ** -8 if dtype == "bfloat16" else 1e-5
        bound = 1e-3 + (2.0 ** -9 + rounding) * ref.abs()
        err = (out.double() - ref).abs()
        assert bool((err <= bound).all()), f"{(err > bound).sum().item()} elements beyond the bound"
    else:
        check(out, ref, dtype, f"config {config.math_fidelity} {dtype}")
    compute = next(k for k in build_program(shape, dtype, True, compute=config).kernels if k.kind == "compute")
    assert (compute.compute_config.math_fidelity, compute.compute_config.math_approx_mode) == (
        config.math_fidelity, config.math_approx_mode)


def test_default_compute_config_and_epsilon():
    """HiFi3 + fp32 DST + exact math, as layer_norm_rm; epsilon 1e-6 reaches the reader as fp32 bits."""
    program = build_program([1, 1, 32, 64], "float32", False)
    compute = next(k for k in program.kernels if k.kind == "compute")
    config = compute.compute_config
    assert (config.math_fidelity, config.fp32_dest_acc_en, config.math_approx_mode) == ("HiFi3", True, False)
    reader = next(k for k in program.kernels if k.kind == "reader")
    assert all(args[-1] == 0x358637BD for args in reader.runtime_args.values())  # fp32 bits of 1e-6


def test_work_spreads_over_cores():
    """Tile-rows spread as evenly as possible: counts differ by at most one and add up."""
    program = build_program([1, 1, 4096, 32], "bfloat16", True)
    compute = next(k for k in program.kernels if k.kind == "compute")
    counts = [args[0] for args in compute.runtime_args.values()]
    assert len(counts) == 64 and max(counts) - min(counts) <= 1 and sum(counts) == 128
    for kernel in program.kernels:
        assert set(kernel.runtime_args) == set(cores_of(kernel.core_ranges))


def test_l1_does_not_depend_on_w():
    assert build_program([1, 1, 32, 128], "float32", True).name == build_program([1, 1, 32, 262144], "float32",
                                                                                 True).name


BAD = [
    ("host_input", lambda d: dict(input_tensor=torch.zeros(32, 32)), TypeError, r"input_tensor: expected a device tensor.*got Tensor"),
    ("rank_1", lambda d: dict(input_tensor=devices.from_torch(torch.zeros(64), d)), ValueError,
     r"input_tensor.shape=\[64\]: expected rank >= 2"),
    ("gamma_width", lambda d: dict(gamma=devices.from_torch(torch.ones(32), d)), ValueError,
     r"gamma.shape=\[32\]: expected \[64\] or \[1, ..., 1, 64\]"),
    ("gamma_dtype", lambda d: dict(gamma=devices.from_torch(torch.ones(64, dtype=torch.bfloat16), d)), ValueError,
     r"gamma.dtype=bfloat16: expected float32"),
    ("host_gamma", lambda d: dict(gamma=torch.ones(64)), TypeError, r"gamma: expected a device tensor.*got Tensor"),
    ("epsilon_zero", lambda d: dict(epsilon=0.0), ValueError, r"epsilon=0.0: expected a finite value > 0"),
    ("epsilon_underflows_fp32", lambda d: dict(epsilon=1e-50), ValueError, r"epsilon=1e-50: .*as float32 it is 0\.0"),
    ("epsilon_string", lambda d: dict(epsilon="1e-6"), TypeError, r"epsilon='1e-6': expected a float"),
    ("sharded_output", lambda d: dict(memory_config="L1_BLOCK_SHARDED"), ValueError,
     r"memory_config='L1_BLOCK_SHARDED' \(L1_BLOCK_SHARDED\): expected DRAM_INTERLEAVED or L1_INTERLEAVED"),
    ("fp16_dest", lambda d: dict(compute_kernel_config=ComputeConfig("HiFi3", False, False)), ValueError,
     r"compute_kernel_config.fp32_dest_acc_en=False: rms_norm_rm needs fp32 DST"),
    ("fidelity_name", lambda d: dict(compute_kernel_config=ComputeConfig("HiFi5", True, False)), ValueError,
     r"math_fidelity='HiFi5': expected one of"),
]


@pytest.mark.parametrize("make,error,match", [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_arguments(device, make, error, match):
    """Every rejected input names the argument, the value and what was expected, before any launch."""
    kwargs = {"input_tensor": devices.from_torch(torch.zeros(1, 1, 32, 64), device), **make(device)}
    with pytest.raises(error, match=match):
        rms_norm_rm(**kwargs)
