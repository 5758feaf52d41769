"""`builder audit`: clean builds pass; tampering, damaged logs and unproven phases fail, named."""
from __future__ import annotations

import json

from agents.orchestration import audit
from agents.orchestration.breadcrumbs import Breadcrumbs
from agents.core.files import sha256_file
from builder_helpers import cli


def run_audit(paths, *args):
    return cli("audit", "--op", str(paths.op_dir), *args)


def only_log(paths):
    [log] = sorted(paths.logs_dir.glob("*.jsonl"))
    return log


def test_clean_build_passes(built):
    result = run_audit(built)
    assert result.exit_code == 0, result.output
    assert "CLEAN: the logs prove a clean build" in result.output
    assert "kernels" in result.output and "attempts" in result.output


def test_json_report(built):
    report = json.loads(run_audit(built, "--json").output)
    assert report["ok"] is True and report["problems"] == [] and report["malformed"] == []
    assert report["phases"]["tests"]["attempts"] == 1 and report["phases"]["tests"]["completed"] == 1
    assert report["phases"]["stubs"]["last_duration_s"] > 0


def test_hand_edited_kernel_fails_naming_the_file(built):
    kernel = built.op_dir / "kernels" / "copy_op_reader.cpp"
    kernel.write_text(kernel.read_text() + "// edited by hand\n")
    result = run_audit(built)
    assert result.exit_code == 1
    assert "[artifact_changed] fakeops/copy_op/kernels/copy_op_reader.cpp changed since it was recorded" \
           in result.output and "phase 'kernels' logged it at" in result.output
    assert "NOT PROVEN" in result.output


def test_missing_artifact_is_named(built):
    (built.stubs_dir / "writer.cpp").unlink()
    result = run_audit(built)
    assert result.exit_code == 1 and "[artifact_missing] fakeops/copy_op/stubs/writer.cpp is missing" in result.output


def test_truncated_line_is_reported_with_its_number(built):
    log = only_log(built)
    lines = log.read_text().splitlines()
    with open(log, "a") as f:
        f.write(lines[0][:40])
    result = run_audit(built)
    assert result.exit_code == 1
    assert f"{built.rel(log)}:{len(lines) + 1}: not valid JSON" in result.output


def test_deleted_line_is_a_sequence_gap(built):
    log = only_log(built)
    lines = log.read_text().splitlines()
    gate = next(i for i, line in enumerate(lines) if '"gate_failed"' in line or '"gate_passed"' in line)
    del lines[gate]
    log.write_text("\n".join(lines) + "\n")
    result = run_audit(built)
    assert result.exit_code == 1
    assert f"{built.rel(log)}:{gate + 1}: run " in result.output and "lines are missing or out of order" in result.output
    assert "[gate_skipped]" in result.output


def test_line_that_breaks_the_schema_is_malformed(built):
    log = only_log(built)
    text = log.read_text().replace('"event": "phase_completed"', '"event": "phase_finished"', 1)
    log.write_text(text)
    report = audit.audit(built)
    assert not report.ok
    assert any("/event" in m["error"] for m in report.malformed)


def synthetic(paths, events):
    """Write a log of `events` [(phase, event, fields)] with consistent seq numbers."""
    log = Breadcrumbs(paths.logs_dir, paths.name)
    for phase, event, fields in events:
        log.emit(event, phase, "builtin", **fields)
    log.close()
    return log.path


def artifact(paths, path):
    return {"path": paths.rel(path), "sha256": sha256_file(path), "role": "input"}


def test_gate_skipped_and_out_of_order_are_reported(op):
    spec = artifact(op, op.spec)
    synthetic(op, [
        ("descriptor", "phase_started", {"depends_on": []}),
        ("descriptor", "gate_passed", {"gate": "g", "duration_s": 0.1}),
        ("descriptor", "phase_completed", {"artifacts": [], "duration_s": 0.1}),
        ("spec", "phase_started", {"depends_on": []}),
        ("spec", "phase_completed", {"artifacts": [spec], "duration_s": 0.1}),
    ])
    report = audit.audit(op)
    kinds = {(p["kind"], p["phase"]) for p in report.problems}
    assert ("gate_skipped", "spec") in kinds
    assert ("out_of_order", "descriptor") in kinds
    assert ("phase_missing", "tests") in kinds
    assert not report.ok


def test_failures_never_passed_are_reported(op):
    spec = json.loads(op.spec.read_text())
    spec["circular_buffers"][0]["index"] = 99
    op.spec.write_text(json.dumps(spec))
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 1
    report = audit.audit(op)
    [never] = [p for p in report.problems if p["kind"] == "never_passed"]
    assert never["phase"] == "spec" and "failed 1 time(s) and never passed" in never["message"]
    assert "99 is greater than the maximum of 31" in never["message"]
    assert report.phases["spec"]["validation_failures"] == 1


def test_latest_attempt_failing_after_a_completion_is_reported(built):
    kernel = built.op_dir / "kernels" / "copy_op_writer.cpp"
    good = kernel.read_text()
    kernel.write_text(good.replace("noc_async_write_barrier();", ""))
    assert cli("advance", "--phase", "kernels", "--op", str(built.op_dir), "--force").exit_code == 1
    kernel.write_text(good)
    report = audit.audit(built)
    [latest] = [p for p in report.problems if p["kind"] == "latest_failed"]
    assert latest["phase"] == "kernels" and "failed after its last completion" in latest["message"]
    assert report.phases["kernels"]["attempts"] == 2 and report.phases["kernels"]["gate_failures"] == 1


def test_stale_chain_is_reported(built):
    spec = json.loads(built.spec.read_text())
    spec["summary"] = "a new summary"
    built.spec.write_text(json.dumps(spec, indent=2))
    assert cli("advance", "--phase", "spec", "--op", str(built.op_dir)).exit_code == 0
    report = audit.audit(built)
    chained = [p for p in report.problems if p["kind"] == "stale_chain"]
    assert {p["phase"] for p in chained} == {"descriptor", "stubs", "kernels", "tests"}
    assert "was built on a different fakeops/copy_op/spec.json than phase 'spec' vouches for now" \
           in chained[0]["message"]


def test_explicit_logs_must_prove_everything_themselves(built):
    assert cli("advance", "--phase", "tests", "--op", str(built.op_dir), "--force").exit_code == 0
    newest = sorted(built.logs_dir.glob("*.jsonl"))[-1]
    result = run_audit(built, str(newest))
    assert result.exit_code == 1 and "[phase_missing] phase 'spec' never ran in these logs" in result.output
    assert run_audit(built, *map(str, sorted(built.logs_dir.glob("*.jsonl")))).exit_code == 0


def test_no_logs_is_not_a_proof(op):
    result = run_audit(op)
    assert result.exit_code == 1 and "[no_logs]" in result.output
