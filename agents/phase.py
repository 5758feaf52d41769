"""What every phase agent is: one job with named inputs, outputs, a validation step and a gate.

The split matters for `--agent`: an external program may replace `produce` (the job), but the
same `validate` and `gate` run afterwards, so a phase is proven the same way whoever did it.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agents import schemas
from agents.breadcrumbs import Breadcrumbs
from agents.files import atomic_write_text, sha256_file
from agents.paths import OpPaths
from agents.schemas import Issue

Progress = Callable[[str], None]


class PhaseFailed(RuntimeError):
    """The phase ran and did not earn completion; `stage` says where: agent, validation or gate."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage


@dataclass
class Context:
    """What a phase agent may use: the op's paths, the run's log, progress output, injected runners."""

    paths: OpPaths
    phase: str
    log: Breadcrumbs
    agent: str
    progress: Progress
    runners: dict[str, Any] = field(default_factory=dict)

    def emit(self, event: str, **fields: Any) -> None:
        self.log.emit(event, self.phase, self.agent, **fields)

    def spec(self) -> dict[str, Any]:
        """The parsed spec.json (schema-valid once the spec phase is done)."""
        data, issues = schemas.load_json(self.paths.spec, self.paths.rel(self.paths.spec))
        if issues:
            raise PhaseFailed("validation", str(issues[0]))
        return data

    def wrote(self, path: Path) -> None:
        """Log an output file just written, with its hash."""
        self.emit("artifact_written", artifact={"path": self.paths.rel(path), "sha256": sha256_file(path),
                                                "role": "output"})

    def validated(self, subject: Path | str, schema: str, issues: list[Issue]) -> None:
        """Log a validation outcome; raise PhaseFailed when there were errors."""
        name = self.paths.rel(subject) if isinstance(subject, Path) else subject
        if not issues:
            self.emit("validation_passed", schema=schema, subject=name)
            return
        self.emit("validation_failed", schema=schema, subject=name, errors=[i.to_dict() for i in issues])
        shown = "\n  ".join(map(str, issues[:20]))
        more = f"\n  ... and {len(issues) - 20} more" if len(issues) > 20 else ""
        raise PhaseFailed("validation", f"{name} is not valid ({len(issues)} error(s)):\n  {shown}{more}")


class Phase(ABC):
    """One phase: `produce` is the built-in agent's job, `validate` and `gate` prove its result."""

    name: str = ""
    gate_text: str = ""

    @abstractmethod
    def inputs(self, ctx: Context) -> list[Path]:
        """Files the phase reads that no earlier phase vouched for (hashed as its inputs)."""

    @abstractmethod
    def expected_outputs(self, ctx: Context) -> list[str]:
        """Paths (relative to the root) the phase must leave behind, for the task file."""

    @abstractmethod
    def produce(self, ctx: Context) -> None:
        """The built-in agent: write the outputs (logging each with ctx.wrote)."""

    @abstractmethod
    def validate(self, ctx: Context) -> list[Path]:
        """Check the outputs exist and are well-formed; return them. Raises PhaseFailed."""

    @abstractmethod
    def gate(self, ctx: Context) -> dict[str, Any]:
        """Prove the outputs work; return what was measured. Raises PhaseFailed."""

    def schemas(self) -> dict[str, str]:
        """Schemas the outputs follow (name -> path), for the task file."""
        return {}

    def task(self, ctx: Context) -> dict[str, Any]:
        """The phase's task as an external agent receives it."""
        return {
            "op": ctx.paths.name,
            "op_dir": str(ctx.paths.op_dir),
            "root": str(ctx.paths.root),
            "phase": self.name,
            "run_id": ctx.log.run_id,
            "spec": str(ctx.paths.spec),
            "inputs": [str(p) for p in self.inputs(ctx)],
            "expected_outputs": self.expected_outputs(ctx),
            "schemas": self.schemas(),
            "gate": self.gate_text,
        }


def write_task(ctx: Context, phase: Phase) -> Path:
    path = ctx.paths.tasks_dir / f"{phase.name}-{ctx.log.run_id}.json"
    atomic_write_text(path, json.dumps(phase.task(ctx), indent=2) + "\n")
    return path
