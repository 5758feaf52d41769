"""Runs an external agent so that it cannot outlive the builder:
`python agent_guard.py RESULT.json TIMEOUT_S -- CMD...`.

The guard starts CMD in a process group of its own, then waits for whichever comes first: CMD
exits, TIMEOUT_S passes, or its stdin reaches end-of-file. The builder holds the other end of that
pipe, and the kernel closes it whenever the builder dies, even by SIGKILL, which no handler in the
builder could catch. On timeout or end-of-file the guard kills CMD's whole group (the agent and
anything it started). It writes {"exit_code": n, "timed_out": bool, "orphaned": bool} to RESULT.json.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 0.05


def guard(argv: list[str], timeout_s: float) -> dict[str, object]:
    """Run argv in its own group; kill the group on timeout or when stdin closes."""
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        print(f"agent guard: cannot run {argv[0]!r}: {e}", file=sys.stderr)
        return {"exit_code": 127, "timed_out": False, "orphaned": False}
    deadline = time.monotonic() + timeout_s
    outcome = {"timed_out": False, "orphaned": False}
    while proc.poll() is None:
        if time.monotonic() >= deadline:
            outcome["timed_out"] = True
            break
        readable, _, _ = select.select([sys.stdin], [], [], POLL_S)
        if readable and not os.read(sys.stdin.fileno(), 4096):
            outcome["orphaned"] = True
            break
    _kill_group(proc.pid)
    return {"exit_code": proc.wait(), **outcome}


def _kill_group(pgid: int) -> None:
    """Kill what is left of the agent's group (also its children after the agent itself exited)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main(args: list[str]) -> int:
    if len(args) < 4 or args[2] != "--":
        print("usage: python agent_guard.py RESULT.json TIMEOUT_S -- CMD...", file=sys.stderr)
        return 2
    result = guard(args[3:], float(args[1]))
    Path(args[0]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
