"""Kernels sharing a worker thread as fibers keep their own floating-point environment (emulator/README.md
"Scheduling": a switch saves and restores MXCSR and the x87 control word). On hardware each kernel runs on
its own RISC-V core, so one kernel's rounding mode can never change another's arithmetic; a fiber switch
that forgot MXCSR would let it (mutation suite mutant `fiber-mxcsr-not-restored`).

Deterministic: both kernels run on one emulated core, hence one worker, and the first kernel is blocked
(its CB full) for the whole time the second one computes, whichever of them the worker starts first."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import emulator
from program import AccessorArgs, BufferAddress, CircularBuffer, CoreRange, Kernel, Program, TensorSlot

KERNELS = Path(__file__).resolve().parent / "kernels" / "fiber"
CORE = [CoreRange((0, 0), (0, 0))]
WORDS = 64
PAGE = 4 * WORDS
# 1/3 = 0x3EAAAAAA.AAA... in float32 bits: round to nearest gives ...AB, toward zero ...AA.
THIRD_NEAREST = 0x3EAAAAAB
THIRD_TOWARD_ZERO = 0x3EAAAAAA


def x87_third_nearest() -> bytes:
    """1/3 in the x87 80-bit format as this (round-to-nearest) process computes it: its 10 significant bytes."""
    third = np.longdouble(1) / np.longdouble(3)
    assert np.finfo(np.longdouble).nmant == 63, "needs the x86-64 80-bit long double"
    return np.array([third]).view(np.uint8)[:10].tobytes()


def isolation_program() -> Program:
    kernels = [Kernel("round_toward_zero", "reader", str(KERNELS / "round_toward_zero.cpp"), CORE, [],
                      {(0, 0): [WORDS]}),
               Kernel("third_writer", "writer", str(KERNELS / "third_writer.cpp"), CORE, [AccessorArgs("out")],
                      {(0, 0): [BufferAddress("out"), PAGE]})]
    return Program("fiber_isolation", [CircularBuffer(0, "float32", PAGE, 1, CORE)], kernels,
                   [TensorSlot("out", [1, WORDS], "float32", "output")])


def test_a_kernels_rounding_mode_does_not_reach_the_other_kernels_of_its_worker(emu):
    out = emu.allocate([1, WORDS], "float32")
    result = emulator.run(isolation_program(), [out])
    words = result.outputs[0].read().view(np.uint32)[0]
    first_x87, second_x87 = words[4:8].tobytes()[:10], words[8:12].tobytes()[:10]
    # The first kernel's own mode applied, to SSE and x87 arithmetic (else the test could not fail).
    assert words[0] == THIRD_TOWARD_ZERO, f"the first kernel's own mode did not apply: {words[0]:#x}"
    assert first_x87 != x87_third_nearest()
    # SSE: MXCSR restored at the switch.
    assert words[1] == THIRD_NEAREST, (f"the second kernel computed 1/3 as {words[1]:#x}: the first kernel's "
                                       f"round-toward-zero leaked through the fiber switch (MXCSR)")
    # x87: its control word restored at the switch.
    assert second_x87 == x87_third_nearest(), ("the second kernel's long double 1/3 was rounded toward zero: the "
                                               "x87 control word leaked through the fiber switch")
    assert not np.any(words[2:4]) and not np.any(words[12:])
