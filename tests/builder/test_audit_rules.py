"""The audit's rules beyond the hash chain, each provoked alone.

Every log here is written through the builder's own writer (Breadcrumbs), so its chain and sequence
numbers are valid and only the rule under test can catch the scenario; each test asserts the
problem's kind, its phase and the file:line (or state entry) the message names.
"""
from __future__ import annotations

import hashlib
import json
from itertools import count

from agents.core.files import sha256_file
from agents.orchestration import audit, breadcrumbs
from agents.orchestration.breadcrumbs import Breadcrumbs


def write_log(paths, events):
    """A log of `events` [(phase, event, fields)] through the builder's writer; returns its
    repository-relative name, as the audit names it."""
    log = Breadcrumbs(paths.logs_dir, paths.name)
    for phase, event, fields in events:
        log.emit(event, phase, "builtin", **fields)
    log.close()
    return paths.rel(log.path)


def spec_artifact(paths):
    return {"path": paths.rel(paths.spec), "sha256": sha256_file(paths.spec), "role": "input"}


def problems(report, kind):
    return [p for p in report.problems if p["kind"] == kind]


GATE = {"gate": "g", "duration_s": 0.1}


def completed(artifacts):
    return {"artifacts": artifacts, "duration_s": 0.1}


def test_timestamp_going_backwards_within_a_run_is_named_by_line(op, monkeypatch):
    """The writer stamps each line with the clock; a clock set back mid-run (or a hand-made run)
    yields a later line with an earlier time, and the audit names that line."""
    stamps = iter(["2026-01-01T00:00:05.000000Z", "2026-01-01T00:00:04.000000Z", "2026-01-01T00:00:06.000000Z"])
    monkeypatch.setattr(breadcrumbs, "utc_now", lambda: next(stamps))
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)]))])
    report = audit.audit(op)
    [late] = report.malformed
    assert late["file"] == name and late["line"] == 2
    assert late["error"].endswith("timestamp 2026-01-01T00:00:04.000000Z is earlier than the line before it "
                                  "(2026-01-01T00:00:05.000000Z)")
    assert not report.ok


def test_gate_passed_only_after_the_completion_is_a_skipped_gate(op):
    """The gate must pass before the phase completes; a gate_passed logged afterwards does not count."""
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "phase_completed", completed([spec_artifact(op)])),
                          ("spec", "gate_passed", GATE)])
    report = audit.audit(op)
    assert report.malformed == []
    [skipped] = problems(report, "gate_skipped")
    assert skipped["phase"] == "spec"
    assert skipped["message"] == f"phase 'spec' completed at {name}:2 without a gate_passed before it"
    [late] = problems(report, "after_completion")
    assert late["message"].startswith(f"{name}:3: gate_passed logged after phase 'spec' completed")


def test_completion_after_a_failed_gate_is_reported(op):
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "gate_failed", {**GATE, "message": "1 failed"}),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)]))])
    report = audit.audit(op)
    assert report.malformed == []
    [bad] = problems(report, "completed_despite_failure")
    assert bad["phase"] == "spec"
    assert bad["message"] == f"phase 'spec' completed at {name}:4 after a gate_failed at {name}:2"


def test_completion_after_a_failed_validation_is_reported(op):
    invalid = {"schema": "op_spec", "subject": "spec.json",
               "errors": [{"file": "spec.json", "message": "bad spec", "pointer": "/x", "rule": "type"}]}
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "validation_failed", invalid),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)]))])
    report = audit.audit(op)
    assert report.malformed == []
    [bad] = problems(report, "completed_despite_failure")
    assert bad["message"] == f"phase 'spec' completed at {name}:4 after a validation_failed at {name}:2"


def test_phase_that_did_not_stand_on_an_earlier_artifact_is_stale(op):
    """A later phase whose depends_on lacks a file the earlier phase vouches for was not built on it."""
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)])),
                          ("descriptor", "phase_started", {"depends_on": []}),
                          ("descriptor", "gate_passed", GATE),
                          ("descriptor", "phase_completed", completed([]))])
    report = audit.audit(op)
    assert report.malformed == []
    [stale] = problems(report, "stale_chain")
    assert stale["phase"] == "descriptor"
    assert stale["message"] == (f"phase 'descriptor' ({name}:4) was built on a different "
                                f"{op.rel(op.spec)} than phase 'spec' vouches for now")


def test_phase_that_stood_on_the_vouched_artifact_is_not_stale(op):
    """The counterpart: the same log with the spec in depends_on has no stale_chain."""
    write_log(op, [("spec", "phase_started", {"depends_on": []}),
                   ("spec", "gate_passed", GATE),
                   ("spec", "phase_completed", completed([spec_artifact(op)])),
                   ("descriptor", "phase_started", {"depends_on": [spec_artifact(op)]}),
                   ("descriptor", "gate_passed", GATE),
                   ("descriptor", "phase_completed", completed([]))])
    assert problems(audit.audit(op), "stale_chain") == []


