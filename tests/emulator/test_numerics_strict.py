"""Compute-side strictness and the numeric rules a mutation run showed untested: each fault is provoked
on purpose and must raise its class with a message naming kernel, core and call; each rule is pinned by
the bits it produces (no race decides any outcome)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

import emulator
from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.emulator.harness import KERNELS, from_faces, from_raw, quantize, run_tile_op, to_faces, to_raw

OURS = KERNELS / "numerics"
CORE = [CoreRange((0, 0), (0, 0))]
TILE_BYTES = {"bfloat16": 2048, "float32": 4096}
WHERE = "kernel 'compute' (compute) on core (0,0) in "


@pytest.fixture(scope="module")
def dev() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="exact")
    yield device
    device.close()


def run_strict(device, defines: dict[str, str], inputs: list[np.ndarray], dtypes: list[str], *,
               out_dtype: str = "float32", page_sizes: list[int] | None = None, unpack_to_dest: list[int] = (),
               fp32_dest: bool = True, full_sync: bool = False, compute: Path = OURS / "compute_strict.cpp",
               reader: Path = KERNELS / "reader_tiles.cpp", scaler_cb: bool = False,
               reader_defines: dict[str, str] | None = None) -> np.ndarray:
    """Runs `compute` on [n, 32, 32] inputs (CB 0, CB 1) into CB 16; returns the output tiles."""
    n = inputs[0].shape[0]
    names = ["a", "b"][:len(inputs)]
    pages = page_sizes or [TILE_BYTES[d] for d in dtypes]
    cbs = [CircularBuffer(i, d, p, 2, CORE) for i, (d, p) in enumerate(zip(dtypes, pages))]
    cbs.append(CircularBuffer(16, out_dtype, TILE_BYTES[out_dtype], 2, CORE))
    if scaler_cb:
        cbs.append(CircularBuffer(8, "bfloat16", 2048, 1, CORE))
    slots = [TensorSlot(nm, [n, 1024], d, "input") for nm, d in zip(names, dtypes)]
    slots.append(TensorSlot("out", [n, 1024], out_dtype, "output"))
    b_name = names[-1]
    kernels = [
        Kernel("reader", "reader", str(reader), CORE, [len(inputs), AccessorArgs("a"), AccessorArgs(b_name)],
               {(0, 0): [n, BufferAddress("a"), BufferAddress(b_name), TILE_BYTES[dtypes[0]], 0]},
               defines=reader_defines or {}),
        Kernel("compute", "compute", str(compute), CORE, [len(inputs)], {(0, 0): [n]}, defines=defines,
               compute_config=ComputeConfig("HiFi4", fp32_dest, False, full_sync, list(unpack_to_dest))),
        Kernel("writer", "writer", str(KERNELS / "writer_tiles.cpp"), CORE, [AccessorArgs("out")],
               {(0, 0): [n, BufferAddress("out"), TILE_BYTES[out_dtype]]}),
    ]
    io = []
    for values, dtype in zip(inputs, dtypes):
        t = device.allocate([n, 1024], dtype)
        t.write(to_raw(to_faces(values), dtype))
        io.append(t)
    io.append(device.allocate([n, 1024], out_dtype))
    emulator.run(Program("strict", cbs, kernels, slots), io)
    return from_faces(from_raw(io[-1].read(), out_dtype))


def tiles(n: int = 1, value: float | None = None, seed: int = 5) -> np.ndarray:
    if value is not None:
        return np.full((n, 32, 32), value, dtype=np.float32)
    return quantize(np.random.default_rng(seed).uniform(-2, 2, size=(n, 32, 32)), "float32")


def raises(error, *fragments, **kwargs):
    with pytest.raises(error) as info:
        run_strict(**kwargs)
    for fragment in fragments:
        assert fragment in str(info.value), f"{fragment!r} not in:\n{info.value}"


# --- strict checks ------------------------------------------------------------------------------------

def test_missing_reconfig_between_cbs_of_different_unpack_destinations(dev):
    kwargs = dict(device=dev, defines={"FAULT_UNPACK_DEST": "1"}, inputs=[tiles(), tiles(seed=6)],
                  dtypes=["float32", "float32"], unpack_to_dest=[0])
    raises(emulator.ComputeMisuseError, WHERE + "copy_tile(cb=1, tile=0, dst=1)",
           "CB 1 unpacks into SrcA/SrcB but the srcA unpacker is configured by CB 0 to unpack straight to DST",
           "missing reconfig_data_format", **kwargs)
    kwargs["defines"] = {"FAULT_UNPACK_DEST": "1", "WITH_RECONFIG": "1"}
    run_strict(**kwargs)


def test_sfpu_init_hoisted_out_of_a_loop_running_another_sfpu_op(dev):
    raises(emulator.ComputeMisuseError, WHERE + "rsqrt_tile(0)",
           "rsqrt_tile without rsqrt_tile_init: the SFPU is configured for binop_with_scalar by a later init",
           device=dev, defines={"FAULT_SFPU_INIT_HOISTED": "1"}, inputs=[tiles(2, 4.0)], dtypes=["float32"],
           unpack_to_dest=[0])


def test_compute_cb_page_size_must_be_its_format_tile(dev):
    raises(emulator.ComputeMisuseError, WHERE + "copy_tile(cb=0, tile=0, dst=0)",
           "CB 0 holds Float32 tiles of 4096 bytes but its page size is 2048 bytes",
           device=dev, defines={}, inputs=[tiles()], dtypes=["float32"], page_sizes=[2048])


REDUCE_ROW_SUM = {"OP_REDUCE": "1", "OP_POOL": "PoolType::SUM", "OP_DIM": "ReduceDim::REDUCE_ROW"}


@pytest.mark.parametrize("variant", ["pessimistic", "exact"])
def test_scaler_rows_the_reduce_does_not_use_may_be_unwritten(variant):
    """The unpacker reads all four faces of the scaler (llk_unpack_AB_reduce.h, x_end of 4 faces), but the
    REDUCE_ROW result (DST column 0) uses only scaler row 0; the modelled sum's DST columns 1..15 use rows
    1..15, which the packer's reduce mask drops. So a scaler with only row 0 written gives the right
    sums: its undefined rows reach no output datum (README "Undefined datums")."""
    device = emulator.EmulatedDevice(numerics=variant)
    try:
        out = run_strict(device, REDUCE_ROW_SUM, [tiles(value=1.0)], ["bfloat16"],
                         compute=KERNELS / "compute_tile_op.cpp", reader=OURS / "reader_partial_scaler.cpp",
                         scaler_cb=True)
    finally:
        device.close()
    expected = np.zeros((1, 32, 32), dtype=np.float32)
    expected[:, :, 0] = 32.0
    np.testing.assert_array_equal(out, expected)


def test_scaler_row_0_is_used_across_both_faces(dev):
    """Column 0 of REDUCE_ROW multiplies data faces 1 and 3 by scaler face 1 (ADDR_MOD_2): with only face
    0's half of row 0 written, every row sum is undefined, found where the writer sends it to DRAM."""
    with pytest.raises(emulator.UninitialisedReadError) as info:
        run_strict(dev, REDUCE_ROW_SUM, [tiles(value=1.0)], ["bfloat16"], compute=KERNELS / "compute_tile_op.cpp",
                   reader=OURS / "reader_partial_scaler.cpp", scaler_cb=True,
                   reader_defines={"ROW0_FACE0_ONLY": "1"})
    message = str(info.value)
    assert "kernel 'writer' (writer) on core (0,0) in noc_async_write(" in message
    assert "sends undefined data to DRAM: byte 0 of the 4096-byte write, datum (0,0) of the tile in page 0 of " \
           "CB 16" in message


