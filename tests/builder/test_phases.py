"""The phases through the CLI on copy_op: what each writes, logs and records, and every refusal."""
from __future__ import annotations

import json

import pytest

from agents.core import schemas
from agents.orchestration.builder import Builder, BuildFailed
from agents.core.graph import PHASES
from builder_helpers import cli, log_events


def advance(paths, phase, *extra):
    return cli("advance", "--phase", phase, "--op", str(paths.op_dir), *extra)


def events_of(paths, phase):
    return [e["event"] for e in log_events(paths) if e["phase"] == phase]


@pytest.mark.parametrize("command", [[], ["status"], ["advance"], ["run"], ["audit"], ["validate"], ["new"]])
def test_every_command_has_help(command):
    result = cli(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_spec_phase_validates_renders_logs_and_records(op):
    result = advance(op, "spec")
    assert result.exit_code == 0, result.output + result.stderr
    assert "phase spec: done" in result.output
    assert op.spec_doc.read_text().startswith("# copy_op")
    assert events_of(op, "spec") == ["phase_started", "validation_passed", "validation_passed", "artifact_written",
                                     "validation_passed", "validation_passed", "gate_passed", "phase_completed"]
    for event in log_events(op):
        assert schemas.validate(event, "breadcrumb", "log") == []
    state = json.loads(op.state_file.read_text())
    assert schemas.validate(state, "builder_state", "state") == []
    artifacts = {a["path"]: a["role"] for a in state["phases"]["spec"]["artifacts"]}
    assert artifacts == {"fakeops/copy_op/spec.json": "input", "fakeops/copy_op/copy_op_spec.md": "output"}
    assert list(op.builder_dir.glob("*.tmp")) == []


def test_rerun_of_a_done_phase_is_a_no_op_unless_forced(op):
    advance(op, "spec")
    before = len(log_events(op))
    again = advance(op, "spec")
    assert again.exit_code == 0 and "nothing to do (use --force to re-run it)" in again.output
    assert len(log_events(op)) == before
    forced = advance(op, "spec", "--force")
    assert forced.exit_code == 0 and events_of(op, "spec").count("phase_completed") == 2


def test_kernels_refused_when_descriptor_never_ran(op):
    advance(op, "spec")
    result = advance(op, "kernels")
    assert result.exit_code == 3
    assert "cannot start phase 'kernels': phase 'descriptor' is pending (it never ran)" in result.stderr
    assert "Run `builder advance --phase descriptor --op fakeops/copy_op` first." in result.stderr
    assert events_of(op, "kernels") == []


@pytest.mark.parametrize("phase", PHASES[1:])
def test_every_later_phase_refuses_on_a_fresh_op(op, phase):
    result = advance(op, phase)
    assert result.exit_code == 3 and "phase 'spec' is pending (it never ran)" in result.stderr
    for before in PHASES[1:PHASES.index(phase)]:
        assert f"phase '{before}' is pending" in result.stderr


def test_phase_refused_when_an_earlier_artifact_changed(op):
    advance(op, "spec")
    spec = json.loads(op.spec.read_text())
    spec["summary"] = "changed by hand"
    op.spec.write_text(json.dumps(spec))
    result = advance(op, "descriptor")
    assert result.exit_code == 3
    assert "phase 'spec' is stale (fakeops/copy_op/spec.json changed since it was recorded" in result.stderr
    status = cli("status", "--op", str(op.op_dir))
    assert "spec        stale" in status.output and "^ fakeops/copy_op/spec.json changed" in status.output


def test_invalid_spec_fails_naming_file_pointer_and_rule(op):
    spec = json.loads(op.spec.read_text())
    del spec["kernels"][0]["loop_count_arg"]
    op.spec.write_text(json.dumps(spec))
    result = advance(op, "spec")
    assert result.exit_code == 1
    assert ("fakeops/copy_op/spec.json: /kernels/0: 'loop_count_arg' is a required property (rule: required)"
            in result.stderr)
    failed = [e for e in log_events(op) if e["event"] == "validation_failed"]
    assert failed[0]["errors"][0]["pointer"] == "/kernels/0" and failed[0]["errors"][0]["rule"] == "required"
    assert "spec        failed" in cli("status", "--op", str(op.op_dir)).output


def test_descriptor_dumps_valid_programs(op):
    advance(op, "spec")
    result = advance(op, "descriptor")
    assert result.exit_code == 0, result.stderr
    for case in ("bf16_4x64", "fp32_2x3x32"):
        used, issues = schemas.validate_file(op.programs_dir / f"{case}.json")
        assert used == "program" and issues == []
    assert json.loads((op.programs_dir / "bf16_4x64.json").read_text())["cbs"][0]["page_size"] == 128


def test_descriptor_failure_names_the_case(op):
    desc = op.op_dir / "copy_op_program_descriptor.py"
    desc.write_text(desc.read_text().replace("    sticks = math.prod", "    assert dtype != 'float32', 'no fp32'\n"
                                                                      "    sticks = math.prod"))
    advance(op, "spec")
    result = advance(op, "descriptor")
    assert result.exit_code == 1
    assert "case 'fp32_2x3x32': build_program(**{'shape': [2, 3, 32], 'dtype': 'float32'}) raised AssertionError" \
           in result.stderr
    assert "case 'bf16_4x64'" not in result.stderr


def test_descriptor_gate_names_spec_disagreement(op):
    spec = json.loads(op.spec.read_text())
    spec["circular_buffers"][0]["pages"] = "4"
    op.spec.write_text(json.dumps(spec))
    advance(op, "spec")
    result = advance(op, "descriptor")
    assert result.exit_code == 1
    assert "case 'bf16_4x64': CB 0 (cb_sticks): 2 pages in the Program, the spec's pages '4' = 4" in result.stderr
    assert events_of(op, "descriptor")[-1] == "gate_failed"


def test_stubs_never_overwrite_a_real_kernel(op):
    real = op.stubs_dir / "reader.cpp"
    real.parent.mkdir()
    real.write_text((op.op_dir / "kernels" / "copy_op_reader.cpp").read_text())
    spec = json.loads(op.spec.read_text())
    spec["kernels"][0]["source"] = "stubs/reader.cpp"
    op.spec.write_text(json.dumps(spec))
    desc = op.op_dir / "copy_op_program_descriptor.py"
    desc.write_text(desc.read_text().replace('str(KERNELS / "copy_op_reader.cpp")',
                                             'str(KERNELS.parent / "stubs" / "reader.cpp")'))
    original = real.read_bytes()
    assert advance(op, "spec").exit_code == 0 and advance(op, "descriptor").exit_code == 0
    result = advance(op, "stubs")
    assert result.exit_code == 1
    assert "refusing to write stub fakeops/copy_op/stubs/reader.cpp: it is a real kernel's source" in result.stderr
    assert real.read_bytes() == original


def test_stale_stubs_are_removed_but_never_a_real_kernel(op):
    spec = json.loads(op.spec.read_text())
    spec["kernels"][1]["source"] = "stubs/real_writer.cpp"
    op.spec.write_text(json.dumps(spec))
    op.stubs_dir.mkdir()
    real = op.stubs_dir / "real_writer.cpp"
    real.write_text((op.op_dir / "kernels" / "copy_op_writer.cpp").read_text())
    (op.stubs_dir / "old_kernel.cpp").write_text("// a stub of a kernel the spec no longer has\n")
    desc = op.op_dir / "copy_op_program_descriptor.py"
    desc.write_text(desc.read_text().replace('str(KERNELS / "copy_op_writer.cpp")',
                                             'str(KERNELS.parent / "stubs" / "real_writer.cpp")'))
    for phase in ("spec", "descriptor", "stubs"):
        assert advance(op, phase).exit_code == 0, phase
    assert sorted(p.name for p in op.stubs_dir.iterdir()) == ["reader.cpp", "real_writer.cpp", "stub_helpers.h", "writer.cpp"]
    assert "noc_async_write" in real.read_text()


def test_stubs_run_on_the_emulator_and_land_in_stubs(op):
    advance(op, "spec")
    advance(op, "descriptor")
    result = advance(op, "stubs")
    assert result.exit_code == 0, result.stderr
    assert "[2/2] fp32_2x3x32: stubs ran on 1 core(s)" in result.output and "6 pages through 1 CBs" in result.output
    assert sorted(p.name for p in op.stubs_dir.iterdir()) == ["reader.cpp", "stub_helpers.h", "writer.cpp"]
    assert "noc_async_read" not in (op.stubs_dir / "reader.cpp").read_text()
    gate = next(e for e in log_events(op) if e["phase"] == "stubs" and e["event"] == "gate_passed")
    assert gate["summary"]["cases"]["bf16_4x64"]["pages_per_cb"] == {"0": 4}
    assert gate["summary"]["cases"]["bf16_4x64"]["dram_bytes_read"] == 0


def test_stubs_gate_uses_the_stub_sources_and_fails_on_a_fault(op):
    advance(op, "spec")
    advance(op, "descriptor")
    seen = []

    def recording(program):
        seen.append([k.source for k in program.kernels])
        raise RuntimeError("DeadlockError: every kernel waits")

    builder = Builder(op, progress=lambda m: None, runners={"program": recording})
    with pytest.raises(BuildFailed, match=r"phase 'stubs' failed \(gate\): case 'bf16_4x64': the stubs did not run"):
        builder.advance("stubs")
    assert seen == [[str(op.stubs_dir / "reader.cpp"), str(op.stubs_dir / "writer.cpp")]]
    assert events_of(op, "stubs")[-1] == "gate_failed"
    assert json.loads(op.state_file.read_text())["phases"]["stubs"]["status"] == "failed"


def test_kernel_compile_error_fails_the_kernels_gate_then_recovers(built):
    writer = built.op_dir / "kernels" / "copy_op_writer.cpp"
    good = writer.read_text()
    writer.write_text(good.replace("cb_pop_front(cb_sticks, 1);", "cb_pop_front(cb_sticks, 1)"))
    assert "kernels     stale" in cli("status", "--op", str(built.op_dir)).output
    result = advance(built, "kernels")
    assert result.exit_code == 1
    assert "the real kernels did not compile and run: CompileError: kernel 'writer'" in result.stderr
    writer.write_text(good)
    assert advance(built, "kernels").exit_code == 0


def test_failing_numeric_test_fails_the_kernels_gate_naming_it(built):
    test_file = built.op_dir / "test_copy_op.py"
    test_file.write_text(test_file.read_text().replace("assert np.array_equal(raw, out)",
                                                       "assert np.array_equal(raw, out + 1)"))
    status = cli("status", "--op", str(built.op_dir)).output
    assert "kernels     done" in status and "tests       stale" in status  # the tests phase vouches for the file
    result = advance(built, "kernels", "--force")
    assert result.exit_code == 1
    assert "numeric tests did not pass (pytest exit 1; failed: " in result.stderr
    assert "test_copy_is_exact[bfloat16]" in result.stderr
    assert "numeric tests: 0 passed, 2 failed" in result.output


def test_tests_phase_logs_counts(built):
    gate = next(e for e in log_events(built) if e["phase"] == "tests" and e["event"] == "gate_passed")
    assert gate["summary"]["all_tests"]["counts"] == {"tests": 3, "failures": 0, "errors": 0, "skipped": 0,
                                                      "passed": 3}
    kernels = next(e for e in log_events(built) if e["phase"] == "kernels" and e["event"] == "gate_passed")
    assert kernels["summary"]["numeric_tests"]["counts"]["tests"] == 2
    assert kernels["summary"]["numeric_tests"]["pytest_args"] == ["-m", "numeric"]


def test_status_table_and_json(built):
    table = cli("status", "--op", str(built.op_dir)).output
    for phase in PHASES:
        assert f"{phase:<11} done" in table
    assert "every phase is done" in table
    data = json.loads(cli("status", "--op", str(built.op_dir), "--json").output)
    assert data["ok"] is True and data["op"] == "copy_op"
    assert [s["status"] for s in data["phases"]] == ["done"] * 5
    assert any(a["path"] == "fakeops/copy_op/kernels/copy_op_writer.cpp" for a in data["phases"][3]["artifacts"])


def test_run_skips_done_phases(built):
    before = len(log_events(built))
    result = cli("run", "--op", str(built.op_dir))
    assert result.exit_code == 0 and result.output.count("nothing to do") == 5
    assert len(log_events(built)) == before


def test_unknown_op_folder_is_a_usage_error(tmp_path):
    result = cli("status", "--op", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such op folder" in result.stderr


def test_damaged_state_file_is_reported(op):
    op.state_file.parent.mkdir()
    op.state_file.write_text('{"version": 1, "op": "copy_op", "phases": {"spec": {"status": "maybe"}}}')
    result = advance(op, "spec")
    assert result.exit_code == 1 and "the state file is damaged" in result.stderr
    assert "/phases/spec" in result.stderr


def test_validate_command(op, tmp_path):
    ok = cli("validate", str(op.spec))
    assert ok.exit_code == 0 and "valid against op_spec" in ok.output
    bad = tmp_path / "spec.json"
    bad.write_text('{"op": "X"}')
    result = cli("validate", str(bad))
    assert result.exit_code == 1 and f"{bad}: /op: 'X' does not match" in result.stderr
    forced = cli("validate", str(op.spec), "--schema", "program")
    assert forced.exit_code == 1 and "against program" in forced.stderr
