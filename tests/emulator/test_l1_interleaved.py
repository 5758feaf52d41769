"""L1-interleaved tensors: placed across the worker cores' L1 banks (page i on bank i mod banks, one
address valid in every bank, taken from the top of L1 down), written and read by the host, reached by
kernels through a TensorAccessor whose IsDram bit is clear, checked by the NOC rules of L1 (16-byte
alignment, buffer bounds), and kept apart from the circular buffers that grow from the bottom."""
from __future__ import annotations

import numpy as np
import pytest

import emulator
from program import TILE_HW, CircularBuffer

from tests.emulator.fault_programs import TILE, fault_program

L1 = "L1_INTERLEAVED"


def _raw(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.integers(0x3C00, 0x4300, size=(n, TILE_HW))).astype(np.uint16)


def test_l1_tensor_round_trips_and_spreads_its_pages_over_the_banks(emu):
    x = emu.allocate([3, 130, 100], "float32", memory=L1)
    data = np.random.default_rng(1).standard_normal((3, 130, 100)).astype(np.float32)
    x.write(data)
    np.testing.assert_array_equal(x.read(), data)
    banks = len(emu.l1_banks)
    assert banks == 64 and emu.l1_banks[:2] == [(0, 0), (1, 0)]
    # page 65 (the second page of bank 1) sits one aligned page above the buffer address of bank 1
    page = 65
    view = emu.l1_bank_view(page % banks, x.buffer_address() + (page // banks) * 400, 400)
    np.testing.assert_array_equal(view.view(np.float32), data.reshape(-1, 100)[page])


def test_l1_buffers_come_from_the_top_down_and_are_freed(emu):
    a = emu.allocate([64, 8], "bfloat16", memory=L1)  # one 16-byte page per bank
    b = emu.allocate([64, 8], "bfloat16", memory=L1)
    assert a.buffer_address() == emu.l1_size - 16
    assert b.buffer_address() == emu.l1_size - 32
    a.deallocate()
    c = emu.allocate([64, 8], "bfloat16", memory=L1)
    assert c.buffer_address() == emu.l1_size - 16
    assert emu.lowest_l1_buffer() == b.buffer_address()


def test_l1_that_does_not_fit_is_refused(emu):
    with pytest.raises(MemoryError, match="emulated L1 banks full"):
        emu.allocate([64, 2 * 1024 * 1024 // 2], "bfloat16", memory=L1)


def test_unknown_memory_is_refused(emu):
    with pytest.raises(ValueError, match="memory='L1_HEIGHT_SHARDED'.*no sharded tensors"):
        emu.allocate([2, 8], "bfloat16", memory="L1_HEIGHT_SHARDED")


@pytest.mark.parametrize("memories", [(L1, L1), (L1, "DRAM_INTERLEAVED"), ("DRAM_INTERLEAVED", L1)])
def test_core_0_reads_and_writes_l1_pages_of_other_cores(emu, memories):
    """Three pages: banks 0, 1 and 2 live on cores (0,0), (1,0), (2,0), which run no kernel; core
    (0,0)'s reader and writer move every page through the NOC."""
    n = 3
    x = emu.allocate([n, TILE_HW], "bfloat16", memory=memories[0])
    raw = _raw(n)
    x.write(raw)
    out = emu.allocate([n, TILE_HW], "bfloat16", memory=memories[1])
    result = emulator.run(fault_program(n=n), [x, out])
    np.testing.assert_array_equal(out.read(), raw)
    dram_pages = sum(t.memory == "DRAM_INTERLEAVED" for t in (x, out))
    assert result.dram_bytes_read + result.dram_bytes_written == dram_pages * n * TILE


def test_misaligned_l1_write_faults(emu):
    """Writing at byte 8 of an L1 page: L1 needs 16-byte agreement with the local address."""
    x = emu.allocate([2, TILE_HW], "bfloat16")
    x.write(_raw(2))
    out = emu.allocate([2, TILE_HW], "bfloat16", memory=L1)
    with pytest.raises(emulator.NocAddressError) as info:
        emulator.run(fault_program(writer_fault="FAULT_DRAM_WRITE_MISALIGNED"), [x, out])
    assert (f"and L1 address 0x{out.buffer_address() + 8:x} disagree modulo 16 bytes (0 vs 8)"
            in str(info.value))


def test_reading_past_an_l1_buffer_faults(emu):
    """Page 0 from byte 32 on, a whole page long: the last 32 bytes lie past the buffer's end in bank 0,
    in the L1 buffer above it (allocated first, so at the top of L1)."""
    above = emu.allocate([2, TILE_HW], "bfloat16", memory=L1)
    x = emu.allocate([2, TILE_HW], "bfloat16", memory=L1)
    assert x.buffer_address() + TILE == above.buffer_address()
    x.write(_raw(2))
    with pytest.raises(emulator.NocAddressError, match="overruns the end of L1 buffer"):
        emulator.run(fault_program("FAULT_DRAM_OVERRUN"), [x, emu.allocate([2, TILE_HW], "bfloat16")])


def test_circular_buffers_clashing_with_an_l1_buffer_are_refused(emu):
    """CBs grow from the unreserved base; an L1 buffer reaching below their end is an allocation error."""
    free = emu.l1_size - emu.l1_unreserved_base
    big = emu.allocate([64, (free - 8 * TILE) // 2], "bfloat16", memory=L1)  # leaves less than CB 0..2 need
    x = emu.allocate([2, TILE_HW], "bfloat16")
    x.write(_raw(2))
    program = fault_program(extra_cbs=[CircularBuffer(2, "bfloat16", TILE, 6, fault_program().cbs[0].core_ranges)])
    with pytest.raises(emulator.L1OverflowError, match=f"above the lowest L1 buffer at {big.buffer_address()}"):
        emulator.run(program, [x, emu.allocate([2, TILE_HW], "bfloat16")])
    big.deallocate()
    out = emu.allocate([2, TILE_HW], "bfloat16")
    emulator.run(program, [x, out])
    np.testing.assert_array_equal(out.read(), x.read())
