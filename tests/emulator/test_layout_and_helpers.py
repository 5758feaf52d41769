"""tilize / pack_untilize / untilize against the documented face layout, and the ttnn dataflow helpers
that make scaler and broadcast tiles, byte for byte."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import emulator
from emulator.host_values import from_raw, quantize, to_raw
from program import (ELEMENT_SIZE, TILE_BYTES, TILE_HW, AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig,
                     CoreRange, Kernel, Program, TensorSlot)
from tests.emulator.harness import FACE_INDEX, truncate

KERNELS = Path(__file__).parent / "kernels"
CORE = [CoreRange((0, 0), (0, 0))]


def layout_program(B: int, dtype: str, defines: dict[str, str], exact: bool, out_shape: list[int]) -> Program:
    elem = ELEMENT_SIZE[dtype]
    cbs = [CircularBuffer(0, dtype, TILE_BYTES[dtype], B, CORE), CircularBuffer(16, dtype, TILE_BYTES[dtype], B, CORE),
           CircularBuffer(24, dtype, TILE_BYTES[dtype], B, CORE)]
    out_page = out_shape[-1] * elem
    kernels = [
        Kernel("reader", "reader", str(KERNELS / "reader_block.cpp"), CORE, [B, AccessorArgs("in")],
               {(0, 0): [BufferAddress("in"), 32, B * 32 * elem]}),
        Kernel("compute", "compute", str(KERNELS / "compute_layout.cpp"), CORE, [B], {(0, 0): []}, defines=defines,
               compute_config=ComputeConfig("HiFi4", True, False, False, [0, 24] if exact else [])),
        Kernel("writer", "writer", str(KERNELS / "writer_block.cpp"), CORE, [B, AccessorArgs("out")],
               {(0, 0): [BufferAddress("out"), out_shape[0], out_page]}),
    ]
    return Program("layout", cbs, kernels, [TensorSlot("in", [32, B * 32], dtype, "input"),
                                            TensorSlot("out", out_shape, dtype, "output")])


def run_layout(emu, B, dtype, defines, exact, out_shape):
    rows = quantize(np.random.default_rng(B).uniform(-3, 3, size=(32, B * 32)), dtype)
    x, out = emu.allocate([32, B * 32], dtype), emu.allocate(out_shape, dtype)
    x.write(to_raw(rows, dtype))
    emulator.run(layout_program(B, dtype, defines, exact, out_shape), [x, out])
    return rows, from_raw(out.read(), dtype)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("B", [1, 3])
def test_tilize_puts_each_block_in_face_order(emu, B, dtype):
    rows, tiles = run_layout(emu, B, dtype, {"TILIZE_ONLY": "1"}, True, [B, TILE_HW])
    for t in range(B):
        expected = np.empty(TILE_HW, dtype=np.float32)
        expected[FACE_INDEX] = rows[:, t * 32:(t + 1) * 32].reshape(-1)
        np.testing.assert_array_equal(tiles[t], expected)


@pytest.mark.parametrize("how", [{}, {"UNPACK_UNTILIZE": "1"}], ids=["pack_untilize", "untilize"])
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("B", [1, 4])
def test_tilize_then_untilize_is_the_identity(emu, B, dtype, how):
    rows, back = run_layout(emu, B, dtype, how, True, [32, B * 32])
    np.testing.assert_array_equal(back, rows)


def test_fp32_tilize_without_unpack_to_dest_truncates_to_tf32(emu):
    rows, back = run_layout(emu, 2, "float32", {}, False, [32, 64])
    np.testing.assert_array_equal(back, truncate(rows, 0xFFFFE000))
    assert not np.array_equal(back, rows)


def helper_tile(emu, define: str, value: int, dtype: str = "bfloat16", prefill: int | None = None) -> np.ndarray:
    """The tile a dataflow helper writes into CB 16, as the writer sends it to DRAM. With `prefill` (a bf16
    pattern), the page holds that pattern first, so datums the helper leaves alone are defined."""
    cbs = [CircularBuffer(16, dtype, TILE_BYTES[dtype], 1, CORE)]
    slots = [TensorSlot("out", [1, TILE_HW], dtype, "output")]
    io = [emu.allocate([1, TILE_HW], dtype)]
    reader_ct, reader_rt, defines = [], [value], {define: "1"}
    if prefill is not None:
        fill = emu.allocate([1, TILE_HW], dtype)
        fill.write(np.full((1, TILE_HW), prefill, dtype=np.uint16))
        slots.insert(0, TensorSlot("fill", [1, TILE_HW], dtype, "input"))
        io.insert(0, fill)
        reader_ct, reader_rt, defines = [AccessorArgs("fill")], [value, BufferAddress("fill"), TILE_BYTES[dtype]], \
            {define: "1", "PREFILL": "1"}
    kernels = [Kernel("reader", "reader", str(KERNELS / "reader_helpers.cpp"), CORE, reader_ct, {(0, 0): reader_rt},
                      defines=defines),
               Kernel("writer", "writer", str(KERNELS / "writer_block.cpp"), CORE, [1, AccessorArgs("out")],
                      {(0, 0): [BufferAddress("out"), 1, TILE_BYTES[dtype]]})]
    emulator.run(Program("helper", cbs, kernels, slots), io)
    return io[-1].read()[0]


def face_datums(rows: list[int], cols: list[int]) -> list[int]:
    return [int(FACE_INDEX[r * 32 + c]) for r in rows for c in cols]


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_prepare_reduce_scaler_fills_row_0_of_every_face(emu, dtype):
    raw = helper_tile(emu, "HELPER_PREPARE", int(np.float32(0.3).view(np.uint32)), dtype)
    values = from_raw(raw, dtype)
    expected = np.zeros(TILE_HW, dtype=np.float32)
    scaler = np.float32(0.3) if dtype == "float32" else truncate(np.float32(0.3), 0xFFFF0000)
    for face in range(4):
        for col in range(16):
            if (face % 2) * 16 + col < 20:  # valid_reduce_dim_elements_in_tile = 20
                expected[face * 256 + col] = scaler
    np.testing.assert_array_equal(values, expected)


def test_avg_scaler_is_one_over_n(emu):
    values = from_raw(helper_tile(emu, "HELPER_AVG", 0), "bfloat16")
    assert values[0] == truncate(np.float32(1 / 64), 0xFFFF0000) and values[256 + 15] == values[0]
    assert np.count_nonzero(values) == 64


FILL = 0x7777


def test_bcast_col_scalar_writes_column_0_only(emu):
    raw = helper_tile(emu, "HELPER_COL", 0x40400000, prefill=FILL)  # 3.0
    col0 = face_datums(list(range(32)), [0])
    assert np.all(raw[col0] == 0x4040)
    rest = np.setdiff1d(np.arange(TILE_HW), col0)
    assert np.all(raw[rest] == FILL), "the rest of the tile keeps what L1 held"


def test_a_helper_tile_on_fresh_l1_is_undefined_beyond_what_it_writes(emu):
    """Without the prefill the datums the helper leaves alone hold nothing defined: sending the tile to
    DRAM is refused at the first of them, (0,1) for the column tile (README "Undefined datums")."""
    with pytest.raises(emulator.UninitialisedReadError, match=r"datum \(0,1\) of the tile in page 0 of CB 16"):
        helper_tile(emu, "HELPER_COL", 0x40400000)


def test_bcast_row_scalar_and_unary_scalar(emu):
    raw = helper_tile(emu, "HELPER_ROW", 0x3F803F80, prefill=FILL)
    row0 = face_datums([0], list(range(32)))
    assert np.all(raw[row0] == 0x3F80)
    assert np.all(raw[np.setdiff1d(np.arange(TILE_HW), row0)] == FILL)
    raw = helper_tile(emu, "HELPER_UNARY", 0x00003F80, prefill=FILL)
    assert raw[0] == 0x3F80 and raw[1] == 0 and np.all(raw[2:] == FILL)


def test_wh_reduce_scaler_zeroes_then_fills_row_0(emu):
    values = from_raw(helper_tile(emu, "HELPER_WH", 0x3F803F80), "bfloat16")
    row0 = face_datums([0], list(range(32))) + face_datums([16], list(range(32)))
    assert np.all(values[row0] == 1.0) and np.count_nonzero(values) == len(row0)
