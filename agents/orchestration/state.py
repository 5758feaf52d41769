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
from agents.core.files import atomic_write_text
from agents.core.fingerprints import Artifact, describe_change, file_artifact
from agents.core.graph import PHASES
from agents.core.paths import OpPaths

STATE_VERSION = 1


class StateError(RuntimeError):
    """The state file exists but cannot be trusted."""


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
    log: dict[str, Any] | None = None  # the phase_completed line: {"file", "seq", "sha256"}, for the audit

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["artifacts"] = [a.to_dict() for a in self.artifacts]
        out["depends_on"] = [a.to_dict() for a in self.depends_on]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhaseRecord:
        fields = dict(data)
        fields["artifacts"] = [Artifact.from_dict(a) for a in data["artifacts"]]
        fields["depends_on"] = [Artifact.from_dict(a) for a in data["depends_on"]]
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
    """One sentence per recorded artifact that differs now (or is gone)."""
    return [c.text for c in (describe_change(paths, a) for a in artifacts) if c is not None]


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
    """File artifacts for files that exist now, in the order given, each once."""
    seen: dict[str, Artifact] = {}
    for f in files:
        artifact = file_artifact(paths, f, role)
        seen.setdefault(artifact.path, artifact)
    return list(seen.values())
