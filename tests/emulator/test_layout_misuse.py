"""Another operation while tilize is still configured is compute misuse (emulator/README.md "Faults it
promises": missing uninit), reported naming the call and the uninit it needs (mutation suite mutant
`tilize-still-configured-accepted`)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import emulator
from program import (TILE_BYTES, AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel,
                     Program, TensorSlot)

KERNELS = Path(__file__).parent / "kernels"
CORE = [CoreRange((0, 0), (0, 0))]
B = 1


def tilize_without_uninit() -> Program:
    tile = TILE_BYTES["bfloat16"]
    cbs = [CircularBuffer(i, "bfloat16", tile, B, CORE) for i in (0, 16, 24)]
    kernels = [
        Kernel("reader", "reader", str(KERNELS / "reader_block.cpp"), CORE, [B, AccessorArgs("in")],
               {(0, 0): [BufferAddress("in"), 32, B * 32 * 2]}),
        Kernel("compute", "compute", str(KERNELS / "misuse" / "tilize_no_uninit.cpp"), CORE, [B], {(0, 0): []},
               compute_config=ComputeConfig("HiFi4", True, False, False, [])),
        Kernel("writer", "writer", str(KERNELS / "writer_block.cpp"), CORE, [B, AccessorArgs("out")],
               {(0, 0): [BufferAddress("out"), 32, B * 32 * 2]}),
    ]
    return Program("tilize_misuse", cbs, kernels, [TensorSlot("in", [32, B * 32], "bfloat16", "input"),
                                                   TensorSlot("out", [32, B * 32], "bfloat16", "output")])


def test_pack_untilize_while_tilize_is_configured_is_refused(emu):
    x, out = emu.allocate([32, 32 * B], "bfloat16"), emu.allocate([32, 32 * B], "bfloat16")
    x.write(np.full((32, 32 * B), 0x3F80, dtype=np.uint16))
    with pytest.raises(emulator.ComputeMisuseError) as info:
        emulator.run(tilize_without_uninit(), [x, out])
    message = str(info.value)
    assert "while tilize is configured: call tilize_uninit() first" in message
    assert "kernel 'compute' (compute) on core (0,0) in pack_untilize_init<1, 1>(24, 16)" in message
