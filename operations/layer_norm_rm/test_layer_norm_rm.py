"""layer_norm_rm against a float64 torch reference, on hardware or the emulator (the `device` fixture).

Tolerances follow the precision path. Every value that reaches the output is computed on the SFPU
in fp32 from operands unpacked straight to DST (exact), row sums included (sfpu_reduce; the FPU only
tilizes and untilizes), so the error is a few fp32 roundings plus, for bf16, the final rounding to
bf16 (half an ulp), whatever the numerics model of FPU accumulation:
  bf16: |err| <= 1e-3 + 2^-7 |ref| (2 bf16 ulps), and >= 99.9% of elements within 2 bf16 ulps of the
        rounded float64 reference;
  fp32: |err| <= 1e-5 + 1e-5 |ref|.
Both are far inside ttnn's own layernorm bounds (rtol 1e-2, atol 5e-2, PCC >= 0.9999), also asserted.

Shapes users run are covered too: partial tiles (H % 32, W % 32, decode H = 1), both plans (resident,
streamed) and wide W, each compute config. The DRAM traffic the emulator counts proves the kernels
read and write only the tensors' bytes (padding lives in L1 only).
"""
from __future__ import annotations

import math

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import (
    CB_ONES,
    WORMHOLE_L1_BUDGET,
    build_program,
    max_resident_width,
)
from program import ComputeConfig, cores_of
from operations.layer_norm_rm.op_checks import (
    DTYPES,
    ELEMENT_BYTES,
    SHAPES,
    TORCH_DTYPE,
    TTNN_TOLERANCE,
    check,
    cores_used,
    dest16_bound,
    make_inputs,
    reference,
    run_op,
    shape_id,
)


