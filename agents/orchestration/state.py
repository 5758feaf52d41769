"""The builder's memory of an op: per phase, its outcome and the sha256 of every file it vouched for.

A phase is only as good as the ground it stood on, so a completed phase also records the hashes of
the earlier phases' artifacts it built on (`depends_on`); when any of those files, or its own,
differs on disk, the phase is stale and the reasons name the files.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agents.core import schemas
from agents.core.files import atomic_write_text, sha256_file
from agents.core.graph import PHASES
from agents.core.paths import OpPaths

STATE_VERSION = 1


class StateError(RuntimeError):
    """The state file exists but cannot be trusted."""


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to the root, as OpPaths.rel gives it
    sha256: str
    role: str  # "input" (checked) or "output" (written)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class PhaseRecord:
    status: str  # running | done | failed
    run_id: str
    agent: str
    pid: int
    started_at: str
    finished_at: str | None = None
    artifacts: list[Artifact] = field(default_factory=list)
    depends_on: list[Artifact] = field(default_factory=list)
    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["artifacts"] = [a.to_dict() for a in self.artifacts]
        out["depends_on"] = [a.to_dict() for a in self.depends_on]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhaseRecord:
        fields = dict(data)
        fields["artifacts"] = [Artifact(**a) for a in data["artifacts"]]
        fields["depends_on"] = [Artifact(**a) for a in data["depends_on"]]
        return cls(**fields)


@dataclass
class PhaseStatus:
    """What `builder status` shows for one phase, and why."""

    phase: str
    status: str  # done | stale | pending | failed | running
    reasons: list[str]
    record: PhaseRecord | None


def load(paths: OpPaths) -> dict[str, PhaseRecord]:
    if not paths.state_file.exists():
        return {}
    data, issues = schemas.load_json(paths.state_file, paths.rel(paths.state_file))
    issues = issues or schemas.validate(data, "builder_state", paths.rel(paths.state_file))
    if issues:
        raise StateError("the state file is damaged; delete it to start the op's phases over:\n  "
                         + "\n  ".join(map(str, issues)))
    return {phase: PhaseRecord.from_dict(rec) for phase, rec in data["phases"].items()}


def save(paths: OpPaths, records: dict[str, PhaseRecord]) -> None:
    data = {"version": STATE_VERSION, "op": paths.name,
            "phases": {p: records[p].to_dict() for p in PHASES if p in records}}
    issues = schemas.validate(data, "builder_state", paths.rel(paths.state_file))
    if issues:
        raise StateError("refusing to write an invalid state file: " + "; ".join(map(str, issues)))
    atomic_write_text(paths.state_file, json.dumps(data, indent=2) + "\n")


def changes(paths: OpPaths, artifacts: list[Artifact]) -> list[str]:
    """One sentence per recorded file whose content on disk differs (or that is gone)."""
    out = []
    for a in artifacts:
        now = sha256_file(paths.from_rel(a.path))
        if now is None:
            out.append(f"{a.path} is missing (it had sha256 {a.sha256[:12]})")
        elif now != a.sha256:
            out.append(f"{a.path} changed since it was recorded (sha256 {a.sha256[:12]} -> {now[:12]})")
    return out


def evaluate(paths: OpPaths, records: dict[str, PhaseRecord]) -> list[PhaseStatus]:
    """Every phase's status in order; a done phase goes stale when anything it stood on moved."""
    out: list[PhaseStatus] = []
    for phase in PHASES:
        rec = records.get(phase)
        if rec is None:
            out.append(PhaseStatus(phase, "pending", ["it never ran"], None))
        elif rec.status == "running":
            out.append(_running(phase, rec))
        elif rec.status == "failed":
            out.append(PhaseStatus(phase, "failed", [rec.error or "it failed"], rec))
        else:
            reasons = changes(paths, rec.artifacts) + changes(paths, rec.depends_on)
            reasons += [f"earlier phase '{s.phase}' is {s.status}" for s in out if s.status != "done"]
            out.append(PhaseStatus(phase, "stale" if reasons else "done", reasons, rec))
    return out


def _running(phase: str, rec: PhaseRecord) -> PhaseStatus:
    if rec.pid == os.getpid() or _alive(rec.pid):
        return PhaseStatus(phase, "running", [f"builder pid {rec.pid} is running it since {rec.started_at}"], rec)
    return PhaseStatus(phase, "failed", [f"interrupted: builder pid {rec.pid} stopped before the phase finished "
                                         f"(started {rec.started_at}, run {rec.run_id})"], rec)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def digest(paths: OpPaths, files: list[Path], role: str) -> list[Artifact]:
    """Artifacts for files that exist now, in the order given, each once."""
    seen: dict[str, Artifact] = {}
    for f in files:
        sha = sha256_file(f)
        if sha is None:
            raise FileNotFoundError(f"artifact {paths.rel(f)} does not exist")
        seen.setdefault(paths.rel(f), Artifact(paths.rel(f), sha, role))
    return list(seen.values())
