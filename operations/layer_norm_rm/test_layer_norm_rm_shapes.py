"""layer_norm_rm on every shape users run: partial tiles, decode rows, both plans, wide W, traffic, configs.

Bounds are the op's stated ones (see test_layer_norm_rm.py and the spec): fp32 |err| <= 1e-5 + 1e-5 |ref|,
bf16 |err| <= 1e-3 + 2^-7 |ref| with >= 99.9 % within 2 bf16 ulps. The DRAM traffic the emulator
counts proves the kernels read and write only the tensors' bytes (padding lives in L1 only).
"""
from __future__ import annotations

import math

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from operations.layer_norm_rm.test_layer_norm_rm import (
    ELEMENT_BYTES,
    check,
    make_inputs,
    reference,
    run_op,
    shape_id,
)
from program import ComputeConfig

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
def test_partial_tiles(device, H, W, precision_log):
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
        run = device.last_run
        program = build_program(shape, dtype, has_gamma, has_beta, grid=devices.grid_size(device))
        reads, writes = expected_traffic(shape, dtype, has_gamma + has_beta, "resident", tile_rows_per_core(program))
        assert run.program_name.startswith("layer_norm_rm[resident")
        assert (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


@pytest.mark.numeric
@pytest.mark.parametrize("shape", [[1, 1, 7, 1000], [1, 1, 33, 17], [1, 1, 1, 4095], [2, 1, 50, 2880], [1, 1, 3, 1]],
                         ids=shape_id)
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_streamed_plan_on_small_shapes(device, shape, dtype, precision_log):
    """The streamed plan forced where the resident one would run: same bounds, input read twice."""
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=7)
    out = run_plan(device, x, gamma, beta, "streamed")
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"streamed {shape_id(shape)} {dtype}", precision_log)
    if devices.is_emulated(device):
        program = build_program(shape, dtype, True, True, grid=devices.grid_size(device), plan="streamed")
        reads, writes = expected_traffic(shape, dtype, 2, "streamed", tile_rows_per_core(program))
        run = device.last_run
        assert (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


@pytest.mark.numeric
@pytest.mark.parametrize("plan", ["resident", "streamed"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_several_tile_rows_per_core(device, plan, dtype, precision_log):
    """100 rows = 4 tile-rows (the last partial) on a 1x2 grid: each core loops over 2 tile-rows, and the
    streamed plan reads gamma/beta again for each of them."""
    shape = [1, 1, 100, 1000]
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=13)
    out = run_plan(device, x, gamma, beta, plan, grid=(1, 2))
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"{plan} 2 tile-rows/core {shape_id(shape)} {dtype}",
          precision_log)
    if devices.is_emulated(device):
        reads, writes = expected_traffic(shape, dtype, 2, plan, [2, 2])
        run = device.last_run
        assert len(run.cores) == 2 and (run.dram_bytes_read, run.dram_bytes_written) == (reads, writes)


WIDE = [(16384, "bfloat16"), (16384, "float32"), (65536, "bfloat16"), (65536, "float32")]


@pytest.mark.numeric
@pytest.mark.slow
@pytest.mark.parametrize("W,dtype", WIDE + [(262144, "bfloat16")], ids=lambda v: str(v))
def test_wide_rows_stream(device, W, dtype, precision_log):
    """Past the resident limit the streamed plan runs by itself; DRAM read <= 2.05 x input + gamma/beta."""
    shape = [1, 1, 64 if W == 16384 else 2, W]
    x, gamma, beta = make_inputs(shape, dtype, True, True, seed=W % 97)
    out = run_op(device, x, gamma, beta)
    check(out, reference(x, gamma, beta, 1e-5), dtype, f"{shape_id(shape)} {dtype} streamed", precision_log)
    if devices.is_emulated(device):
        run = device.last_run
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
        bound = 1e-3 + 2.0 ** -9 * (ref - beta.double()).abs() + (2.0 ** -8 if dtype == "bfloat16" else 1e-5) * ref.abs()
        precision_log.append({"case": case, "cores": None, "max_abs": err.max().item(),
                              "max_rel": float("nan"), "within_2ulp": None, "pcc": float("nan")})
        assert bool((err <= bound).all()), f"{case}: {(err > bound).sum().item()} elements beyond the bound"
    else:
        check(out, ref, dtype, case, precision_log)
    if devices.is_emulated(device):
        compute = next(k for k in build_program(shape, dtype, True, True, compute=config).kernels if k.kind == "compute")
        assert (compute.compute_config.math_fidelity, compute.compute_config.math_approx_mode) == (
            config.math_fidelity, config.math_approx_mode)


def test_default_compute_config_is_hifi3_fp32_dest():
    compute = next(k for k in build_program([1, 1, 32, 64], "float32", False, False).kernels if k.kind == "compute")
    config = compute.compute_config
    assert (config.math_fidelity, config.fp32_dest_acc_en, config.math_approx_mode) == ("HiFi3", True, False)


def test_rejects_16_bit_dest(device):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=r"compute_kernel_config.fp32_dest_acc_en=False: .*needs fp32 DST"):
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
