"""Packing into a CB of another format than the packer is configured for is a format mismatch
(emulator/README.md "Faults it promises": compute API misuse, formats), reported naming the CB, both
formats and the missing pack_reconfig_data_format (mutation suite mutant
`pack-format-without-reconfig-accepted`)."""
from __future__ import annotations

from pathlib import Path

import pytest

import emulator
from program import TILE_BYTES, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot

KERNELS = Path(__file__).parent / "kernels" / "misuse"
CORE = [CoreRange((0, 0), (0, 0))]


def pack_into_other_format() -> Program:
    cbs = [CircularBuffer(16, "bfloat16", TILE_BYTES["bfloat16"], 1, CORE),
           CircularBuffer(17, "float32", TILE_BYTES["float32"], 1, CORE)]
    kernels = [Kernel("compute", "compute", str(KERNELS / "pack_other_format.cpp"), CORE, [], {(0, 0): []},
                      compute_config=ComputeConfig("HiFi4", True, False, False, []))]
    return Program("pack_format", cbs, kernels, [TensorSlot("out", [32, 32], "float32", "output")])


def test_packing_into_a_cb_of_another_format_needs_a_pack_reconfig(emu):
    with pytest.raises(emulator.ComputeMisuseError) as info:
        emulator.run(pack_into_other_format(), [emu.allocate([32, 32], "float32")])
    assert info.value.report["category"] == "format_mismatch"
    message = str(info.value)
    assert "CB 17 holds Float32 but the packer is configured for" in message
    assert "(missing pack_reconfig_data_format)" in message and "pack_tile" in message
