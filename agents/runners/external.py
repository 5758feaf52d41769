"""Hand a phase to an external program (an LLM coding agent, a script): `--agent "CMD"`.

The builder writes the phase's task as JSON — prose instructions, the spec and its rendered
document, the stubs, the program dumps, the kernel API headers' folder, an example op, the files
the agent may write, the gate and the previous attempt's failure, every path relative to the
repository root — runs `CMD <task.json>` from the root in its own process group with a timeout,
and logs the exact command, its exit code and duration. The group is killed when the builder
stops for any reason, so no agent outlives it. A file changed outside the phase's writable files
fails the phase, naming the file; what the agent wrote is then validated and gated exactly like
the built-in agent's work.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from agents.core.files import sha256_file
from agents.phases.base import Context, Phase, PhaseFailed
from agents.runners.task import snapshot, write_task

TASK_ENV = "BUILDER_TASK"
GUARD = Path(__file__).resolve().with_name("agent_guard.py")  # run by path: it imports nothing of ours


def agent_label(command: str | None) -> str:
    return f"external: {command}" if command else "builtin"


def run_external(ctx: Context, phase: Phase, command: str, timeout_s: float, previous_failure: str | None) -> None:
    """Run the agent command; PhaseFailed when it cannot start, times out, exits non-zero or
    changes a file it may not write."""
    argv = _argv(command)
    writable = phase.writable(ctx)
    task = write_task(ctx, phase, previous_failure)
    before = snapshot(ctx.paths)
    outputs = {path: sha256_file(path) for path in writable}
    argv.append(ctx.paths.rel(task))
    shown = " ".join(shlex.quote(a) for a in argv)
    ctx.progress(f"handing the phase to: {shown} (timeout {timeout_s:g} s)")
    started = time.monotonic()
    code, timed_out = _run_group(argv, ctx, task, timeout_s)
    duration = round(time.monotonic() - started, 3)
    ctx.emit("command_run", command=shown, exit_code=code, duration_s=duration,
             **({"message": f"killed at its {timeout_s:g} s timeout"} if timed_out else {}))
    if timed_out:
        raise PhaseFailed("agent", f"the agent command ran past its {timeout_s:g} s timeout and was killed: {shown}")
    if code != 0:
        raise PhaseFailed("agent", f"the agent command exited with {code} after {duration:.1f} s: {shown}")
    _check_changes(ctx, before, snapshot(ctx.paths), {ctx.paths.rel(p) for p in writable} | {ctx.paths.rel(task)})
    for path in writable:
        now = sha256_file(path)
        if now is not None and now != outputs[path]:
            ctx.wrote(path)


def _argv(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise PhaseFailed("agent", f"--agent {command!r}: cannot split into words: {e}") from None
    if not argv:
        raise PhaseFailed("agent", "--agent '': expected a command")
    return argv


def _run_group(argv: list[str], ctx: Context, task: Path, timeout_s: float) -> tuple[int, bool]:
    """(exit code, timed out) of the agent, run under agents.runners.agent_guard: in its own process
    group, killed with everything it started on timeout or as soon as this builder dies."""
    env = {**os.environ, TASK_ENV: ctx.paths.rel(task)}
    with tempfile.TemporaryDirectory(prefix="builder-agent-") as tmp:
        result = Path(tmp) / "result.json"
        guard = [sys.executable, str(GUARD), str(result), repr(float(timeout_s)), "--", *argv]
        proc = subprocess.Popen(guard, cwd=ctx.paths.root, env=env, stdin=subprocess.PIPE)
        try:
            proc.wait()
        finally:
            # Closing the pipe is the guard's signal to kill the agent's group (when we leave early).
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
        try:
            outcome = json.loads(result.read_text())
        except (OSError, ValueError):
            return 127, False
    if outcome["exit_code"] == 127:
        ctx.progress(f"cannot run {argv[0]!r}")
    return int(outcome["exit_code"]), bool(outcome["timed_out"])


def _check_changes(ctx: Context, before: dict[str, str], after: dict[str, str], allowed: set[str]) -> None:
    changed = sorted(path for path in before.keys() | after.keys()
                     if before.get(path) != after.get(path) and path not in allowed)
    if changed:
        raise PhaseFailed("agent", f"the agent changed file(s) outside phase '{ctx.phase}''s outputs: "
                                   f"{', '.join(changed[:10])}" + (f" (+{len(changed) - 10} more)"
                                                                   if len(changed) > 10 else ""))
