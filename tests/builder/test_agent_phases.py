"""External agents doing the authored phases (descriptor, kernels, tests) of a tiny op: the task file
they get, what they may change, their timeout, and that none outlives a killed builder."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from builder_helpers import FIXTURE, builder_process, cli, log_events

# Copies, from the answers folder, every file the task says it may write; keeps each task it got.
COPYING_AGENT = '''
import json, shutil, sys
from pathlib import Path
answers, seen = Path(sys.argv[1]), Path(sys.argv[2])
task = json.loads(Path(sys.argv[-1]).read_text())
seen.mkdir(exist_ok=True)
(seen / (task["phase"] + ".json")).write_text(json.dumps(task))
for rel in task["writable"]:
    source = answers / Path(rel).relative_to(task["op_dir"])
    if source.is_file():
        Path(rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, rel)
'''

# Starts a grandchild, records both pids, then waits for a long time.
LINGERING_AGENT = '''
import os, subprocess, sys, time
from pathlib import Path
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
Path(sys.argv[1]).write_text(f"{os.getpid()} {child.pid}")
time.sleep(300)
'''


def bare_op(op):
    """copy_op without its descriptor module, kernels and test file: the agent must write them."""
    (op.op_dir / "copy_op_program_descriptor.py").unlink()
    (op.op_dir / "test_copy_op.py").unlink()
    shutil.rmtree(op.op_dir / "kernels")
    return op


def agent_command(tmp_path, body, *args):
    script = tmp_path / "agent.py"
    script.write_text(body)
    return " ".join([sys.executable, str(script), *map(str, args)])


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


def test_run_hands_only_the_authored_phases_to_the_agent(op, tmp_path):
    bare_op(op)
    seen = tmp_path / "seen"
    command = agent_command(tmp_path, COPYING_AGENT, FIXTURE, seen)
    result = cli("run", "--op", str(op.op_dir), "--agent", command)
    assert result.exit_code == 0, result.output + result.stderr
    assert sorted(p.stem for p in seen.iterdir()) == ["descriptor", "kernels", "tests"]
    agents = {e["phase"]: e["agent"] for e in log_events(op)}
    assert agents == {"spec": "builtin", "descriptor": f"external: {command}", "stubs": "builtin",
                      "kernels": f"external: {command}", "tests": f"external: {command}"}
    audit = cli("audit", "--op", str(op.op_dir))
    assert audit.exit_code == 0, audit.output


def test_task_file_is_written_for_a_coding_agent_with_relative_paths(op, tmp_path):
    bare_op(op)
    seen = tmp_path / "seen"
    assert cli("run", "--op", str(op.op_dir), "--agent", agent_command(tmp_path, COPYING_AGENT, FIXTURE, seen)
               ).exit_code == 0
    descriptor = json.loads((seen / "descriptor.json").read_text())
    kernels = json.loads((seen / "kernels.json").read_text())
    for task in (descriptor, kernels):
        assert task["format"] == "builder-task/1" and len(task["instructions"]) > 200
        paths = [task["spec"], task["spec_document"], task["kernel_api_headers"], task["op_dir"],
                 *task["writable"], *task["inputs"], *task["stubs"], *task["program_dumps"],
                 *task["schemas"].values()]
        assert not [p for p in paths if p.startswith("/")]
        assert (op.root / task["kernel_api_headers"] / "api" / "dataflow" / "dataflow_api.h").is_file()
        assert (op.root / task["example_op"] / "spec.json").is_file()
        assert task["previous_failure"] is None
    assert descriptor["writable"][0] == "fakeops/copy_op/copy_op_program_descriptor.py"
    assert descriptor["inputs"] == [] and descriptor["program_dumps"] == []
    assert kernels["writable"] == ["fakeops/copy_op/kernels/copy_op_reader.cpp",
                                   "fakeops/copy_op/kernels/copy_op_writer.cpp", "fakeops/copy_op/test_copy_op.py"]
    assert "fakeops/copy_op/test_copy_op.py" not in kernels["inputs"]  # it does not exist yet
    assert kernels["stubs"] == ["fakeops/copy_op/stubs/reader.cpp", "fakeops/copy_op/stubs/stub_helpers.h",
                                "fakeops/copy_op/stubs/writer.cpp"]
    assert kernels["program_dumps"] == ["fakeops/copy_op/programs/bf16_4x64.json",
                                        "fakeops/copy_op/programs/fp32_2x3x32.json"]
    assert "numeric tests" in kernels["gate"]


def test_the_next_task_carries_the_previous_failure(op, tmp_path):
    bare_op(op)
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    failing = agent_command(tmp_path, "import sys\nsys.exit(7)\n")
    assert cli("advance", "--phase", "descriptor", "--op", str(op.op_dir), "--agent", failing).exit_code == 1
    seen = tmp_path / "seen"
    command = agent_command(tmp_path, COPYING_AGENT, FIXTURE, seen)
    assert cli("advance", "--phase", "descriptor", "--op", str(op.op_dir), "--agent", command).exit_code == 0
    task = json.loads((seen / "descriptor.json").read_text())
    assert task["previous_failure"].startswith("agent: the agent command exited with 7")


def test_a_change_outside_the_phase_outputs_fails_naming_the_file(op, tmp_path):
    bare_op(op)
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    meddling = COPYING_AGENT + '\nPath(task["spec"]).write_text(Path(task["spec"]).read_text() + " ")\n'
    command = agent_command(tmp_path, meddling, FIXTURE, tmp_path / "seen")
    result = cli("advance", "--phase", "descriptor", "--op", str(op.op_dir), "--agent", command)
    assert result.exit_code == 1
    assert "the agent changed file(s) outside phase 'descriptor''s outputs: fakeops/copy_op/spec.json" in result.stderr


def test_an_agent_past_its_timeout_is_killed_and_fails_the_phase(op, tmp_path):
    pids = tmp_path / "pids"
    command = agent_command(tmp_path, LINGERING_AGENT, pids)
    started = time.monotonic()
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent", command, "--agent-timeout", "3")
    assert result.exit_code == 1 and "ran past its 3 s timeout and was killed" in result.stderr
    assert time.monotonic() - started < 60
    agent, grandchild = map(int, pids.read_text().split())
    assert not alive(agent) and not alive(grandchild)
    run = next(e for e in log_events(op) if e["event"] == "command_run")
    assert run["exit_code"] == -9 and run["message"] == "killed at its 3 s timeout"


def test_no_agent_survives_a_killed_builder(op, tmp_path):
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    pids = tmp_path / "pids"
    builder = builder_process("advance", "--phase", "descriptor", "--op", str(op.op_dir), "--agent",
                              agent_command(tmp_path, LINGERING_AGENT, pids))
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    agent, grandchild = map(int, pids.read_text().split())
    assert alive(agent) and alive(grandchild)
    os.kill(builder.pid, signal.SIGKILL)
    builder.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while (alive(agent) or alive(grandchild)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(agent) and not alive(grandchild)


@pytest.mark.parametrize("phase", ["spec", "stubs"])
def test_advance_may_still_hand_a_generated_phase_to_an_agent_explicitly(op, tmp_path, phase):
    """`run --agent` skips them, but an explicit `advance --phase P --agent` is honoured (the gate decides)."""
    for before in ("spec", "descriptor")[:("spec", "stubs").index(phase) * 2]:
        assert cli("advance", "--phase", before, "--op", str(op.op_dir)).exit_code == 0
    result = cli("advance", "--phase", phase, "--op", str(op.op_dir), "--agent",
                 agent_command(tmp_path, "pass\n"))
    assert result.exit_code == 1  # it wrote nothing: validation fails, naming the missing outputs
    assert "not written" in result.stderr or "file not found" in result.stderr
