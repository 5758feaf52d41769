"""The breadcrumb chain: every manipulation of a log is detected and named by file and line; the
audit says whether runs are signed and what that proves; with a key, even a consistent rewrite of
a whole run or a wholly forged run file is caught."""
from __future__ import annotations

import hashlib
import json

import pytest

from agents.orchestration import audit
from agents.orchestration.breadcrumbs import BreadcrumbError, Breadcrumbs
from builder_helpers import cli

KEY = "a secret of the team"


def only_log(paths):
    [log] = sorted(paths.logs_dir.glob("*.jsonl"))
    return log


def lines_of(log):
    return log.read_bytes().split(b"\n")[:-1]


def write_lines(log, lines):
    log.write_bytes(b"".join(line + b"\n" for line in lines))


def link(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def rechain(lines):
    """What a forger without the key can do: renumber and relink every line consistently."""
    out, prev = [], None
    for seq, line in enumerate(lines, start=1):
        data = json.loads(line)
        data.pop("hmac", None)
        data["seq"] = seq
        data["prev"] = prev or hashlib.sha256(f"run:{data['run_id']}".encode()).hexdigest()
        raw = json.dumps(data).encode()
        out.append(raw)
        prev = link(raw)
    return out


def malformed_at(report, log, line):
    return [m["error"] for m in report.malformed if m["file"].endswith(log.name) and m["line"] == line]


def test_clean_unsigned_build_says_what_it_proves(built):
    result = cli("audit", "--op", str(built.op_dir))
    assert result.exit_code == 0, result.output
    assert "logs unsigned: the hash chain proves integrity against accidental or partial edits only" in result.output
    assert audit.audit(built).signed == "unsigned"


def test_kernel_edited_and_its_hash_replaced_in_the_log_is_detected(built):
    kernel = built.op_dir / "kernels" / "copy_op_reader.cpp"
    old = hashlib.sha256(kernel.read_bytes()).hexdigest()
    kernel.write_text(kernel.read_text() + "// edited\n")
    new = hashlib.sha256(kernel.read_bytes()).hexdigest()
    log = only_log(built)
    lines = lines_of(log)
    first = next(i for i, line in enumerate(lines) if old.encode() in line)
    write_lines(log, [line.replace(old.encode(), new.encode()) for line in lines])
    report = audit.audit(built)
    assert not report.ok
    assert any("broken chain" in e for e in malformed_at(report, log, first + 2))
    assert any(p["kind"] == "state_mismatch" for p in report.problems)


def test_deleted_line_is_named(built):
    log = only_log(built)
    lines = lines_of(log)
    del lines[5]
    write_lines(log, lines)
    errors = malformed_at(audit.audit(built), log, 6)
    assert any("seq 7 follows 5" in e for e in errors) and any("broken chain" in e for e in errors)


def test_deleted_first_line_is_named(built):
    log = only_log(built)
    write_lines(log, lines_of(log)[1:])
    errors = malformed_at(audit.audit(built), log, 1)
    assert any("seq 2 follows 0" in e for e in errors)
    assert any("not the hash of the run's genesis (its first line is missing)" in e for e in errors)


def test_swapped_lines_are_named(built):
    log = only_log(built)
    lines = lines_of(log)
    lines[3], lines[4] = lines[4], lines[3]
    write_lines(log, lines)
    errors = malformed_at(audit.audit(built), log, 4)
    assert any("seq 5 follows 3" in e for e in errors) and any("broken chain" in e for e in errors)


def test_inserted_line_is_named(built):
    log = only_log(built)
    lines = lines_of(log)
    lines.insert(7, lines[6])
    write_lines(log, lines)
    report = audit.audit(built)
    assert any("broken chain" in e for e in malformed_at(report, log, 8))
    assert not report.ok


def test_truncated_line_is_named(built):
    log = only_log(built)
    lines = lines_of(log)
    lines[9] = lines[9][:50]
    write_lines(log, lines)
    report = audit.audit(built)
    assert any("not valid JSON" in e for e in malformed_at(report, log, 10))
    assert any("broken chain" in e for e in malformed_at(report, log, 11))


def test_appended_forged_completion_with_a_valid_link_is_named(built):
    log = only_log(built)
    lines = lines_of(log)
    done = json.loads(next(line for line in lines if b'"phase": "kernels", "agent": "builtin", '
                                                       b'"event": "phase_completed"' in line))
    last = json.loads(lines[-1])
    forged = {**done, "timestamp": last["timestamp"], "seq": last["seq"] + 1, "prev": link(lines[-1])}
    write_lines(log, lines + [json.dumps(forged).encode()])
    report = audit.audit(built)
    assert report.malformed == []  # the link itself is right: the forger recomputed it
    kinds = {(p["kind"], p["phase"]) for p in report.problems}
    assert ("after_completion", "kernels") in kinds
    named = next(p["message"] for p in report.problems if p["kind"] == "after_completion")
    assert f"{log.name}:{len(lines) + 1}: phase_completed logged after phase 'kernels' completed" in named
    assert not report.ok


def test_gate_passed_after_its_phase_completed_is_reported(built):
    log = only_log(built)
    lines = lines_of(log)
    gate = json.loads(next(line for line in lines if b'"phase": "tests"' in line and b'"gate_passed"' in line))
    forged = {**gate, "seq": json.loads(lines[-1])["seq"] + 1, "prev": link(lines[-1])}
    write_lines(log, lines + [json.dumps(forged).encode()])
    report = audit.audit(built)
    assert any(p["kind"] == "after_completion" and "gate_passed logged after phase 'tests' completed" in p["message"]
               for p in report.problems)


def test_state_file_disagreeing_with_the_log_is_reported(built):
    state = json.loads(built.state_file.read_text())
    state["phases"]["stubs"]["log"]["sha256"] = "0" * 64
    built.state_file.write_text(json.dumps(state))
    report = audit.audit(built)
    [problem] = [p for p in report.problems if p["kind"] == "state_mismatch"]
    assert problem["phase"] == "stubs" and "not in the logs as recorded" in problem["message"]


def test_consistent_rewrite_of_a_whole_run_passes_without_a_key(built):
    """What the chain cannot prove without a key, stated by the audit: a forger who relinks every line
    (and rewrites the state file to match) is not caught; the test pins that limit down."""
    log = only_log(built)
    rewritten = rechain(lines_of(log))
    write_lines(log, rewritten)
    state = json.loads(built.state_file.read_text())
    for rec in state["phases"].values():
        rec["log"]["sha256"] = link(rewritten[rec["log"]["seq"] - 1])
    built.state_file.write_text(json.dumps(state))
    report = audit.audit(built)
    assert report.ok and report.signed == "unsigned"


def test_refused_breadcrumb_leaves_no_gap(op):
    log = Breadcrumbs(op.logs_dir, op.name)
    log.emit("phase_started", "spec", "builtin", depends_on=[])
    with pytest.raises(BreadcrumbError, match="refusing to log an invalid breadcrumb"):
        log.emit("gate_failed", "spec", "builtin", gate="g", duration_s=0.1)  # no message
    log.emit("error", "spec", "builtin", message="stopped")
    log.close()
    report = audit.audit(op)
    assert report.malformed == [] and report.lines == 2


@pytest.fixture
def signed(op, monkeypatch):
    """copy_op with its spec phase built while a key was set (the key stays set)."""
    monkeypatch.setenv("BUILDER_LOG_KEY", KEY)
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    return op


def spec_only(report):
    return [p for p in report.problems if p["kind"] != "phase_missing"]


def test_signed_run_verifies_with_the_key_and_says_so(signed):
    report = audit.audit(signed)
    assert report.malformed == [] and spec_only(report) == [] and report.signed == "signed"
    assert all(b'"hmac": "' in line for line in lines_of(only_log(signed)))
    result = cli("audit", "--op", str(signed.op_dir))
    assert "logs signed: every line carries an HMAC under BUILDER_LOG_KEY" in result.output


def test_signed_run_without_the_key_says_authorship_is_unchecked(signed, monkeypatch):
    monkeypatch.delenv("BUILDER_LOG_KEY")
    report = audit.audit(signed)
    assert report.malformed == [] and report.signed == "key-missing"


def test_with_a_key_a_consistent_rewrite_of_a_whole_run_is_detected(signed):
    log = only_log(signed)
    write_lines(log, rechain([line.replace(b"Copies a ROW_MAJOR", b"Copies any") for line in lines_of(log)]))
    errors = malformed_at(audit.audit(signed), log, 1)
    assert any("unsigned line: BUILDER_LOG_KEY is set, but this line carries no hmac" in e for e in errors)


def test_with_a_key_an_edited_signed_line_is_detected(signed):
    log = only_log(signed)
    lines = lines_of(log)
    lines[-1] = lines[-1].replace(b'"duration_s": ', b'"duration_s": 1')
    write_lines(log, lines)
    errors = malformed_at(audit.audit(signed), log, len(lines))
    assert any("bad signature" in e for e in errors)


def test_with_a_key_a_wholly_forged_run_file_is_detected(signed):
    real = only_log(signed)
    forged = real.with_name("20990101T000000Z-1-abcdef.jsonl")
    lines = [line.replace(real.stem.encode(), forged.stem.encode()) for line in lines_of(real)]
    write_lines(forged, rechain(lines))
    report = audit.audit(signed)
    assert any("carries no hmac" in e for e in malformed_at(report, forged, 1))
    assert not report.ok
