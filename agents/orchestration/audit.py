"""`builder audit`: do the breadcrumbs prove a clean build of the op as it is on disk?

Proven means: every line is well-formed and links to the line before it (agents.core.chain: no
line missing, inserted, reordered or edited; with a key, every line signed by it); the state file
agrees with the log (each done phase's completion line is in the log, byte for byte, and is the
phase's effective completion); every phase's latest attempt completed with its gate passed and
nothing logged after the completion; each phase started only after every earlier phase had
completed, on exactly the artifacts those phases vouch for now; and every artifact (files, and the
dependency closure: includes, compiler, emulator API, program model, op sources) equals the
logged one now. Anything else is a problem, named with the file (and line) that shows it.

What that proves depends on the key. Without one (unsigned runs), the chain proves integrity
against accidental or partial edits: a whole run rewritten consistently, hashes recomputed, would
pass. With BUILDER_LOG_KEY set and every line signed, it proves authorship: only a holder of the
key could have written the logs.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agents.core import chain, schemas, settings
from agents.core.graph import PHASES
from agents.core.paths import OpPaths
from agents.orchestration import state
from agents.core.fingerprints import describe_change

PROVES_UNSIGNED = ("unsigned: the hash chain proves integrity against accidental or partial edits only; anyone can "
                   "rewrite a whole run consistently. Set BUILDER_LOG_KEY when building to make logs prove authorship.")
PROVES_SIGNED = ("signed: every line carries an HMAC under BUILDER_LOG_KEY, verified with the key; the logs prove "
                 "authorship by a holder of the key as well as integrity.")
PROVES_KEY_MISSING = ("signed lines found but BUILDER_LOG_KEY is not set here: only the unkeyed chain was checked "
                      "(integrity against accidental or partial edits, not authorship).")


@dataclass
class Event:
    file: str
    line: int
    data: dict[str, Any]
    raw: bytes = b""

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
    signed: str = "unsigned"  # unsigned | signed | key-missing
    proves: str = PROVES_UNSIGNED

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
    _signature_verdict(events, report)
    run_start: dict[str, str] = {}
    for e in events:
        run_start.setdefault(e.data["run_id"], e.data["timestamp"])
    # Runs never overlap (one builder per op holds the lock), so a run's lines go in seq order after
    # the lines of every run that started before it.
    events.sort(key=lambda e: (run_start[e.data["run_id"]], e.data["run_id"], e.data["seq"]))
    attempts = _attempts(events, report)
    effective = _check_phases(attempts, report)
    _check_order(attempts, effective, report)
    _check_state(paths, events, effective, report)
    _check_disk(paths, effective, report)
    return report


def _signature_verdict(events: list[Event], report: Report) -> None:
    """Whether the runs are signed, and what the audit therefore proves."""
    key = settings.log_key()
    any_signed = any(chain.split_signature(e.raw)[1] is not None for e in events)
    if key is not None:
        report.signed, report.proves = "signed", PROVES_SIGNED
    elif any_signed:
        report.signed, report.proves = "key-missing", PROVES_KEY_MISSING
    else:
        report.signed, report.proves = "unsigned", PROVES_UNSIGNED


def _read(paths: OpPaths, path: Path, report: Report) -> list[Event]:
    """Well-formed events of one log; malformed lines, seq gaps and broken links go to the report
    (the first broken link of each run, by file and line)."""
    name = paths.rel(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        report.malformed.append({"file": name, "line": 0, "error": "no such log file"})
        return []
    key = settings.log_key()
    events: list[Event] = []
    runs: dict[str, dict[str, Any]] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        report.lines += 1
        event = _parse(name, number, raw, paths.name, report)
        if event is None:
            continue
        run = runs.setdefault(event.data["run_id"], {"seq": 0, "link": chain.genesis(event.data["run_id"]),
                                                     "broken": False})
        _check_link(event, run, key, report)
        events.append(event)
    return events


def _check_link(event: Event, run: dict[str, Any], key: bytes | None, report: Report) -> None:
    """seq follows, `prev` is the previous line's hash, the signature holds (with a key)."""
    d = event.data
    if d["timestamp"] < run.get("timestamp", ""):
        report.malformed.append({"file": event.file, "line": event.line, "error": f"run {d['run_id']}: timestamp "
                                 f"{d['timestamp']} is earlier than the line before it ({run['timestamp']})"})
    run["timestamp"] = d["timestamp"]
    if d["seq"] != run["seq"] + 1:
        report.malformed.append({"file": event.file, "line": event.line, "error": f"run {d['run_id']}: seq {d['seq']} "
                                 f"follows {run['seq']}: lines are missing or out of order"})
    if not run["broken"]:
        why = None
        if d["prev"] != run["link"]:
            what = "the run's genesis (its first line is missing)" if run["seq"] == 0 else "the line before it"
            why = (f"broken chain: prev {d['prev'][:12]} is not the hash of {what}, {run['link'][:12]}: a line was "
                   "deleted, inserted, reordered or edited here or just before")
        elif key is not None and not chain.verify(key, event.raw):
            signed = chain.split_signature(event.raw)[1] is not None
            why = ("bad signature: the line's hmac does not verify under BUILDER_LOG_KEY (edited or forged)"
                   if signed else
                   "unsigned line: BUILDER_LOG_KEY is set, but this line carries no hmac (not written with the key)")
        if why:
            run["broken"] = True
            report.malformed.append({"file": event.file, "line": event.line, "error": f"run {d['run_id']}: {why}"})
    run["seq"], run["link"] = d["seq"], chain.line_hash(event.raw)


