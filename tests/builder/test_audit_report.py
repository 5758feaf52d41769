"""The audit's report as people read it (render) and an attempt's failure summary, on hand-made reports
and attempts: the CLI tests see this text only through whole builds, where one misplaced column or a
dropped section would pass unnoticed."""
from __future__ import annotations

from agents.orchestration.audit import PROVES_SIGNED, PROVES_UNSIGNED, Attempt, Event, Report, render

HEADER = ("phase       attempts  done failed killed gate fails   last s  total s  last completed")


def phase_row(**overrides):
    row = {"attempts": 2, "completed": 1, "failed": 1, "interrupted": 0, "gate_failures": 1,
           "last_duration_s": 3.25, "total_duration_s": 10.0, "last_completed_at": "2026-11-26T08:00:00.000000Z"}
    return {**row, **overrides}


def test_a_clean_report_lists_each_phase_then_what_the_logs_prove():
    report = Report("copy_op", ["logs/copy_op/a.jsonl", "logs/copy_op/b.jsonl"], lines=17,
                    phases={"spec": phase_row(),
                            "descriptor": phase_row(attempts=1, completed=0, failed=0, interrupted=1,
                                                    gate_failures=0, last_duration_s=None, total_duration_s=0.04,
                                                    last_completed_at=None)},
                    proves=PROVES_SIGNED)
    assert render(report).split("\n") == [
        "audit of op copy_op: 2 log(s), 17 line(s)",
        "",
        HEADER,
        "spec               2     1      1      0          1      3.2     10.0  2026-11-26T08:00:00.000000Z",
        "descriptor         1     0      0      1          0        -      0.0  -",
        "",
        f"logs {PROVES_SIGNED}",
        "CLEAN: the logs prove a clean build of the op as it is on disk"]


def test_malformed_lines_and_problems_are_listed_and_counted_in_the_verdict():
    report = Report("copy_op", ["logs/copy_op/a.jsonl"], lines=3,
                    malformed=[{"file": "logs/copy_op/a.jsonl", "line": 2, "error": "not JSON"}],
                    problems=[{"kind": "chain_broken", "phase": "spec", "message": "line 3 does not link"},
                              {"kind": "artifact_changed", "phase": "spec", "message": "spec.json changed"}])
    assert render(report).split("\n") == [
        "audit of op copy_op: 1 log(s), 3 line(s)",
        "",
        HEADER,
        "",
        "malformed lines (1):",
        "  logs/copy_op/a.jsonl:2: not JSON",
        "",
        "problems (2):",
        "  [chain_broken] line 3 does not link",
        "  [artifact_changed] spec.json changed",
        "",
        f"logs {PROVES_UNSIGNED}",
        "NOT PROVEN: 1 malformed line(s), 2 problem(s)"]


def test_a_problem_is_recorded_with_its_kind_phase_and_message():
    report = Report("copy_op", ["logs/copy_op/a.jsonl"])
    assert report.ok
    report.problem("seq_gap", "kernels", "line 4 skips seq 3")
    assert report.problems == [{"kind": "seq_gap", "phase": "kernels", "message": "line 4 skips seq 3"}]
    assert not report.ok


def test_a_report_without_logs_is_not_proven_even_without_problems():
    report = Report("copy_op", [])
    assert not report.ok
    assert render(report).endswith("NOT PROVEN: 0 malformed line(s), 0 problem(s)")
    assert report.to_dict()["ok"] is False and report.to_dict()["op"] == "copy_op"


def event(line: int, name: str, **data) -> Event:
    return Event("logs/copy_op/a.jsonl", line, {"event": name, **data})


def attempt(*events: Event) -> Attempt:
    return Attempt("spec", "run-1", events[0], list(events))


def test_the_failure_is_the_last_failing_event_message():
    start = event(1, "phase_started")
    assert attempt(start, event(2, "gate_failed", message="first"), event(3, "error", message="second")
                   ).failure() == "second"
    assert attempt(start, event(2, "error", message="x" * 400)).failure() == "x" * 300
    assert attempt(start, event(2, "error")).failure() == ""
    assert attempt(start, event(2, "gate_failed", message="gate says no"), event(3, "artifact_written")
                   ).failure() == "gate says no"
    errors = [{"message": m} for m in ("a", "b", "c", "d")]
    assert attempt(start, event(2, "gate_failed", message="older"), event(3, "validation_failed", errors=errors)
                   ).failure() == "a; b; c"
    assert attempt(start, event(2, "artifact_written")).failure() == "no outcome was logged (the builder stopped)"
