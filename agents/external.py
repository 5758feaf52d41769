"""Hand a phase to an external program (an LLM coding agent, a script): `--agent "CMD"`.

The builder writes the phase's task as JSON (inputs, expected outputs, schemas, gate), runs
`CMD <task.json>` from the repository root, and logs the exact command, its exit code and
duration. What the program wrote is then validated and gated exactly like the built-in agent's
work, so an external agent earns completion the same way. Each expected output the program created
or changed is logged as written.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import time

from agents.files import sha256_file
from agents.phase import Context, Phase, PhaseFailed, write_task

TASK_ENV = "BUILDER_TASK"


def agent_label(command: str | None) -> str:
    return f"external: {command}" if command else "builtin"


def run_external(ctx: Context, phase: Phase, command: str) -> None:
    """Run the agent command; PhaseFailed when it cannot start or exits non-zero."""
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise PhaseFailed("agent", f"--agent {command!r}: cannot split into words: {e}") from None
    if not argv:
        raise PhaseFailed("agent", "--agent '': expected a command")
    task = write_task(ctx, phase)
    outputs = [ctx.paths.from_rel(rel) for rel in phase.expected_outputs(ctx)]
    before = {path: sha256_file(path) for path in outputs}
    argv.append(str(task))
    shown = " ".join(shlex.quote(a) for a in argv)
    ctx.progress(f"handing the phase to: {shown}")
    started = time.monotonic()
    try:
        code = subprocess.run(argv, cwd=ctx.paths.root, env={**os.environ, TASK_ENV: str(task)}).returncode
    except OSError as e:
        code = 127
        ctx.progress(f"cannot run {argv[0]!r}: {e}")
    duration = round(time.monotonic() - started, 3)
    ctx.emit("command_run", command=shown, exit_code=code, duration_s=duration)
    if code != 0:
        raise PhaseFailed("agent", f"the agent command exited with {code} after {duration:.1f} s: {shown}")
    for path in outputs:
        now = sha256_file(path)
        if now is not None and now != before[path]:
            ctx.wrote(path)
