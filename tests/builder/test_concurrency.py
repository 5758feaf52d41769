"""Two builders on one op, a builder killed mid-phase, and appends from many processes."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agents.orchestration import audit
from agents.orchestration.lock import LockTimeout, OpLock
from builder_helpers import builder_process, cli, log_events

# Holds its phase (and so the op's lock) until the test creates the release file argv[1]: the test,
# not a race against the clock, decides when the lock frees.
SLOW_AGENT = '''
import json, sys, time
from pathlib import Path
from agents.spec_tools import render as spec_render
release = Path(sys.argv[1])
deadline = time.monotonic() + 120
while not release.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
task = json.loads(Path(sys.argv[-1]).read_text())
spec = json.loads(Path(task["spec"]).read_text())
Path(task["expected_outputs"][0]).write_text(spec_render.render(spec))
'''


def wait_for(condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def lock_holder(paths) -> int | None:
    try:
        return json.loads(paths.lock_file.read_text() or "{}").get("pid")
    except (FileNotFoundError, ValueError):
        return None


def test_second_builder_waits_or_fails_clearly(op, tmp_path):
    agent = tmp_path / "slow_agent.py"
    agent.write_text(SLOW_AGENT)
    release = tmp_path / "release"
    first = builder_process("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent",
                            f"{sys.executable} {agent} {release}")
    try:
        wait_for(lambda: lock_holder(op) == first.pid, "the first builder to take the lock")
        impatient = builder_process("advance", "--phase", "spec", "--op", str(op.op_dir), "--lock-timeout", "0.3")
        _, err = impatient.communicate(timeout=60)
        assert impatient.returncode == 4
        assert f"is locked by another builder (pid {first.pid}, advance --phase spec" in err
        assert "waited 0.3 s" in err
        patient = builder_process("advance", "--phase", "descriptor", "--op", str(op.op_dir), "--lock-timeout", "120")
        release.touch()
        out, err = patient.communicate(timeout=120)
        assert patient.returncode == 0, err
        assert "phase descriptor: done" in out
    finally:
        release.touch()
        first.wait(timeout=60)
    assert first.returncode == 0
    events = log_events(op)
    assert [e["phase"] for e in events if e["event"] == "phase_completed"] == ["spec", "descriptor"]
    started = {e["phase"]: e["timestamp"] for e in events if e["event"] == "phase_started"}
    spec_done = next(e["timestamp"] for e in events if e["event"] == "phase_completed")
    assert started["descriptor"] > spec_done  # the waiter ran only after the holder finished


def test_killed_phase_is_reported_and_a_rerun_recovers(op):
    victim = builder_process("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent",
                             f"{sys.executable} -c 'import time; time.sleep(60)'",
                             start_new_session=True)
    try:
        wait_for(lambda: any(op.tasks_dir.glob("spec-*.json")), "the agent to be started")
    finally:
        victim.kill()  # the builder first, so that it cannot log the agent's death
        victim.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # then its agent, if it had started
            os.killpg(victim.pid, signal.SIGKILL)
    status = cli("status", "--op", str(op.op_dir)).output
    assert "spec        failed" in status, status
    assert f"interrupted: builder pid {victim.pid} stopped before the phase finished" in status, status
    assert [e["event"] for e in log_events(op)] == ["phase_started"]
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--lock-timeout", "5").exit_code == 0
    assert cli("run", "--op", str(op.op_dir)).exit_code == 0
    report = audit.audit(op)
    assert report.ok, report.problems
    assert report.phases["spec"]["interrupted"] == 1 and report.phases["spec"]["completed"] == 1


APPENDER = '''
import sys
from pathlib import Path
from agents.orchestration.breadcrumbs import Breadcrumbs
log = Breadcrumbs(Path(sys.argv[1]), "copy_op", run_id=sys.argv[2])
for i in range(300):
    log.emit("error", "spec", "builtin", message=sys.argv[3] * (1 + i % 700))
'''


def test_appends_from_many_processes_never_interleave(tmp_path):
    run_id = "20260101T000000Z-1-abcdef"
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(tmp_path), run_id, letter])
             for letter in "abcd"]
    for p in procs:
        assert p.wait(timeout=60) == 0
    lines = (tmp_path / f"{run_id}.jsonl").read_text().split("\n")
    assert lines[-1] == "" and len(lines) == 4 * 300 + 1
    for line in lines[:-1]:
        message = json.loads(line)["message"]
        assert len(set(message)) == 1


def test_lock_times_out_with_the_holder_named(tmp_path):
    path = tmp_path / "op" / ".builder" / "lock"
    with OpLock(path, 1.0, "holding"):
        with pytest.raises(LockTimeout, match=rf"locked by another builder \(pid {os.getpid()}, holding, since "):
            with OpLock(path, 0.2, "waiting"):
                pass
    with OpLock(path, 0.0, "free again"):
        assert json.loads(Path(path).read_text())["purpose"] == "free again"
    with pytest.raises(ValueError, match=r"lock timeout=-1: expected seconds >= 0"):
        OpLock(path, -1)
