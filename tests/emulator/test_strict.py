"""The hardware-strict checks and the checks a mutation run found untested (issues 11 and 18): each
test provokes one rule and asserts the error class and a message naming kernel, core, call and
address, or asserts the bits of the result. No race decides any outcome."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import emulator
from emulator.device import DRAM_BASE
from tests.emulator.fault_programs import TILE, expect, fault_program

WHERE_READER = "kernel 'reader' (reader) on core (0,0) in noc_async_read("
WHERE_WRITER = "kernel 'writer' (writer) on core (0,0) in noc_async_write("
CB0_OFFSET = 105824  # the default device's unreserved L1 base, where CB 0 starts


@pytest.fixture
def fresh() -> Iterator[emulator.EmulatedDevice]:
    """A device of its own, so DRAM addresses are known: the input at DRAM_BASE, the output after it."""
    device = emulator.EmulatedDevice()
    yield device
    device.close()


def cb0_address(device: emulator.EmulatedDevice) -> int:
    """Kernel-visible address of CB 0 on core (0,0): core 0's L1 is mapped at 0x40000000."""
    return 0x40000000 + device.l1_unreserved_base


# --- NOC ranges: whole extent, buffer ends, end of L1, bank index --------------------------------

def test_dram_read_overrunning_its_buffer_is_refused_by_its_last_byte(fresh):
    """Page 0 from byte 32: the first byte is inside the input buffer, the last 32 bytes are not."""
    expect(fresh, fault_program("FAULT_DRAM_OVERRUN"), emulator.NocAddressError, WHERE_READER,
           f"DRAM bank 0 range [0x{DRAM_BASE + 32:x}, 0x{DRAM_BASE + 32 + TILE:x}) overruns the end of buffer "
           f"[0x{DRAM_BASE:x}, 0x{DRAM_BASE + TILE:x}) by 32 bytes")


def test_bank_index_equal_to_the_bank_count_is_refused(emu):
    expect(emu, fault_program("FAULT_BANK_EQUALS_COUNT", reader_extra_args=[emu.num_dram_banks]),
           emulator.NocAddressError, WHERE_READER, "DRAM bank 12 does not exist (banks 0..11)")


def test_l1_range_crossing_the_end_of_usable_l1_is_refused_by_its_last_byte():
    """CB 0 ends exactly at the end of L1; a read starting inside its last page runs past L1's end."""
    l1_size = 105824 + 2 * TILE
    device = emulator.EmulatedDevice(l1_size=l1_size)
    try:
        start = device.l1_unreserved_base + TILE + TILE // 2
        expect(device, fault_program("FAULT_L1_END", with_compute=False), emulator.NocAddressError, WHERE_READER,
               f"L1 range [0x{start:x}, 0x{start + TILE:x}) of core (0,0) is outside its usable L1 "
               f"[0x{device.l1_unreserved_base:x}, 0x{l1_size:x})")
    finally:
        device.close()


# --- NOC landings and CBs -----------------------------------------------------------------------

def test_noc_read_crossing_a_cb_boundary_is_refused(emu):
    start = cb0_address(emu) + TILE + TILE // 2
    expect(emu, fault_program("FAULT_CB_CROSSING"), emulator.NocAddressError, WHERE_READER,
           f"L1 range [0x{start:x}, 0x{start + TILE:x}) of core (0,0) starts in CB 0 "
           f"[0x{cb0_address(emu):x}, 0x{cb0_address(emu) + 2 * TILE:x}) and crosses its end")


def test_noc_read_landing_in_no_cb_is_refused(emu):
    start = cb0_address(emu) + 8 * TILE
    expect(emu, fault_program("FAULT_NO_CB"), emulator.NocAddressError, WHERE_READER,
           f"L1 range [0x{start:x}, 0x{start + TILE:x}) of core (0,0) lies in no circular buffer")


# --- NOC alignment (Wormhole: L1 16 B, DRAM read 32 B, DRAM write 16 B; src and dst must agree) ----

def test_dram_read_whose_source_and_destination_disagree_modulo_32_is_refused(fresh):
    expect(fresh, fault_program("FAULT_DRAM_READ_MISALIGNED"), emulator.NocAddressError, WHERE_READER,
           f"local L1 address 0x{cb0_address(fresh):x} and DRAM address 0x{DRAM_BASE + 16:x} disagree modulo "
           "32 bytes (0 vs 16)")


def test_dram_write_whose_source_and_destination_disagree_modulo_16_is_refused(fresh):
    out_address = DRAM_BASE + TILE  # the output buffer follows the one-page-per-bank input buffer
    expect(fresh, fault_program(writer_fault="FAULT_DRAM_WRITE_MISALIGNED"), emulator.NocAddressError,
           WHERE_WRITER, f"and DRAM address 0x{out_address + 8:x} disagree modulo 16 bytes (0 vs 8)")


def test_transfers_offset_alike_from_the_alignment_are_legal(emu):
    """Both ends 16 bytes past a 32-byte boundary agree modulo 32: the data arrives intact."""
    program = fault_program(reader_defines={"SHIFTED_READ": "1"})
    x = emu.allocate([2, 1024], "bfloat16")
    raw = np.arange(2 * 1024, dtype=np.uint16).reshape(2, 1024) % 0x3F00 + 0x3C00
    x.write(raw)
    out = emu.allocate([2, 1024], "bfloat16")
    emulator.run(program, [x, out])
    np.testing.assert_array_equal(out.read(), raw)