def test_state_file_artifacts_differing_from_the_logged_ones_are_reported(built):
    """The state file points at the right completion line (hash intact) but lists other artifacts."""
    data = json.loads(built.state_file.read_text())
    record = data["phases"]["stubs"]
    record["artifacts"][0]["sha256"] = "0" * 64
    built.state_file.write_text(json.dumps(data, indent=2))
    report = audit.audit(built)
    assert report.malformed == []
    [mismatch] = problems(report, "state_mismatch")
    assert mismatch["phase"] == "stubs"
    log = built.rel(built.logs_dir / record["log"]["file"])
    line = next(n for n, text in zip(count(1), (built.logs_dir / record["log"]["file"]).read_text().splitlines())
                if json.loads(text)["seq"] == record["log"]["seq"])
    assert mismatch["message"] == f"the state file's artifacts of phase 'stubs' differ from those logged at {log}:{line}"


def test_completion_after_an_error_is_reported(op):
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "error", {"message": "the agent crashed"}),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)]))])
    [bad] = problems(audit.audit(op), "completed_despite_failure")
    assert bad["message"] == f"phase 'spec' completed at {name}:4 after a error at {name}:2"


def test_a_line_deleted_mid_run_names_the_line_before_it(op):
    """Not the genesis message: that one is for a missing first line."""
    name = write_log(op, [("spec", "phase_started", {"depends_on": []}),
                          ("spec", "gate_passed", GATE),
                          ("spec", "phase_completed", completed([spec_artifact(op)]))])
    log = op.root / name
    lines = log.read_bytes().split(b"\n")
    del lines[1]
    log.write_bytes(b"\n".join(lines))
    errors = [m["error"] for m in audit.audit(op).malformed if m["line"] == 2]
    assert any("is not the hash of the line before it, " in e for e in errors), errors
    assert not any("genesis" in e for e in errors)


FIVE_LINES = [("spec", "phase_started", {"depends_on": []}), ("spec", "gate_passed", GATE),
         ("spec", "gate_passed", GATE), ("spec", "gate_passed", GATE), ("spec", "gate_passed", GATE)]


def edit_lines(log, numbers):
    """Change a byte of each given line (1-based) without breaking its JSON."""
    lines = log.read_bytes().split(b"\n")
    for n in numbers:
        lines[n - 1] = lines[n - 1].replace(b'"gate": "g"', b'"gate": "h"')
    log.write_bytes(b"\n".join(lines))
    return lines


def test_only_the_first_broken_link_of_a_run_is_reported_in_full(op):
    """Edits at lines 2 and 4 break the links at 3 and 5; the audit names the first, whole."""
    name = write_log(op, FIVE_LINES)
    log = op.root / name
    original = log.read_bytes().split(b"\n")
    edit_lines(log, [2, 4])
    run_id = json.loads(original[0])["run_id"]
    prev = json.loads(original[2])["prev"]
    edited = log.read_bytes().split(b"\n")[1]
    link = hashlib.sha256(edited).hexdigest()
    assert audit.audit(op).malformed == [{"file": name, "line": 3, "error": (
        f"run {run_id}: broken chain: prev {prev[:12]} is not the hash of the line before it, {link[:12]}: a line "
        "was deleted, inserted, reordered or edited here or just before")}]


def test_with_a_key_an_edited_signed_line_is_named_in_full(op, monkeypatch):
    monkeypatch.setenv("BUILDER_LOG_KEY", "k")
    name = write_log(op, FIVE_LINES)
    edit_lines(op.root / name, [2])
    run_id = json.loads((op.root / name).read_text().splitlines()[0])["run_id"]
    assert audit.audit(op).malformed == [{"file": name, "line": 2, "error": (
        f"run {run_id}: bad signature: the line's hmac does not verify under BUILDER_LOG_KEY (edited or forged)")}]


def test_with_a_key_an_unsigned_run_is_named_in_full(op, monkeypatch):
    monkeypatch.delenv("BUILDER_LOG_KEY", raising=False)
    name = write_log(op, FIVE_LINES)
    monkeypatch.setenv("BUILDER_LOG_KEY", "k")
    run_id = json.loads((op.root / name).read_text().splitlines()[0])["run_id"]
    assert audit.audit(op).malformed == [{"file": name, "line": 1, "error": (
        f"run {run_id}: unsigned line: BUILDER_LOG_KEY is set, but this line carries no hmac "
        "(not written with the key)")}]


def test_the_latest_failed_attempt_is_the_one_named(op):
    """Two completions, then a failed third attempt: the message names the third, with its failure."""
    attempt = [("spec", "phase_started", {"depends_on": []}), ("spec", "gate_passed", GATE),
               ("spec", "phase_completed", completed([spec_artifact(op)]))]
    name = write_log(op, attempt + attempt + [("spec", "phase_started", {"depends_on": []}),
                                              ("spec", "gate_failed", {**GATE, "message": "boom"})])
    run_id = json.loads((op.root / name).read_text().splitlines()[0])["run_id"]
    [latest] = problems(audit.audit(op), "latest_failed")
    assert latest["message"] == (f"the latest attempt of phase 'spec' (run {run_id}, {name}:7) failed after its "
                                 "last completion: boom")


def test_a_phase_completed_while_an_earlier_one_never_ran_is_out_of_order(op):
    name = write_log(op, [("descriptor", "phase_started", {"depends_on": []}), ("descriptor", "gate_passed", GATE),
                          ("descriptor", "phase_completed", completed([]))])
    [late] = problems(audit.audit(op), "out_of_order")
    assert late["phase"] == "descriptor"
    assert late["message"] == f"phase 'descriptor' ({name}:1) started before phase 'spec' had ever completed"
