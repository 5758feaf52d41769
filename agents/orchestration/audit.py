"""`builder audit`: do the breadcrumbs prove a clean build of the op as it is on disk?

Proven means: every line is well-formed and no line is missing from a run (seq has no gaps);
every phase's latest attempt completed with its gate passed; each phase started only after every
earlier phase had completed, on exactly the artifacts those phases vouch for now; and every
artifact's sha256 on disk equals the last one logged. Anything else is a problem, named with
the file (and line) that shows it.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agents.core import schemas
from agents.core.files import sha256_file
from agents.core.graph import PHASES
from agents.core.paths import OpPaths


@dataclass
class Event:
    file: str
    line: int
    data: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def key(self) -> tuple[str, str, int]:
        return (self.data["timestamp"], self.data["run_id"], self.data["seq"])


@dataclass
class Attempt:
    phase: str
    run_id: str
    start: Event
    events: list[Event] = field(default_factory=list)

    def first(self, name: str) -> Event | None:
        return next((e for e in self.events if e.data["event"] == name), None)

    @property
    def completed(self) -> Event | None:
        return self.first("phase_completed")

    @property
    def outcome(self) -> str:
        if self.completed:
            return "completed"
        if any(e.data["event"] in ("gate_failed", "error", "validation_failed") for e in self.events):
            return "failed"
        return "interrupted"

    def artifacts(self) -> dict[str, str]:
        done = self.completed
        return {a["path"]: a["sha256"] for a in (done.data["artifacts"] if done else [])}

    def failure(self) -> str:
        for e in reversed(self.events):
            if e.data["event"] in ("gate_failed", "error"):
                return e.data.get("message", "")[:300]
            if e.data["event"] == "validation_failed":
                return "; ".join(err["message"] for err in e.data["errors"][:3])
        return "no outcome was logged (the builder stopped)"


@dataclass
class Report:
    op: str
    logs: list[str]
    lines: int = 0
    malformed: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.logs) and not self.malformed and not self.problems

    def problem(self, kind: str, phase: str, message: str) -> None:
        self.problems.append({"kind": kind, "phase": phase, "message": message})

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def audit(paths: OpPaths, logs: list[Path] | None = None) -> Report:
    files = sorted(logs) if logs else sorted(paths.logs_dir.glob("*.jsonl"))
    report = Report(paths.name, [paths.rel(f) for f in files])
    if not files:
        report.problem("no_logs", "-", f"no breadcrumb logs for op {paths.name!r} in {paths.rel(paths.logs_dir)}/")
        return report
    events = []
    for f in files:
        events += _read(paths, f, report)
    events.sort(key=Event.key)
    attempts = _attempts(events, report)
    effective = _check_phases(attempts, report)
    _check_order(attempts, effective, report)
    _check_disk(paths, effective, report)
    return report


def _read(paths: OpPaths, path: Path, report: Report) -> list[Event]:
    """Well-formed events of one log; malformed lines and seq gaps go to the report."""
    name = paths.rel(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        report.malformed.append({"file": name, "line": 0, "error": "no such log file"})
        return []
    events: list[Event] = []
    last_seq: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        report.lines += 1
        event = _parse(name, number, line, paths.name, report)
        if event is None:
            continue
        run, seq = event.data["run_id"], event.data["seq"]
        if seq != last_seq.get(run, 0) + 1:
            report.malformed.append({"file": name, "line": number, "error": f"run {run}: seq {seq} follows "
                                     f"{last_seq.get(run, 0)}: lines are missing or out of order"})
        last_seq[run] = seq
        events.append(event)
    return events


def _parse(name: str, number: int, line: str, op: str, report: Report) -> Event | None:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as e:
        report.malformed.append({"file": name, "line": number, "error": f"not valid JSON ({e.msg} at column "
                                 f"{e.colno}); truncated or edited"})
        return None
    issues = schemas.validate(data, "breadcrumb", f"{name}:{number}")
    if issues:
        report.malformed.append({"file": name, "line": number, "error": "; ".join(
            f"{i.pointer or '/'}: {i.message} (rule: {i.rule})" for i in issues[:5])})
        return None
    if data["op"] != op:
        report.malformed.append({"file": name, "line": number, "error": f"belongs to op {data['op']!r}, not {op!r}"})
        return None
    return Event(name, number, data)


def _attempts(events: list[Event], report: Report) -> dict[str, list[Attempt]]:
    out: dict[str, list[Attempt]] = {p: [] for p in PHASES}
    open_: dict[tuple[str, str], Attempt] = {}
    for e in events:
        key = (e.data["run_id"], e.data["phase"])
        if e.data["event"] == "phase_started":
            open_[key] = Attempt(e.data["phase"], e.data["run_id"], e)
            out[e.data["phase"]].append(open_[key])
        elif key in open_:
            open_[key].events.append(e)
        else:
            report.problem("out_of_order", e.data["phase"], f"{e.where}: {e.data['event']} without a phase_started "
                                                            f"before it in run {e.data['run_id']}")
    return out


def _check_phases(attempts: dict[str, list[Attempt]], report: Report) -> dict[str, Attempt]:
    """Per-phase summary; the effective (latest completed) attempt of each phase."""
    effective: dict[str, Attempt] = {}
    for phase in PHASES:
        tried = attempts[phase]
        done = [a for a in tried if a.outcome == "completed"]
        report.phases[phase] = _summary(tried, done)
        for a in done:
            _check_attempt(a, report)
        if not done:
            if tried:
                report.problem("never_passed", phase, f"phase '{phase}' failed {len(tried)} time(s) and never "
                                                      f"passed; last: {tried[-1].failure()}")
            else:
                report.problem("phase_missing", phase, f"phase '{phase}' never ran in these logs")
            continue
        effective[phase] = done[-1]
        if tried[-1] is not done[-1]:
            report.problem("latest_failed", phase, f"the latest attempt of phase '{phase}' (run {tried[-1].run_id}, "
                                                   f"{tried[-1].start.where}) {tried[-1].outcome} after its last "
                                                   f"completion: {tried[-1].failure()}")
    return effective


def _summary(tried: list[Attempt], done: list[Attempt]) -> dict[str, Any]:
    durations = [a.completed.data["duration_s"] for a in done if a.completed]
    return {"attempts": len(tried), "completed": len(done),
            "failed": sum(a.outcome == "failed" for a in tried),
            "interrupted": sum(a.outcome == "interrupted" for a in tried),
            "gate_failures": sum(1 for a in tried for e in a.events if e.data["event"] == "gate_failed"),
            "validation_failures": sum(1 for a in tried for e in a.events if e.data["event"] == "validation_failed"),
            "last_duration_s": durations[-1] if durations else None,
            "total_duration_s": round(sum(durations), 3),
            "last_completed_at": done[-1].completed.data["timestamp"] if done and done[-1].completed else None}


def _check_attempt(a: Attempt, report: Report) -> None:
    kinds = [e.data["event"] for e in a.events]
    done_at = kinds.index("phase_completed")
    if "gate_passed" not in kinds[:done_at]:
        report.problem("gate_skipped", a.phase, f"phase '{a.phase}' completed at {a.completed.where} without a "
                                                "gate_passed before it")
    bad = [e for e in a.events[:done_at] if e.data["event"] in ("gate_failed", "validation_failed", "error")]
    if bad:
        report.problem("completed_despite_failure", a.phase, f"phase '{a.phase}' completed at {a.completed.where} "
                                                             f"after a {bad[0].data['event']} at {bad[0].where}")


def _check_order(attempts: dict[str, list[Attempt]], effective: dict[str, Attempt], report: Report) -> None:
    for i, phase in enumerate(PHASES):
        eff = effective.get(phase)
        if eff is None:
            continue
        started = eff.start.key()
        stood_on = {d["path"]: d["sha256"] for d in eff.start.data["depends_on"]}
        for before in PHASES[:i]:
            prior = [a for a in attempts[before] if a.completed and a.completed.key() < started]
            if not prior:
                report.problem("out_of_order", phase, f"phase '{phase}' ({eff.start.where}) started before phase "
                                                      f"'{before}' had ever completed")
                continue
            if before not in effective:
                continue
            for path, sha in effective[before].artifacts().items():
                if stood_on.get(path) != sha:
                    report.problem("stale_chain", phase, f"phase '{phase}' ({eff.start.where}) was built on a "
                                                         f"different {path} than phase '{before}' vouches for now")


def _check_disk(paths: OpPaths, effective: dict[str, Attempt], report: Report) -> None:
    for phase, a in effective.items():
        for path, sha in a.artifacts().items():
            now = sha256_file(paths.from_rel(path))
            if now is None:
                report.problem("artifact_missing", phase, f"{path} is missing; phase '{phase}' logged it with sha256 "
                                                          f"{sha[:12]} ({a.completed.where})")
            elif now != sha:
                report.problem("artifact_changed", phase, f"{path} changed on disk since phase '{phase}' logged it "
                                                          f"(sha256 {sha[:12]} logged, {now[:12]} on disk)")


def render(report: Report) -> str:
    """The human-readable report."""
    lines = [f"audit of op {report.op}: {len(report.logs)} log(s), {report.lines} line(s)", "",
             f"{'phase':<11} {'attempts':>8} {'done':>5} {'failed':>6} {'killed':>6} {'gate fails':>10} "
             f"{'last s':>8} {'total s':>8}  last completed"]
    for phase, s in report.phases.items():
        last = f"{s['last_duration_s']:.1f}" if s["last_duration_s"] is not None else "-"
        lines.append(f"{phase:<11} {s['attempts']:>8} {s['completed']:>5} {s['failed']:>6} {s['interrupted']:>6} "
                     f"{s['gate_failures']:>10} {last:>8} {s['total_duration_s']:>8.1f}  "
                     f"{s['last_completed_at'] or '-'}")
    if report.malformed:
        lines += ["", f"malformed lines ({len(report.malformed)}):"]
        lines += [f"  {m['file']}:{m['line']}: {m['error']}" for m in report.malformed]
    if report.problems:
        lines += ["", f"problems ({len(report.problems)}):"]
        lines += [f"  [{p['kind']}] {p['message']}" for p in report.problems]
    verdict = ("CLEAN: the logs prove a clean build of the op as it is on disk" if report.ok else
               f"NOT PROVEN: {len(report.malformed)} malformed line(s), {len(report.problems)} problem(s)")
    return "\n".join(lines + ["", verdict])