@pytest.mark.numeric
@pytest.mark.parametrize("has_beta", [False, True], ids=["nobeta", "beta"])
@pytest.mark.parametrize("has_gamma", [False, True], ids=["nogamma", "gamma"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_matrix(device, shape, dtype, has_gamma, has_beta, precision_log, launches):
    x, gamma, beta = make_inputs(shape, dtype, has_gamma, has_beta)
    out = run_op(device, x, gamma, beta)
    grid = devices.grid_size(device)
    cores = cores_used(device, shape, launches)
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
def test_every_core_of_the_grid(device, precision_log, launches):
    grid = devices.grid_size(device)
    rows = grid[0] * grid[1] * 32
    program = build_program([1, 1, rows, 64], "bfloat16", True, True, grid=grid)
    assert all(len(cores_of(k.core_ranges)) == grid[0] * grid[1] for k in program.kernels)
    x, gamma, beta = make_inputs([1, 1, rows, 64], "bfloat16", True, True, seed=11)
    out = run_op(device, x, gamma, beta)
    assert cores_used(device, [1, 1, rows, 64], launches) == grid[0] * grid[1]
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


# --- shapes users run: partial tiles, both plans, wide W, traffic, compute configs -------------------

H_VALUES = [1, 7, 33, 100]
W_VALUES = [1, 17, 1000, 2880, 4095]


def run_plan(device, x, gamma, beta, plan, epsilon=1e-5, grid=None):
    """Launch a Program with a forced plan (the op picks resident whenever it fits), on `grid` (the
    device's by default; a smaller one gives every core several tile-rows)."""
    dtype = devices.dtype_name(devices.from_torch(x[..., :1].contiguous(), device))
    on = [None if t is None else devices.from_torch(t, device) for t in (x, gamma, beta)]
    program = build_program(list(x.shape), dtype, gamma is not None, beta is not None, epsilon,
                            grid=grid or devices.grid_size(device), l1_budget=devices.l1_budget(device), plan=plan)
    output = devices.allocate(list(x.shape), dtype, device)
    devices.launch(program, [t for t in on if t is not None] + [output])
    return devices.to_torch(output)


def expected_traffic(shape, dtype, params, plan, tile_rows_per_core):
    """(bytes read, bytes written): input once per pass, gamma/beta once per core (resident) or once per
    tile-row (streamed: block by block in pass 2), output once."""
    elem = ELEMENT_BYTES[dtype]
    tensor = math.prod(shape) * elem
    passes = 1 if plan == "resident" else 2
    per_param = shape[-1] * elem * (len(tile_rows_per_core) if plan == "resident" else sum(tile_rows_per_core))
    return passes * tensor + params * per_param, tensor


def tile_rows_per_core(program):
    compute = next(k for k in program.kernels if k.kind == "compute")
    return [args[0] for args in compute.runtime_args.values()]


@pytest.mark.numeric
@pytest.mark.parametrize("W", W_VALUES)
@pytest.mark.parametrize("H", H_VALUES)
def test_partial_tiles(device, H, W, precision_log, launches):
    """H % 32 and W % 32 != 0 (and decode H = 1); gamma/beta and dtype rotate over the cases."""
    k = H_VALUES.index(H) * len(W_VALUES) + W_VALUES.index(W)
    dtype = ("bfloat16", "float32")[k % 2]
    has_gamma, has_beta = bool(k % 3 != 1), bool(k % 4 != 2)
    shape = [1, 1, H, W]
    x, gamma, beta = make_inputs(shape, dtype, has_gamma, has_beta, seed=100 + k)
    out = run_op(device, x, gamma, beta)
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"{shape_id(shape)} {dtype} g={int(has_gamma)} "
          f"b={int(has_beta)}", precision_log)
    if devices.is_emulated(device):
        run = launches[-1].stats
        program = build_program(shape, dtype, has_gamma, has_beta, grid=devices.grid_size(device))
        reads, writes = expected_traffic(shape, dtype, has_gamma + has_beta, "resident", tile_rows_per_core(program))
        assert run.program_name.startswith("layer_norm_rm[resident")
        assert (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


@pytest.mark.numeric
@pytest.mark.parametrize("shape", [[1, 1, 7, 1000], [1, 1, 33, 17], [1, 1, 1, 4095], [2, 1, 50, 2880], [1, 1, 3, 1]],
                         ids=shape_id)
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_streamed_plan_on_small_shapes(device, shape, dtype, precision_log, launches):
    """The streamed plan forced where the resident one would run: same bounds, input read twice."""
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=7)
    out = run_plan(device, x, gamma, beta, "streamed")
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"streamed {shape_id(shape)} {dtype}", precision_log)
    if devices.is_emulated(device):
        program = build_program(shape, dtype, True, True, grid=devices.grid_size(device), plan="streamed")
        reads, writes = expected_traffic(shape, dtype, 2, "streamed", tile_rows_per_core(program))
        run = launches[-1].stats
        assert (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


@pytest.mark.numeric
@pytest.mark.parametrize("plan", ["resident", "streamed"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_several_tile_rows_per_core(device, plan, dtype, precision_log, launches):
    """100 rows = 4 tile-rows (the last partial) on a 1x2 grid: each core loops over 2 tile-rows, and the
    streamed plan reads gamma/beta again for each of them."""
    shape = [1, 1, 100, 1000]
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=13)
    out = run_plan(device, x, gamma, beta, plan, grid=(1, 2))
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"{plan} 2 tile-rows/core {shape_id(shape)} {dtype}",
          precision_log)
    if devices.is_emulated(device):
        reads, writes = expected_traffic(shape, dtype, 2, plan, [2, 2])
        run = launches[-1].stats
        assert len(run.cores) == 2 and (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


WIDE = [(16384, "bfloat16"), (16384, "float32"), (65536, "bfloat16"), (65536, "float32")]


@pytest.mark.numeric
@pytest.mark.slow
@pytest.mark.parametrize("W,dtype", WIDE + [(262144, "bfloat16")], ids=lambda v: str(v))
def test_wide_rows_stream(device, W, dtype, precision_log, launches):
    """Past the resident limit the streamed plan runs by itself; DRAM read <= 2.05 x input + gamma/beta."""
    shape = [1, 1, 64 if W == 16384 else 2, W]
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=W % 97)
    out = run_op(device, x, gamma, beta)
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"{shape_id(shape)} {dtype} streamed", precision_log)
    if devices.is_emulated(device):
        run = launches[-1].stats
        assert run.program_name.startswith("layer_norm_rm[streamed")
        program = build_program(shape, dtype, True, True, grid=devices.grid_size(device))
        rows = tile_rows_per_core(program)
        elem = ELEMENT_BYTES[dtype]
        params = 2 * W * elem * sum(rows)
        assert run.dram_bytes_read <= 2.05 * math.prod(shape) * elem + params
        assert run.dram_bytes_written == math.prod(shape) * elem


