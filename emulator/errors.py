"""What the emulator raises: one class per kind of fault, each carrying the runner's JSON report.

The message of each error reads on its own (kernel, core, API call, CB state); `.report` keeps the
full machine-readable report for tools.
"""
from __future__ import annotations

import re
from typing import Any


class EmulatorError(RuntimeError):
    """Base of every emulator failure."""

    def __init__(self, message: str, report: dict[str, Any] | None = None):
        super().__init__(message)
        self.report = report or {}


class CompileError(EmulatorError):
    """A kernel (or the runner) did not compile with the host compiler."""


class L1OverflowError(EmulatorError):
    """The circular buffers of a core do not fit in its L1."""


class DeadlockError(EmulatorError):
    """Every live kernel waits on a circular buffer that nobody will move."""


class HangError(EmulatorError):
    """Kernels stopped making progress without being blocked on CBs (spinning)."""


class CBMisuseError(EmulatorError):
    """A circular-buffer call that breaks the hardware's FIFO rules, or CBs left unbalanced."""


class NocAddressError(EmulatorError):
    """A NOC transfer outside any buffer or outside L1, or a transfer never completed by a barrier."""


class KernelCrashError(EmulatorError):
    """Kernel code crashed (segfault, abort, ...); the runner process died, Python did not."""


class UninitialisedReadError(EmulatorError):
    """Undefined data (L1 nothing wrote, or results computed from it) would be written to DRAM."""


class ComputeMisuseError(EmulatorError):
    """Compute API misuse hardware would punish silently: missing init/uninit/reconfig, DST overrun, ..."""


class KernelArgError(EmulatorError):
    """A kernel read a runtime arg it was not given."""


class KernelExitError(EmulatorError):
    """Kernel code called exit(), _exit(), _Exit() or quick_exit() instead of returning."""


class PlanError(EmulatorError):
    """The runner refused its plan (a contract mismatch between Python and the runner)."""


class DeviceClosedError(EmulatorError):
    """A closed emulated device, or a tensor on it, was used."""


class TensorDeallocatedError(EmulatorError):
    """A deallocated tensor was read, written or launched."""


CATEGORY_ERRORS: dict[str, type[EmulatorError]] = {
    "deadlock": DeadlockError,
    "hang": HangError,
    "cb_misuse": CBMisuseError,
    "cb_unbalanced": CBMisuseError,
    "noc_address": NocAddressError,
    "noc_misuse": NocAddressError,
    "noc_alignment": NocAddressError,
    "crash": KernelCrashError,
    "uninitialised_read": UninitialisedReadError,
    "compute_misuse": ComputeMisuseError,
    "format_mismatch": ComputeMisuseError,
    "unsupported": ComputeMisuseError,
    "arg_misuse": KernelArgError,
    "kernel_exit": KernelExitError,
}

_CB_CALL = re.compile(r"cb=(\d+)")


def error_from_report(report: dict[str, Any]) -> EmulatorError:
    """The typed error for a runner fault report, with a message a person can act on."""
    category = report.get("category", "unknown")
    lines = [f"[{category}] {report.get('message', '')}"]
    if "kernel" in report:
        x, y = report["core"]
        lines.insert(0, f"kernel '{report['kernel']}' ({report.get('kind')}) on core ({x},{y}) "
                        f"in {report.get('call')}:")
    cb_states = {(c["core"][0], c["core"][1]): {s["cb"]: s for s in c["cbs"]} for c in report.get("cbs", [])}
    for thread in report.get("threads", []):
        if thread["state"] != "blocked":
            continue
        match = _CB_CALL.search(thread["blocked_on"])
        state = cb_states.get(tuple(thread["core"]), {}).get(int(match.group(1))) if match else None
        if state:
            lines.append(f"  CB {state['cb']} on core ({thread['core'][0]},{thread['core'][1]}): capacity "
                         f"{state['capacity']} pages, {state['filled']} filled, {state['pushed']} pushed, "
                         f"{state['popped']} popped (waited for by {thread['kernel']})")
    return CATEGORY_ERRORS.get(category, EmulatorError)("\n".join(lines), report)
