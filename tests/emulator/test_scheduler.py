"""The runner's cooperative scheduling: kernels are fibers on one worker thread per host core and
yield only where they would block, so kernels that poll each other must still hand over, each fiber
keeps its own current call for reports, and a fiber's stack overflow is a crash report naming it."""
from __future__ import annotations

import numpy as np

import emulator
from program import TILE_HW
from tests.emulator.fault_programs import expect, fault_program, run


def test_kernels_polling_each_other_hand_over():
    """Reader and writer of one core spin on cb_pages_reservable_at_back / cb_pages_available_at_front
    over a one-page CB: without a yield in the polling calls they would share a worker and never meet."""
    program = fault_program(writer_fault="POLL", with_compute=False, cb0_pages=1, n=16,
                            reader_defines={"POLL": "1"})
    device = emulator.EmulatedDevice()
    try:
        x = device.allocate([16, TILE_HW], "bfloat16")
        data = np.arange(16 * TILE_HW, dtype=np.uint32).astype(np.uint16).reshape(16, TILE_HW)
        x.write(data)
        out = device.allocate([16, TILE_HW], "bfloat16")
        emulator.run(program, [x, out])
        np.testing.assert_array_equal(out.read().reshape(16, TILE_HW), data)
    finally:
        device.close()


def test_each_blocked_kernel_reports_its_own_call(emu):
    error = expect(emu, fault_program("FAULT_SILENT_READER", "FAULT_WAIT_FOREVER"), emulator.DeadlockError,
                   "compute on core (0,0) is blocked in cb_wait_front(cb=0, n=1)",
                   "writer on core (0,0) is blocked in cb_wait_front(cb=16, n=1)")
    states = {t["kernel"]: (t["state"], t["call"], t["blocked_on"]) for t in error.report["threads"]}
    assert states["reader"] == ("done", "(returned from kernel_main)", "")
    assert states["compute"] == ("blocked", "cb_wait_front(cb=0, n=1)", "cb_wait_front(cb=0, n=1)")
    assert states["writer"] == ("blocked", "cb_wait_front(cb=16, n=1)", "cb_wait_front(cb=16, n=1)")


def test_kernel_stack_overflow_is_a_crash_report_naming_the_kernel(emu):
    expect(emu, fault_program("FAULT_STACK_OVERFLOW", reader_extra_args=[1 << 20]), emulator.KernelCrashError,
           "signal 11", "kernel 'reader'")
    assert run(emu, fault_program()).cores == [(0, 0)]