@pytest.mark.numeric
def test_large_offset_at_16384_bf16(device, precision_log):
    """tt-metal's large-offset case: 10000 + 64 randn in bf16 (a smaller spread rounds to a constant);
    its bounds: max |err| < 0.025 and every output row's mean within 0.004 of 0."""
    shape = [1, 1, 32, 16384]
    g = torch.Generator().manual_seed(42)
    x = (10000 + 64 * torch.randn(shape, generator=g, dtype=torch.float64)).to(torch.bfloat16)
    out = run_op(device, x, None, None).double()
    ref = reference(x, None, None, 1e-5)
    err = (out - ref).abs().max().item()
    row_means = out.mean(dim=-1).abs().max().item()
    precision_log.append({"case": "offset 10000+64randn 32x16384 bf16", "cores": None, "max_abs": err,
                          "max_rel": float("nan"), "within_2ulp": None, "pcc": float("nan")})
    assert err < 0.025 and row_means < 0.004, (err, row_means)


CONFIGS = [ComputeConfig(f, True, approx) for f in ("LoFi", "HiFi2", "HiFi3", "HiFi4") for approx in (False, True)]


@pytest.mark.numeric
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.math_fidelity}-approx{int(c.math_approx_mode)}")
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_compute_kernel_config(device, dtype, config, precision_log):
    """Fidelity never matters (the FPU only moves data); approx mode changes rsqrt, whose APPROX result
    keeps 10 significant bits in the emulator's model: up to 2^-9 of the normalized value (ref - beta)."""
    shape = [1, 1, 33, 1000]
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=9)
    to_dev = lambda t: devices.from_torch(t, device)  # noqa: E731
    out = devices.to_torch(layer_norm_rm(to_dev(x), to_dev(gamma), to_dev(beta), compute_kernel_config=config))
    ref = reference(x, gamma, beta, 1e-5)
    case = f"config {config.math_fidelity} approx={int(config.math_approx_mode)} {dtype}"
    if config.math_approx_mode:
        # rsqrt's error scales the normalized value (ref - beta), not ref, where beta may cancel it.
        err = (out.double() - ref).abs()
        rounding = 2.0 ** -8 if dtype == "bfloat16" else 1e-5
        bound = 1e-3 + 2.0 ** -9 * (ref - beta.double()).abs() + rounding * ref.abs()
        precision_log.append({"case": case, "cores": None, "max_abs": err.max().item(),
                              "max_rel": float("nan"), "within_2ulp": None, "pcc": float("nan")})
        assert bool((err <= bound).all()), f"{case}: {(err > bound).sum().item()} elements beyond the bound"
    else:
        check(out, ref, dtype, case, precision_log)
    if devices.is_emulated(device):
        program = build_program(shape, dtype, True, True, compute=config)
        compute = next(k for k in program.kernels if k.kind == "compute")
        assert (compute.compute_config.math_fidelity, compute.compute_config.math_approx_mode) == (
            config.math_fidelity, config.math_approx_mode)


def test_default_compute_config_is_hifi3_fp32_dest():
    compute = next(k for k in build_program([1, 1, 32, 64], "float32", False, False).kernels if k.kind == "compute")
    config = compute.compute_config
    assert (config.math_fidelity, config.fp32_dest_acc_en, config.math_approx_mode) == ("HiFi3", True, False)


DEST16_SHAPES = SHAPES + [[1, 1, 7, 1000], [1, 1, 33, 17], [1, 1, 1, 4095], [2, 1, 50, 2880]]
DEST16_CASES = ([(s, "bfloat16", "HiFi3") for s in DEST16_SHAPES]
                + [(s, "float32", "HiFi3") for s in ([1, 1, 32, 1024], [1, 1, 7, 1000], [1, 1, 1, 4095])]
                + [([1, 1, 33, 1000], "bfloat16", f) for f in ("LoFi", "HiFi2", "HiFi4")])


