"""unary_bcast (tt-metal api/compute/bcast.h, 0.81.1 wheel), which ttnn's large-tensor layernorm kernel
calls: a tile copied into DST with its column 0 (COL), row 0 (ROW) or datum [0][0] (SCALAR) broadcast,
through the unpacker like copy_tile (SrcB precision, or exact when the CB unpacks to DST in fp32)."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import pytest

import emulator
from emulator.host_values import quantize
from tests.emulator.harness import pack, run_tile_op, src, truncate

RNG = np.random.default_rng(77)
PICK = {"COL": lambda t: np.repeat(t[:, :, :1], 32, axis=2), "ROW": lambda t: np.repeat(t[:, :1, :], 32, axis=1),
        "SCALAR": lambda t: np.broadcast_to(t[:, :1, :1], t.shape)}


@pytest.fixture(scope="module")
def emu() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics="exact")
    yield device
    device.close()


@pytest.mark.parametrize("dim", list(PICK))
@pytest.mark.parametrize("dtype,fp32_dest,to_dest", [("bfloat16", True, False), ("bfloat16", False, False),
                                                     ("float32", True, False), ("float32", True, True)])
def test_unary_bcast_broadcasts_the_unpacked_datums(emu, dim, dtype, fp32_dest, to_dest):  # type: ignore[no-untyped-def]
    x = quantize(RNG.uniform(-3, 3, size=(2, 32, 32)), dtype)
    out = run_tile_op(emu, {"OP_UNARY_BCAST": f"BroadcastType::{dim}"}, [x], dtype, dtype, fp32_dest=fp32_dest,
                      unpack_to_dest=[0] if to_dest else [])
    unpacked = src(x, dtype, fp32_dest, to_dest)
    stored = unpacked if fp32_dest else truncate(unpacked, 0xFFFF0000)
    np.testing.assert_array_equal(out, pack(PICK[dim](stored), dtype))
    assert not np.array_equal(out, pack(stored, dtype)), "a broadcast must not be a plain copy"