def test_read_one_tile_beyond_those_waited_for(dev):
    raises(emulator.CBMisuseError, WHERE + "copy_tile(cb=0, tile=1, dst=0)",
           "reads tile 1 of CB 0 but only 1 pages were waited for", device=dev,
           defines={"FAULT_READ_BEYOND_WAITED": "1"}, inputs=[tiles(2)], dtypes=["float32"])


def test_sfpu_bcast_col_with_a_16_bit_dst(dev):
    raises(emulator.ComputeMisuseError, WHERE + "sfpu_*_bcast_col(0, 1, 0)", "needs fp32 DST", device=dev,
           defines={"FAULT_BCAST_COL_16BIT": "1"}, inputs=[tiles()], dtypes=["float32"], fp32_dest=False)


# --- DST capacity and lifetime ------------------------------------------------------------------------

@pytest.mark.parametrize("fp32_dest,full_sync,capacity", [(True, False, 4), (False, False, 8), (True, True, 8),
                                                          (False, True, 16)])
def test_dst_capacity_per_sync_mode(dev, fp32_dest, full_sync, capacity):
    """Half sync gives MATH half of DST (8 tiles of 16 bits, 4 of 32); full sync all of it (16 / 8)."""
    x = tiles()
    kwargs = dict(device=dev, inputs=[x], dtypes=["float32"], fp32_dest=fp32_dest, full_sync=full_sync)
    out = run_strict(defines={"OP_DST_INDEX": "1", "DST_INDEX": str(capacity - 1)}, **kwargs)
    kept = 0xFFFFE000 if fp32_dest else 0xFFFF0000  # copy through SrcA: TF32 or bf16
    assert np.array_equal(out, (x.view(np.uint32) & kept).view(np.float32))
    raises(emulator.ComputeMisuseError, f"DST tile {capacity} but DST holds {capacity} tiles",
           defines={"OP_DST_INDEX": "1", "DST_INDEX": str(capacity)}, **kwargs)


