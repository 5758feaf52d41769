"""square_tile into a 16-bit DST rounds the fp32 product to nearest even before SFPSTORE truncates it
(emulator/README.md fidelity table, row "square into a 16-bit DST: round to nearest even first", all
variants; LLK ckernel_sfpu_square.h float32_to_bf16_rne_prgm). Pins the mutation suite's mutant
`numerics-square-16-bit-dst-truncates`.

The inputs are bf16 values (8 significant bits), so a 16-bit DST holds them exactly and their square is
exact in fp32 (16 significant bits): the only rounding is the one under test. Every bf16 mantissa is
squared, so the tile holds products whose dropped 16 bits are below, at (ties) and above half a bf16 ulp.
"""
from __future__ import annotations

import numpy as np
import pytest

import emulator
from emulator.settings import NUMERICS_VARIANTS
from tests.emulator.harness import run_tile_op

MANTISSAS = np.arange(128, dtype=np.uint32)  # every bf16 mantissa
EXPONENTS = np.arange(-4, 4)  # 8 binades: 128 * 8 = 1024 datums, one tile, squares far from over/underflow


def inputs() -> np.ndarray:
    biased = (EXPONENTS + 127).astype(np.uint32)
    u = (biased[:, None] << 23) | (MANTISSAS[None, :] << 16)
    u[1::2] |= 0x80000000  # half the binades negative: the square is positive either way
    return u.reshape(1, 32, 32).view(np.float32)


def rne_bf16_then_store(product: np.ndarray) -> np.ndarray:
    """Round the fp32 bits to nearest even at bit 16, then SFPSTORE into a 16-bit DST (keep the top 16
    bits; no denormals or overflow arise from these inputs)."""
    u = product.view(np.uint32).astype(np.uint64)
    low = u & 0xFFFF
    up = (low > 0x8000) | ((low == 0x8000) & (((u >> 16) & 1) == 1))
    return ((((u >> 16) + up) << 16).astype(np.uint32)).view(np.float32)


@pytest.mark.parametrize("numerics", NUMERICS_VARIANTS)
def test_square_into_16_bit_dst_rounds_to_nearest_even(numerics):
    x = inputs()
    product = x * x  # exact in fp32
    expected = rne_bf16_then_store(product)
    truncated = (product.view(np.uint32) & np.uint32(0xFFFF0000)).view(np.float32)
    # The inputs tell the rules apart: rounding up and ties both occur.
    low = product.view(np.uint32) & 0xFFFF
    assert np.count_nonzero(expected != truncated) >= 100
    assert np.count_nonzero(low == 0x8000) > 0
    device = emulator.EmulatedDevice(numerics=numerics)
    try:
        defines = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "square_tile_init", "OP_SFPU(i)": "square_tile(i)"}
        # bf16 CB unpacked to a 16-bit DST, packed to fp32 (exact): the output is what the SFPU stored.
        out = run_tile_op(device, defines, [x], "bfloat16", "float32", fp32_dest=False)
    finally:
        device.close()
    np.testing.assert_array_equal(out.view(np.uint32), expected.view(np.uint32))
