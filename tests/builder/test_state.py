"""The state file (agents/orchestration/state.py) on its own, in process and without running a phase:
round trips, refusals with their messages, and each status `builder status` derives. The phase tests
reach this code only through whole builds, which a mutation of one branch here rarely changes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agents.core.fingerprints import Artifact, file_artifact
from agents.core.graph import PHASES
from agents.orchestration import state
from agents.orchestration.state import PhaseRecord, StateError

SHA = "a" * 64
T0 = "2026-11-26T08:00:00.000000Z"
T1 = "2026-11-26T08:00:05.000000Z"


def record(status: str = "done", **fields) -> PhaseRecord:
    base = dict(status=status, run_id="run-1", agent="builtin", pid=os.getpid(), started_at=T0,
                finished_at=T1 if status != "running" else None)
    return PhaseRecord(**{**base, **fields})


def test_a_record_survives_to_dict_and_back_with_its_artifacts(op):
    spec = file_artifact(op, op.spec, "output")
    tree = Artifact("fakeops/copy_op", SHA, "input", "tree", (("a.py", SHA),), ("programs",))
    rec = record(artifacts=[spec], depends_on=[tree], summary={"cases": 2},
                 log={"file": "x.jsonl", "seq": 3, "sha256": SHA})
    data = rec.to_dict()
    assert data["artifacts"] == [spec.to_dict()] and data["depends_on"] == [tree.to_dict()]
    assert data["summary"] == {"cases": 2} and data["log"] == {"file": "x.jsonl", "seq": 3, "sha256": SHA}
    assert PhaseRecord.from_dict(json.loads(json.dumps(data))) == rec


def test_no_state_file_means_no_record(op):
    assert not op.state_file.exists()
    assert state.load(op) == {}


def test_save_writes_every_recorded_phase_in_phase_order_and_load_reads_it_back(op):
    records = {"stubs": record(), "spec": record(error=None), "kernels": record("failed", error="gate: boom")}
    state.save(op, records)
    text = op.state_file.read_text()
    data = json.loads(text)
    assert text.endswith("}\n") and text.startswith('{\n  "version": 1,')
    assert data["version"] == state.STATE_VERSION == 1 and data["op"] == "copy_op"
    assert list(data["phases"]) == ["spec", "stubs", "kernels"]
    assert state.load(op) == records


def test_save_refuses_an_invalid_record_and_leaves_the_file_as_it_was(op):
    state.save(op, {"spec": record()})
    before = op.state_file.read_bytes()
    with pytest.raises(StateError, match=r"^refusing to write an invalid state file: .*'bogus'") as info:
        state.save(op, {"spec": record("bogus", pid=0)})
    message = str(info.value)
    assert message.startswith("refusing to write an invalid state file: fakeops/copy_op/.builder/state.json")
    assert "; fakeops/copy_op/.builder/state.json" in message  # two issues (status, pid), each naming the file
    assert op.state_file.read_bytes() == before


def test_a_damaged_state_file_is_refused_naming_the_file_and_the_way_out(op):
    op.state_file.parent.mkdir(parents=True, exist_ok=True)
    op.state_file.write_text("{ not json")
    with pytest.raises(StateError) as info:
        state.load(op)
    message = str(info.value)
    assert message.startswith("the state file is damaged; delete it to start the op's phases over:\n  ")
    assert "fakeops/copy_op/.builder/state.json" in message
    op.state_file.write_text(json.dumps({"version": 2, "op": "copy_op", "phases": {"spec": {"status": "done"}}}))
    with pytest.raises(StateError, match="the state file is damaged") as info:
        state.load(op)
    head, *issues = str(info.value).split("\n")
    assert len(issues) >= 2  # the version and the record's missing fields, one per line, each naming the file
    assert all(line.startswith("  fakeops/copy_op/.builder/state.json") for line in issues), issues
    assert "run_id" in str(info.value)


def test_changes_name_each_moved_or_missing_artifact(op):
    helper = op.op_dir / "helper.py"
    helper.write_text("A = 1\n")
    same, moved = file_artifact(op, op.spec, "input"), file_artifact(op, helper, "input")
    assert state.changes(op, [same, moved]) == []
    helper.write_text("A = 2\n")
    [text] = state.changes(op, [same, moved])
    assert text.startswith("fakeops/copy_op/helper.py changed since it was recorded (sha256 ")
    helper.unlink()
    [text] = state.changes(op, [same, moved])
    assert text.startswith("fakeops/copy_op/helper.py is missing")


def test_evaluate_gives_every_phase_its_status_and_reasons(op):
    helper = op.op_dir / "helper.py"
    helper.write_text("A = 1\n")
    statuses = state.evaluate(op, {})
    assert [(s.phase, s.status, s.reasons, s.record) for s in statuses] == [
        (p, "pending", ["it never ran"], None) for p in PHASES]
    spec = record(artifacts=[file_artifact(op, op.spec, "output")])
    descriptor = record(depends_on=[file_artifact(op, helper, "input")])
    records = {"spec": spec, "descriptor": descriptor, "stubs": record("failed", error="gate: no"),
               "kernels": record("failed", error=None), "tests": record()}
    by_phase = {s.phase: s for s in state.evaluate(op, records)}
    assert (by_phase["spec"].status, by_phase["spec"].reasons) == ("done", [])
    assert by_phase["spec"].record is spec
    assert (by_phase["descriptor"].status, by_phase["descriptor"].reasons) == ("done", [])
    assert (by_phase["stubs"].status, by_phase["stubs"].reasons) == ("failed", ["gate: no"])
    assert by_phase["stubs"].record is records["stubs"]
    assert (by_phase["kernels"].status, by_phase["kernels"].reasons) == ("failed", ["it failed"])
    assert by_phase["tests"].status == "stale"
    assert by_phase["tests"].reasons == ["earlier phase 'stubs' is failed", "earlier phase 'kernels' is failed"]
    helper.write_text("A = 2\n")  # what the descriptor stood on moved: it, and so the phases after it, go stale
    by_phase = {s.phase: s for s in state.evaluate(op, records)}
    assert by_phase["descriptor"].status == "stale"
    assert by_phase["descriptor"].reasons[0].startswith("fakeops/copy_op/helper.py changed since it was recorded")
    assert by_phase["spec"].status == "done"


def test_a_changed_output_makes_its_own_phase_stale(op):
    spec = record(artifacts=[file_artifact(op, op.spec, "output")])
    op.spec.write_text(op.spec.read_text() + "\n")
    [status] = [s for s in state.evaluate(op, {"spec": spec}) if s.phase == "spec"]
    assert status.status == "stale" and status.reasons[0].startswith("fakeops/copy_op/spec.json changed")


def finished_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_running_phase_is_running_while_its_builder_lives_and_interrupted_after(op, monkeypatch):
    sent = []
    real_kill = os.kill
    monkeypatch.setattr(state.os, "kill", lambda pid, sig: (sent.append(sig), real_kill(pid, sig)))
    mine = record("running", pid=os.getpid())
    [status] = [s for s in state.evaluate(op, {"spec": mine}) if s.phase == "spec"]
    assert (status.status, status.reasons) == ("running", [f"builder pid {os.getpid()} is running it since {T0}"])
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other = record("running", pid=sleeper.pid)  # alive, and not this process
        [status] = [s for s in state.evaluate(op, {"spec": other}) if s.phase == "spec"]
        assert status.status == "running" and status.record is other
        assert sent == [0], "asking whether a builder lives must not signal it (signal 0 only)"
    finally:
        sleeper.kill()
        sleeper.wait()
    gone = finished_pid()
    dead = record("running", pid=gone, run_id="run-9")
    [status] = [s for s in state.evaluate(op, {"spec": dead}) if s.phase == "spec"]
    assert status.status == "failed" and status.record is dead
    assert status.reasons == [f"interrupted: builder pid {gone} stopped before the phase finished "
                              f"(started {T0}, run run-9)"]


def test_a_process_we_may_not_signal_counts_as_alive(monkeypatch):
    def refuse(pid, sig):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(state.os, "kill", refuse)
    assert state._alive(12345) is True


def test_digest_keeps_the_given_order_and_each_file_once(op):
    helper = op.op_dir / "helper.py"
    helper.write_text("A = 1\n")
    artifacts = state.digest(op, [helper, op.spec, helper], "output")
    assert [a.path for a in artifacts] == ["fakeops/copy_op/helper.py", "fakeops/copy_op/spec.json"]
    assert all(a.role == "output" and a.kind == "file" for a in artifacts)
    with pytest.raises(FileNotFoundError, match="artifact fakeops/copy_op/nothing.py does not exist"):
        state.digest(op, [op.op_dir / "nothing.py"], "input")
