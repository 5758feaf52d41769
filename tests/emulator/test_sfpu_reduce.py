"""sfpu_reduce<SUM, Float32, REDUCE_ROW>: row sums on the SFPU, in the LLK's order of fp32 additions
(ttnn 0.81.1 wheel, ckernel_sfpu_reduce.h: perform_reduce_row_sum_tile, horizontal_reduce,
sum_first_columns_across_tiles), bit for bit, and where the LLK stores them: the row totals in the
even columns 0..14 of the first tile's left faces, each further tile's own total in its even left-face
columns, every other datum unchanged (finite, so an SFPU column broadcast of the result stays finite)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator

from tests.emulator.harness import quantize, run_tile_op

RNG = np.random.default_rng(77)


@pytest.fixture(scope="module")
def emu() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice()
    yield device
    device.close()


def tile_sums(tile: np.ndarray) -> np.ndarray:
    """[32] float32: 8 lanes each add an even/odd column pair of the left face, of the right face, then
    the two; the lanes fold by 4, 2, 1. Every add rounds to fp32."""
    t = tile.astype(np.float32)
    lanes = (t[:, 0:16:2] + t[:, 1:16:2]) + (t[:, 16:32:2] + t[:, 17:32:2])
    for step in (4, 2, 1):
        lanes = lanes[:, :step] + lanes[:, step:2 * step]
    return lanes[:, 0]


def row_sums_model(tiles: list[np.ndarray]) -> np.ndarray:
    """[32] float32: the tiles' sums added in order."""
    total = tile_sums(tiles[0])
    for tile in tiles[1:]:
        total = total + tile_sums(tile)
    return total


def reduce_tiles(emu, inputs, ct_dim, rt_dim=1, fp32_dest=True):
    defines = {"OP_SFPU_REDUCE_ROW": str(ct_dim), "OP_SFPU_REDUCE_RT": str(rt_dim)}
    return run_tile_op(emu, defines, inputs, "float32", "float32", fp32_dest=fp32_dest,
                       unpack_to_dest=list(range(len(inputs))))


@pytest.mark.parametrize("ct_dim", [1, 2])
def test_row_sums_in_even_left_columns_bit_exact_rest_kept(emu, ct_dim):
    # Magnitudes spread over 2^-20 .. 2^20 so that the order of additions shows in the rounding.
    inputs = [quantize(RNG.standard_normal((3, 32, 32)) * 2.0 ** RNG.integers(-20, 20, (3, 32, 32)), "float32")
              for _ in range(ct_dim)]
    out = reduce_tiles(emu, inputs, ct_dim)
    for n in range(3):
        expected = inputs[0][n].astype(np.float32).copy()
        expected[:, 0:16:2] = row_sums_model([x[n] for x in inputs])[:, None]
        np.testing.assert_array_equal(out[n], expected)


def test_order_matters_and_is_the_llk_one(emu):
    """A row whose sum depends on the order: 2^24 and 1.0s cancel differently per grouping."""
    tile = np.zeros((1, 32, 32), dtype=np.float32)
    tile[0, 0, 0], tile[0, 0, 1:9] = 2.0 ** 24, 1.0
    tile[0, 0, 16] = -(2.0 ** 24)
    out = reduce_tiles(emu, [tile], 1)
    assert out[0, 0, 0] == row_sums_model([tile[0]])[0]
    assert out[0, 0, 0] != np.float32(np.sum(tile[0, 0].astype(np.float64)))


def test_needs_its_init_fp32_dest_and_one_row_of_tiles(emu):
    tile = np.zeros((1, 32, 32), dtype=np.float32)
    with pytest.raises(emulator.EmulatorError, match=r"sfpu_reduce .*rt_dim = 2"):
        reduce_tiles(emu, [tile], 1, rt_dim=2)
    with pytest.raises(emulator.EmulatorError, match=r"sfpu_reduce.*needs fp32 DST"):
        reduce_tiles(emu, [tile], 1, fp32_dest=False)
