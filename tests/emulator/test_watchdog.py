"""The watchdog's deadlock rule by its configured tick count, not by a measured time (mutation suite
mutants `watchdog-deadlock-50x-slower` and `sched-blocked-kernels-uncounted`).

A deadlock must be reported after DEADLOCK_TICKS looks of WATCHDOG_TICK_MS each (0.2 s with the shipped
settings). With the hang period set to 5 s, a watchdog that counted 25 times more looks, or never saw
every live kernel blocked, reports a hang instead: the error class tells them apart, and the correct
watchdog has 25 times its own period of slack, so no race decides the outcome."""
from __future__ import annotations

import emulator
from emulator import settings
from tests.emulator.fault_programs import expect, fault_program

HANG_SECONDS = 5.0


def test_deadlock_is_reported_after_its_ticks_long_before_the_hang_period(emu):
    assert settings.WATCHDOG_TICK_MS * settings.DEADLOCK_TICKS * 25 <= HANG_SECONDS * 1000
    error = expect(emu, fault_program("FAULT_SILENT_READER", "FAULT_WAIT_FOREVER"), emulator.DeadlockError,
                   "every live kernel is blocked on a circular buffer",
                   "compute on core (0,0) is blocked in cb_wait_front(cb=0, n=1)", hang_timeout=HANG_SECONDS)
    assert error.report["watchdog"] == {"hang_seconds": HANG_SECONDS, "tick_ms": settings.WATCHDOG_TICK_MS,
                                        "deadlock_ticks": settings.DEADLOCK_TICKS}
