"""Every fault the emulator promises to catch, provoked on purpose: each must end in a precise Python
exception within seconds, never a hang, and the interpreter must survive."""
from __future__ import annotations

import numpy as np
import pytest

import emulator
from emulator import settings
from program import TILE_BYTES, TILE_HW, CircularBuffer
from tests.emulator.fault_programs import CORE, expect, fault_program, run


def test_correct_program_runs(emu):
    result = run(emu, fault_program())
    assert result.cores == [(0, 0)]


def test_deadlock_names_cb_and_kernel_with_the_configured_watchdog(emu):
    error = expect(emu, fault_program("FAULT_SILENT_READER", "FAULT_WAIT_FOREVER"), emulator.DeadlockError,
                   "compute on core (0,0) is blocked in cb_wait_front(cb=0, n=1)",
                   "CB 0 on core (0,0): capacity 2 pages, 0 filled")
    assert error.report["category"] == "deadlock"
    assert error.report["watchdog"] == {"hang_seconds": settings.hang_seconds(), "tick_ms": settings.WATCHDOG_TICK_MS,
                                        "deadlock_ticks": settings.DEADLOCK_TICKS}


def test_reserve_beyond_capacity(emu):
    expect(emu, fault_program("FAULT_OVER_RESERVE"), emulator.CBMisuseError, "kernel 'reader'",
           "cb_reserve_back for more pages than the CB holds", "CB 0: capacity 2 pages")


def test_a_kernel_returning_with_a_read_never_barriered(emu):
    expect(emu, fault_program("FAULT_RETURN_WITH_PENDING_READ", with_compute=False), emulator.NocAddressError,
           "kernel 'reader'", "kernel returned with 1 noc_async_read(s) never completed by noc_async_read_barrier")


def test_a_kernel_returning_with_a_write_never_barriered(emu):
    expect(emu, fault_program(writer_fault="FAULT_RETURN_WITH_PENDING_WRITE", with_compute=False),
           emulator.NocAddressError, "kernel 'writer'",
           "kernel returned with 1 noc_async_write(s) never completed by noc_async_write_barrier")


def test_a_cb_the_program_never_configured(emu):
    expect(emu, fault_program("FAULT_UNCONFIGURED_CB"), emulator.CBMisuseError, "kernel 'reader'",
           "CB 5 is not configured on core (0,0)")


def test_wait_beyond_capacity(emu):
    """Waiting for more pages than a CB holds can never be satisfied: misuse, reported at the call, not a deadlock."""
    expect(emu, fault_program(compute_fault="FAULT_WAIT_BEYOND_CAPACITY"), emulator.CBMisuseError,
           "kernel 'compute'", "cb_wait_front for more pages than the CB holds", "CB 0: capacity 2 pages")


def _cb24() -> list[CircularBuffer]:
    return [CircularBuffer(24, "bfloat16", TILE_BYTES["bfloat16"], 3, CORE)]


def test_pack_beyond_the_reserved_pages_over_unconsumed_data(emu):
    """A pack past the reserved pages onto a page pushed and not yet popped overwrites the consumer's data."""
    expect(emu, fault_program(compute_fault="FAULT_PACK_OVER_UNCONSUMED", extra_cbs=_cb24()), emulator.CBMisuseError,
           "kernel 'compute'", "pack_tile writes tile 1 of CB 24 beyond the 0 reserved pages, over a page pushed "
           "and not yet popped (2 filled of 3)")


def test_pack_beyond_the_reserved_pages_past_the_fifo_end(emu):
    """The packer does not wrap: a free page index past the FIFO's end is L1 outside the CB."""
    expect(emu, fault_program(compute_fault="FAULT_PACK_PAST_FIFO_END", extra_cbs=_cb24()), emulator.CBMisuseError,
           "kernel 'compute'", "pack_tile writes tile 2 of CB 24 beyond the 1 reserved pages and past the FIFO's end "
           "(write page 1 of 3; 0 filled)")


def test_pack_and_push_into_free_unreserved_pages_is_accepted_with_a_warning(emu):
    """As on hardware (cb_reserve_back only waits), packing and pushing free pages never reserved works; the run
    says so, so the builder's kernel gate still refuses it in our own ops."""
    result = run(emu, fault_program(compute_fault="PACK_INTO_FREE_UNRESERVED", extra_cbs=_cb24()))
    assert np.array_equal(result.outputs[0].read(), np.full((2, TILE_HW), 0x3F80, dtype=np.uint16))
    assert [w for w in result.warnings if w.startswith("CB 24")] == [
        "CB 24 on core (0,0): 2 page write(s) and 2 push(es) beyond the pages reserved with cb_reserve_back, into "
        "free pages (accepted as hardware does; a race if the consumer runs concurrently)"]


def test_a_correct_program_has_no_cb_warning(emu):
    assert not [w for w in run(emu, fault_program()).warnings if w.startswith("CB ")]


