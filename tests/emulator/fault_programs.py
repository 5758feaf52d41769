"""Small fixture programs for the fault tests: a reader -> compute copy -> writer pipeline over
bf16 tiles, whose kernels break one rule each when built with a FAULT_* define."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import emulator
from program import (TILE_BYTES, TILE_HW, AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange,
                     Kernel, Program, TensorSlot)

FAULTS = Path(__file__).parent / "kernels" / "faults"
CORE = [CoreRange((0, 0), (0, 0))]
TILE = TILE_BYTES["bfloat16"]


def fault_program(reader_fault: str | None = None, compute_fault: str | None = None,
                  writer_fault: str | None = None, *, with_compute: bool = True, cb0_pages: int = 2,
                  two_inputs: bool = False, cb1_format: str = "bfloat16", n: int = 2,
                  extra_cbs: list[CircularBuffer] | None = None, reader_defines: dict[str, str] | None = None,
                  reader_extra_args: list[int] | None = None) -> Program:
    flag = lambda fault: {fault: "1"} if fault else {}  # noqa: E731
    shared = {"TWO_INPUTS": "1"} if two_inputs else {}
    cbs = [CircularBuffer(0, "bfloat16", TILE, cb0_pages, CORE)]
    if two_inputs:
        cbs.append(CircularBuffer(1, cb1_format, TILE_BYTES[cb1_format], 2, CORE))
    if with_compute:
        cbs.append(CircularBuffer(16, "bfloat16", TILE, 2, CORE))
    cbs += extra_cbs or []
    kernels = [Kernel("reader", "reader", str(FAULTS / "reader.cpp"), CORE, [AccessorArgs("in")],
                      {(0, 0): [n, BufferAddress("in"), TILE, 0, *(reader_extra_args or [])]},
                      defines={**flag(reader_fault), **shared, **(reader_defines or {})}),
               Kernel("writer", "writer", str(FAULTS / "writer.cpp"), CORE,
                      [16 if with_compute else 0, AccessorArgs("out")],
                      {(0, 0): [n, BufferAddress("out"), TILE]}, defines=flag(writer_fault))]
    if with_compute:
        kernels.insert(1, Kernel("compute", "compute", str(FAULTS / "compute.cpp"), CORE, [], {(0, 0): [n]},
                                 defines={**flag(compute_fault), **shared},
                                 compute_config=ComputeConfig("HiFi4", True, False, False, [])))
    tensors = [TensorSlot("in", [n, TILE_HW], "bfloat16", "input"), TensorSlot("out", [n, TILE_HW], "bfloat16", "output")]
    return Program("faults", cbs, kernels, tensors)


def run(emu, program, **kwargs):
    n = program.tensors[0].shape[0]
    x = emu.allocate([n, TILE_HW], "bfloat16")
    x.write(np.full((n, TILE_HW), 0x3F80, dtype=np.uint16))
    return emulator.run(program, [x, emu.allocate([n, TILE_HW], "bfloat16")], **kwargs)


def expect(emu, program, error, *fragments, **kwargs) -> emulator.EmulatorError:
    """Runs `program`, which must fail with `error` whose message holds every fragment."""
    with pytest.raises(error) as info:
        run(emu, program, **kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return info.value