@pytest.mark.numeric
@pytest.mark.parametrize("shape,dtype,fidelity", DEST16_CASES,
                         ids=lambda v: shape_id(v) if isinstance(v, list) else str(v))
def test_16_bit_dest(device, shape, dtype, fidelity, precision_log):
    """fp32_dest_acc_en=False, as ttnn allows it: every intermediate is a bf16 in DST, so the error is bounded
    by op_checks.dest16_bound, derived from the bf16 DST precision (u = 2^-7 per store; its docstring and the
    spec give the derivation). A float32 input is accepted too (ttnn does): it gets the same bf16-level bound.
    ttnn's own layernorm tolerance (atol 5e-2, rtol 1e-2) holds as well."""
    k = DEST16_SHAPES.index(shape) if shape in DEST16_SHAPES else 0
    has_gamma, has_beta = k % 3 != 1, k % 4 != 2
    x, gamma, beta = make_inputs(shape, dtype, has_gamma, has_beta, seed=40 + k)
    config = ComputeConfig(fidelity, False, False)
    to_dev = lambda t: None if t is None else devices.from_torch(t, device)  # noqa: E731
    out = devices.to_torch(layer_norm_rm(to_dev(x), to_dev(gamma), to_dev(beta), compute_kernel_config=config))
    ref = reference(x, gamma, beta, 1e-5)
    err = (out.double() - ref).abs()
    bound = dest16_bound(x, gamma, beta, 1e-5, fidelity)
    case = f"dest16 {fidelity} {shape_id(shape)} {dtype} g={int(has_gamma)} b={int(has_beta)}"
    precision_log.append({"case": f"{case} err/bound {(err / bound).max().item():.3f}", "cores": None,
                          "max_abs": err.max().item(), "max_rel": float("nan"), "within_2ulp": None,
                          "pcc": float("nan")})
    assert bool((err <= bound).all()), f"{case}: {(err > bound).sum().item()} elements beyond the derived bound"
    torch.testing.assert_close(out.double(), ref, **TTNN_TOLERANCE)


def test_16_bit_dest_program_has_no_fp32_unpack_and_the_ones_tile():
    program = build_program([1, 1, 32, 1000], "bfloat16", True, True, compute=ComputeConfig("HiFi3", False, False))
    compute = next(k for k in program.kernels if k.kind == "compute")
    assert compute.compute_config.fp32_dest_acc_en is False and compute.compute_config.unpack_to_dest_fp32 == []
    assert compute.defines.get("DEST_16BIT") == "1"
    assert CB_ONES in [cb.index for cb in program.cbs]


def test_16_bit_dest_refuses_the_streamed_plan(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 65536, dtype=torch.bfloat16), device)
    with pytest.raises(ValueError, match=r"W=65536 \(bfloat16\) with compute_kernel_config.fp32_dest_acc_en=False: "
                                         r"a 16-bit DST needs the resident plan, which fits W <= \d+"):
        layer_norm_rm(x, compute_kernel_config=ComputeConfig("HiFi3", False, False))


@pytest.mark.parametrize("config,error,match", [
    ("HiFi3", TypeError, r"compute_kernel_config='HiFi3': expected a WormholeComputeKernelConfig"),
    (ComputeConfig("HiFi5", True, False), ValueError, r"math_fidelity='HiFi5': expected one of"),
    (ComputeConfig("HiFi3", True, 1), TypeError, r"math_approx_mode=1: expected a bool"),
])
def test_rejects_bad_compute_config(device, config, error, match):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(error, match=match):
        layer_norm_rm(x, compute_kernel_config=config)


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


def test_rejects_sharded_memory_config(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=r"memory_config='L1_HEIGHT_SHARDED' \(L1_HEIGHT_SHARDED\): expected "
                                         r"DRAM_INTERLEAVED or L1_INTERLEAVED; sharded memory is not supported"):
        layer_norm_rm(x, memory_config="L1_HEIGHT_SHARDED")