def _parse(name: str, number: int, raw: bytes, op: str, report: Report) -> Event | None:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        report.malformed.append({"file": name, "line": number, "error": "not UTF-8 text; damaged or edited"})
        return None
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
    return Event(name, number, data, raw)


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
    for late in a.events[done_at + 1:]:
        report.problem("after_completion", a.phase, f"{late.where}: {late.data['event']} logged after phase "
                                                    f"'{a.phase}' completed at {a.completed.where}")
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
        for artifact in a.completed.data["artifacts"]:
            change = describe_change(paths, state.Artifact.from_dict(artifact))
            if change:
                kind = "artifact_missing" if change.missing else "artifact_changed"
                report.problem(kind, phase, f"{change.text}; phase '{phase}' logged it at {a.completed.where}")


def _check_state(paths: OpPaths, events: list[Event], effective: dict[str, Attempt], report: Report) -> None:
    """The state file and the log tell the same story: each done phase's completion line is in the
    log byte for byte, and it is the phase's effective (latest) completion, with the same artifacts."""
    try:
        records = state.load(paths)
    except state.StateError as e:
        report.problem("state_damaged", "-", str(e).splitlines()[0])
        return
    by_link = {(Path(e.file).name, e.data["seq"], e.data["run_id"]): e for e in events}
    for phase in PHASES:
        rec, eff = records.get(phase), effective.get(phase)
        if rec is None or rec.status != "done":
            if eff is not None:
                shown = "absent" if rec is None else rec.status
                report.problem("state_mismatch", phase, f"the log shows phase '{phase}' completed "
                                                        f"({eff.completed.where}) but the state file says {shown}")
            continue
        if not rec.log:
            report.problem("state_mismatch", phase, f"the state file records phase '{phase}' as done without the "
                                                    "log line of its completion")
            continue
        line = by_link.get((rec.log["file"], rec.log["seq"], rec.run_id))
        where = f"{rec.log['file']} seq {rec.log['seq']}"
        if line is None or chain.line_hash(line.raw) != rec.log["sha256"]:
            report.problem("state_mismatch", phase, f"the state file's completion of phase '{phase}' ({where}) is "
                                                    "not in the logs as recorded (line missing or changed)")
        elif eff is not None and line is not eff.completed:
            report.problem("state_mismatch", phase, f"the log's effective completion of phase '{phase}' "
                                                    f"({eff.completed.where}) is not the one the state file records "
                                                    f"({line.where})")
        elif [a.to_dict() for a in rec.artifacts] != line.data["artifacts"]:
            report.problem("state_mismatch", phase, f"the state file's artifacts of phase '{phase}' differ from "
                                                    f"those logged at {line.where}")


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
    return "\n".join(lines + ["", f"logs {report.proves}", verdict])