def test_pop_beyond_waited(emu):
    expect(emu, fault_program(writer_fault="FAULT_OVER_POP", with_compute=False), emulator.CBMisuseError,
           "kernel 'writer'", "cb_pop_front of more pages than were waited for")


def test_push_beyond_the_free_pages(emu):
    """Pushing unreserved pages is what hardware allows only while they are free; more overruns the consumer."""
    expect(emu, fault_program("FAULT_PUSH_BEYOND_FREE"), emulator.CBMisuseError,
           "cb_push_back of more pages than were reserved, beyond the free pages")


def test_push_straddling_the_end_of_the_fifo(emu):
    expect(emu, fault_program("FAULT_WRAP", with_compute=False, cb0_pages=3, n=4), emulator.CBMisuseError,
           "straddles the end of the FIFO")


def test_cb_not_drained_at_exit(emu):
    expect(emu, fault_program(writer_fault="FAULT_UNDRAINED", with_compute=False), emulator.CBMisuseError,
           "not drained", "CB 0: 2 pages pushed, 0 popped")


def test_l1_overflow_is_refused_before_launch(emu):
    huge = CircularBuffer(24, "float32", 4096, 400, CORE)
    expect(emu, fault_program(extra_cbs=[huge]), emulator.L1OverflowError, "core (0, 0)",
           "CB 24: 400 pages x 4096 B", "available")


def test_noc_read_outside_every_buffer(emu):
    expect(emu, fault_program("FAULT_NOC_OUT_OF_BOUNDS"), emulator.NocAddressError,
           "outside every buffer", "kernel 'reader'")


def test_push_before_read_barrier(emu):
    expect(emu, fault_program("FAULT_MISSING_BARRIER"), emulator.CBMisuseError, "missing noc_async_read_barrier")


def test_null_pointer_crash_is_an_exception_and_python_survives(emu):
    expect(emu, fault_program("FAULT_NULL_DEREF"), emulator.KernelCrashError, "signal 11", "kernel 'reader'")
    assert run(emu, fault_program()).cores == [(0, 0)]


def test_spinning_kernel_is_a_hang_after_the_configured_quiet_period(emu):
    error = expect(emu, fault_program("FAULT_SPIN"), emulator.HangError, "reader on core (0,0) is running",
                   "no circular-buffer, NOC or kernel progress for 0.5 s", hang_timeout=0.5)
    assert error.report["watchdog"]["hang_seconds"] == 0.5


def test_missing_runtime_arg(emu):
    expect(emu, fault_program("FAULT_BAD_ARG"), emulator.KernelArgError, "get_arg_val(40)", "4 runtime args")


def test_unknown_api_call_fails_to_compile(emu):
    expect(emu, fault_program("FAULT_UNKNOWN_CALL"), emulator.CompileError, "noc_async_read_tile_with_magic")


@pytest.mark.parametrize("fault,name", [("FAULT_REMOVED_NAME", "binary_op_init_common"),
                                        ("FAULT_OLD_INIT_NAME", "mul_tiles_init")])
def test_names_removed_in_0_81_do_not_compile(emu, fault, name):
    expect(emu, fault_program(compute_fault=fault), emulator.CompileError, name)


def test_compute_without_hw_startup(emu):
    expect(emu, fault_program(compute_fault="FAULT_NO_STARTUP"), emulator.ComputeMisuseError,
           "before compute_kernel_hw_startup()")


def test_op_without_its_init(emu):
    expect(emu, fault_program(compute_fault="FAULT_MISSING_INIT"), emulator.ComputeMisuseError,
           "mul_tiles without its init")


def test_pack_with_reduce_mask_still_active(emu):
    expect(emu, fault_program(compute_fault="FAULT_REDUCE_MASK"), emulator.ComputeMisuseError,
           "call reduce_uninit() first")


def test_operand_format_without_reconfig(emu):
    expect(emu, fault_program(compute_fault="FAULT_FORMAT", two_inputs=True, cb1_format="float32"),
           emulator.ComputeMisuseError, "CB 1 holds Float32 but srcB is configured for Float16_b")


def test_dst_capacity(emu):
    expect(emu, fault_program(compute_fault="FAULT_DST_OVERFLOW"), emulator.ComputeMisuseError,
           "DST tile 4 but DST holds 4 tiles (fp32 DST, half sync)")


def test_reading_l1_nothing_wrote(emu):
    """The reader pushes a page it never wrote; compute copies it through: the garbage is found where it
    would leave the chip, at the writer's DRAM write (README "Undefined datums")."""
    expect(emu, fault_program("FAULT_UNWRITTEN_PAGE", n=1), emulator.UninitialisedReadError,
           "kernel 'writer' (writer) on core (0,0) in noc_async_write(",
           "sends undefined data to DRAM: byte 0 of the 2048-byte write, datum (0,0) of the tile in page 0 of CB 16",
           "was never written, or was computed from L1 nothing wrote")
