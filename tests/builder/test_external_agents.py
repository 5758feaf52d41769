"""--agent: an external program does a phase's job; the builder logs it and gates the result."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from builder_helpers import cli, log_events

AGENT = '''
import json, sys
from pathlib import Path
from agents.spec_tools import render as spec_render
task = json.loads(Path(sys.argv[-1]).read_text())
Path(sys.argv[1]).write_text(json.dumps(task))
spec = json.loads(Path(task["spec"]).read_text())
Path(task["expected_outputs"][0]).write_text("agent wrote this\\n" + spec_render.render(spec))
'''


def write_agent(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "agent.py"
    script.write_text(body)
    return script


def test_agent_does_the_spec_phase_and_is_gated_like_the_builtin(op, tmp_path):
    script = write_agent(tmp_path, AGENT)
    seen = tmp_path / "task_seen.json"
    command = f"{sys.executable} {script} {seen}"
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent", command)
    assert result.exit_code == 0, result.output + result.stderr
    task = json.loads(seen.read_text())
    assert task["phase"] == "spec" and task["op"] == "copy_op"
    assert task["expected_outputs"] == ["fakeops/copy_op/copy_op_spec.md"]
    assert task["schemas"]["op_spec"].endswith("schemas/op_spec.schema.json")
    assert "valid against schemas/op_spec.schema.json" in task["gate"]
    assert op.spec_doc.read_text().startswith("agent wrote this")
    events = [e for e in log_events(op) if e["phase"] == "spec"]
    assert {e["agent"] for e in events} == {f"external: {command}"}
    run = next(e for e in events if e["event"] == "command_run")
    assert run["exit_code"] == 0 and run["duration_s"] >= 0 and run["command"].endswith(".json")
    assert [e["event"] for e in events][-2:] == ["gate_passed", "phase_completed"]
    gate = next(e for e in events if e["event"] == "gate_passed")
    assert gate["summary"]["document_is_rendering"] is False
    written = [e["artifact"]["path"] for e in events if e["event"] == "artifact_written"]
    assert written == ["fakeops/copy_op/copy_op_spec.md"]


def test_failing_agent_fails_the_phase_and_is_logged(op, tmp_path):
    script = write_agent(tmp_path, "import sys\nsys.exit(3)\n")
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent", f"{sys.executable} {script}")
    assert result.exit_code == 1 and "the agent command exited with 3" in result.stderr
    run = next(e for e in log_events(op) if e["event"] == "command_run")
    assert run["exit_code"] == 3
    assert "spec        failed" in cli("status", "--op", str(op.op_dir)).output


def test_agent_that_writes_nothing_fails_validation(op, tmp_path):
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    assert cli("advance", "--phase", "descriptor", "--op", str(op.op_dir)).exit_code == 0
    script = write_agent(tmp_path, "pass\n")
    result = cli("advance", "--phase", "stubs", "--op", str(op.op_dir), "--agent", f"{sys.executable} {script}")
    assert result.exit_code == 1
    assert "stub(s) not written: fakeops/copy_op/stubs/reader.cpp, fakeops/copy_op/stubs/writer.cpp" in result.stderr


def test_agent_stub_that_unbalances_a_cb_fails_the_emulator_gate(op, tmp_path):
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    assert cli("advance", "--phase", "descriptor", "--op", str(op.op_dir)).exit_code == 0
    body = f'''
import json, sys
from pathlib import Path
from agents.spec_tools import stub_codegen
task = json.loads(Path(sys.argv[-1]).read_text())
spec = json.loads(Path(task["spec"]).read_text())
for kernel, out in zip(spec["kernels"], task["expected_outputs"]):
    text = stub_codegen.generate(spec, kernel, "spec.json")
    if kernel["name"] == "reader":
        text = text.replace("stub_produce(0, (1), (1));", "stub_produce(0, (1), (1)); if (stub_row == 0) stub_produce(0, 1, 1);")
    Path(out).parent.mkdir(exist_ok=True)
    Path(out).write_text(text)
Path(task["expected_outputs"][-1]).write_text(stub_codegen.helper_header())
'''
    script = write_agent(tmp_path, body)
    result = cli("advance", "--phase", "stubs", "--op", str(op.op_dir), "--agent", f"{sys.executable} {script}")
    assert result.exit_code == 1
    assert "case 'bf16_4x64': the stubs did not run to completion:" in result.stderr
    assert "CBMisuseError" in result.stderr and "not drained" in result.stderr
    assert [e["event"] for e in log_events(op) if e["phase"] == "stubs"][-1] == "gate_failed"


def test_agent_command_that_cannot_start_is_exit_127(op):
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--agent", "/nonexistent/agent")
    assert result.exit_code == 1 and "exited with 127" in result.stderr