def test_every_dst_tile_is_zero_after_acquire(dev):
    """Tile 0 writes DST tile 1; the next acquires pack DST tile 1 untouched: zeros, not stale data."""
    out = run_strict(dev, {"OP_STALE_DST": "1"}, [tiles(3, 5.0)], ["float32"])
    assert np.all(out[0] == 5.0) and np.all(out[1:] == 0.0)


# --- numeric rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["exact", "pessimistic"])
def test_reduce_row_uses_row_0_of_the_scaler_per_column(variant):
    """REDUCE_ROW multiplies column c by scaler[0][c] (the transposed scaler face's column 0), not by
    scaler[0][0] for every column; every product and partial sum here is exact under each variant."""
    x = np.ones((1, 32, 32), dtype=np.float32)
    s = np.zeros((1, 32, 32), dtype=np.float32)
    s[0, 0, :] = np.arange(32, dtype=np.float32)
    device = emulator.EmulatedDevice(numerics=variant)
    try:
        out = run_strict(device, {"OP_REDUCE_B_SCALER": "1"}, [x, s], ["float32", "float32"])
    finally:
        device.close()
    assert np.all(out[0, :, 0] == np.float32(sum(range(32))))


FIDELITY_A, FIDELITY_B = 1 + 2.0 ** -4 + 2.0 ** -5, 1 + 2.0 ** -6 + 2.0 ** -7


@pytest.mark.parametrize("variant", ["exact", "pessimistic"])
@pytest.mark.parametrize("fidelity,expected", [
    ("LoFi", (1 + 2.0 ** -4) * (1 + 2.0 ** -6)),
    ("HiFi2", (1 + 2.0 ** -4) * (1 + 2.0 ** -6) + 2.0 ** -5 * (1 + 2.0 ** -6)),
    ("HiFi3", (1 + 2.0 ** -4) * (1 + 2.0 ** -6) + 2.0 ** -5 * (1 + 2.0 ** -6) + (1 + 2.0 ** -4) * 2.0 ** -7),
    ("HiFi4", FIDELITY_A * FIDELITY_B)])
def test_fidelity_phases_split_srca_5_5_and_srcb_7_4(variant, fidelity, expected):
    """ISA ELWMUL.md SrcAFidelityBits / SrcBFidelityBits: SrcA's hi part keeps the implicit one and 4 bits
    (2^-5 falls in lo), SrcB's keeps the implicit one and 6 bits (2^-7 falls in lo)."""
    device = emulator.EmulatedDevice(numerics=variant)
    try:
        a, b = np.full((1, 32, 32), FIDELITY_A, np.float32), np.full((1, 32, 32), FIDELITY_B, np.float32)
        out = run_tile_op(device, {"OP_BINARY_INIT": "mul_init", "OP_BINARY": "mul_tiles"}, [a, b], "float32",
                          "float32", fidelity=fidelity)
    finally:
        device.close()
    assert np.all(out == np.float32(expected))


@pytest.mark.parametrize("call,init,fn", [("rsqrt_tile<RsqrtMode::Default>", "rsqrt_tile_init",
                                           lambda v: 1 / np.sqrt(v)),
                                          ("recip_tile", "recip_tile_init", lambda v: 1 / v),
                                          ("sqrt_tile", "sqrt_tile_init", np.sqrt)])
def test_approx_mode_keeps_10_explicit_mantissa_bits_in_exact(dev, call, init, fn):
    """`exact` models APPROX as the correctly rounded result truncated to 10 explicit mantissa bits."""
    x = quantize(np.random.default_rng(9).uniform(0.1, 9, size=(1, 32, 32)), "float32")
    out = run_tile_op(dev, {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": init, "OP_SFPU(i)": f"{call}(i)"}, [x], "float32",
                      "float32", approx=True, unpack_to_dest=[0])
    correct = fn(x.astype(np.float64)).astype(np.float32)
    assert np.array_equal(out, (correct.view(np.uint32) & 0xFFFFC000).view(np.float32))


def test_approx_rsqrt_is_the_llk_10_bit_algorithm(dev):
    """pessimistic: APPROX rsqrt runs ckernel_sfpu_sqrt.h's SQRT_10-bits (one refinement): relative error
    between 2^-14 and 2^-8, coarser than the 23-bit sequence."""
    device = emulator.EmulatedDevice(numerics="pessimistic")
    try:
        x = quantize(np.random.default_rng(10).uniform(0.1, 9, size=(2, 32, 32)), "float32")
        defines = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "rsqrt_tile_init", "OP_SFPU(i)": "rsqrt_tile(i)"}
        approx = run_tile_op(device, defines, [x], "float32", "float32", approx=True, unpack_to_dest=[0])
        precise = run_tile_op(device, defines, [x], "float32", "float32", unpack_to_dest=[0])
    finally:
        device.close()
    reference = 1 / np.sqrt(x.astype(np.float64))
    err_approx = np.max(np.abs(approx / reference - 1))
    assert 2.0 ** -14 < err_approx < 2.0 ** -8
    assert np.max(np.abs(precise / reference - 1)) < 2.0 ** -22