def test_alignment_follows_the_device_architecture(fresh):
    """A device whose DRAM reads need only 16 bytes accepts the read Wormhole refuses: the reader
    completes it and returns without pushing, so the run ends blocked instead."""
    fresh.noc_alignment["dram_read"] = 16
    expect(fresh, fault_program("FAULT_DRAM_READ_MISALIGNED"), emulator.DeadlockError,
           "compute on core (0,0) is blocked in cb_wait_front(cb=0, n=1)")


# --- TensorAccessor: the runtime page size -------------------------------------------------------

def test_tensor_accessor_uses_the_runtime_page_size(fresh):
    """13 pages: page 12 is bank 0's second page. With the runtime page size 4 x 2048 it lies at
    bank offset 8192, past the output buffer; with the compile-time size it would be a legal read."""
    at = DRAM_BASE + 4 * TILE
    expect(fresh, fault_program("FAULT_RUNTIME_PAGE_SIZE", n=13), emulator.NocAddressError, WHERE_READER,
           f"DRAM bank 0 range [0x{at:x}, 0x{at + TILE:x}) lies outside every buffer")


# --- barriers -----------------------------------------------------------------------------------

def test_pop_before_write_barrier_is_reported(emu):
    expect(emu, fault_program(writer_fault="FAULT_NO_WRITE_BARRIER", n=1), emulator.CBMisuseError,
           "kernel 'writer' (writer) on core (0,0) in cb_pop_front(cb=16, n=1)",
           "cb_pop_front of pages a noc_async_write still reads (missing noc_async_write_barrier)")


def test_noc_read_data_is_not_visible_before_the_barrier(emu):
    """The reader copies page 0 into page 1 between noc_async_read and its barrier: the copy holds
    what the page held before (2.0), page 0 what the read brought (1.0)."""
    result = emu.allocate([2, 1024], "bfloat16")
    x = emu.allocate([2, 1024], "bfloat16")
    x.write(np.full((2, 1024), 0x3F80, dtype=np.uint16))
    emulator.run(fault_program(reader_defines={"EARLY_PEEK": "1"}), [x, result])
    out = result.read()
    assert np.all(out[0] == 0x3F80) and np.all(out[1] == 0x4000)


# --- circular buffers -------------------------------------------------------------------------------

def test_pop_straddling_the_end_of_the_fifo_is_refused(emu):
    expect(emu, fault_program(writer_fault="FAULT_POP_STRADDLE", with_compute=False, cb0_pages=3, n=4),
           emulator.CBMisuseError, "kernel 'writer' (writer) on core (0,0) in cb_pop_front(cb=0, n=2)",
           "cb_pop_front straddles the end of the FIFO", "rd page 2")


def test_pop_of_pages_present_but_not_waited_for_is_refused(emu):
    """The writer first sees both pages present, then waits for one and pops two: only the
    waited-for rule can object, whatever the threads' timing."""
    expect(emu, fault_program(writer_fault="FAULT_POP_UNWAITED", with_compute=False), emulator.CBMisuseError,
           "in cb_pop_front(cb=0, n=2)", "cb_pop_front of more pages than were waited for",
           "2 filled, 0 reserved, 1 waited")


def test_compute_read_one_tile_beyond_those_waited_for_is_refused(emu):
    expect(emu, fault_program(compute_fault="FAULT_READ_BEYOND_WAITED"), emulator.CBMisuseError,
           "kernel 'compute' (compute) on core (0,0)",
           "copy_tile reads tile 1 of CB 0 but only 1 pages were waited for (cb_wait_front)")


# --- runtime args and crashes --------------------------------------------------------------------

def test_runtime_arg_index_equal_to_the_count_is_refused(emu):
    expect(emu, fault_program("FAULT_ARG_AT_COUNT"), emulator.KernelArgError, "kernel 'reader' (reader) on core (0,0)",
           "get_arg_val(4) but core (0,0) was given 4 runtime args (valid indices 0..3)")


def test_common_arg_beyond_the_count_is_refused(emu):
    expect(emu, fault_program("FAULT_COMMON_ARG"), emulator.KernelArgError,
           "get_common_arg_val(0) but the kernel was given 0 common runtime args")


@pytest.mark.parametrize("fault,signal", [("FAULT_SIGFPE", "SIGFPE (signal 8"), ("FAULT_ABORT", "SIGABRT (signal 6"),
                                          ("FAULT_NULL_DEREF", "SIGSEGV (signal 11")])
def test_crash_signals_are_reported_by_name(emu, fault, signal):
    error = expect(emu, fault_program(fault), emulator.KernelCrashError, signal, "kernel 'reader' (reader) on core (0,0)")
    assert error.report["category"] == "crash" and error.report["kernel"] == "reader"


@pytest.mark.parametrize("fault,call", [("FAULT_EXIT", "exit(3)"), ("FAULT__EXIT", "_exit(5)"),
                                        ("FAULT_QUICK_EXIT", "quick_exit(7)")])
def test_exit_in_a_kernel_is_reported_with_kernel_core_and_call(emu, fault, call):
    expect(emu, fault_program(fault), emulator.KernelExitError,
           "kernel 'reader' (reader) on core (0,0) in kernel_main:", f"kernel code called {call}")
