"""What every phase agent is: one job with named inputs, outputs, a validation step and a gate,
and the context it works in.

The split matters for `--agent`: an external program may replace `produce` (the job), but the
same `validate` and `gate` run afterwards, so a phase is proven the same way whoever did it.
The context carries what several phases need (the spec, where dumps, stubs, kernels and the test
file live), so no phase module imports another.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from agents.core import schemas
from agents.core.files import sha256_file
from agents.core.fingerprints import Artifact
from agents.core.paths import OpPaths
from agents.core.runs import Progress
from agents.core.schemas import Issue
from agents.spec_tools import rules as spec_rules

class PhaseFailed(RuntimeError):
    """The phase ran and did not earn completion; `stage` says where: agent, validation or gate."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage


class EventLog(Protocol):
    """What a phase needs of the run's log (the orchestration's Breadcrumbs)."""

    run_id: str

    def emit(self, event: str, phase: str, agent: str, **fields: Any) -> dict[str, Any]: ...


@dataclass
class Context:
    """What a phase agent may use: the op's paths, the run's log, progress output, and its runners
    ("program", "pytest", "includes": see agents.core.runs)."""

    paths: OpPaths
    phase: str
    log: EventLog
    agent: str
    progress: Progress
    runners: dict[str, Any] = field(default_factory=dict)

    def emit(self, event: str, **fields: Any) -> dict[str, Any]:
        """Log an event of this phase; returns where the line went (file, seq, sha256)."""
        return self.log.emit(event, self.phase, self.agent, **fields)

    def spec(self) -> dict[str, Any]:
        """The parsed spec.json (schema-valid once the spec phase is done)."""
        data, issues = schemas.load_json(self.paths.spec, self.paths.rel(self.paths.spec), schemas.MAX_SPEC_BYTES)
        if issues:
            raise PhaseFailed("validation", str(issues[0]))
        return data

    def valid_spec(self) -> dict[str, Any]:
        """The spec, or PhaseFailed naming every schema and cross-reference error (both logged)."""
        file = self.paths.rel(self.paths.spec)
        data, issues = schemas.load_json(self.paths.spec, file, schemas.MAX_SPEC_BYTES)
        issues = issues or schemas.validate(data, "op_spec", file)
        self.validated(self.paths.spec, "op_spec", issues)
        self.validated(f"{file} cross-references", "op_spec", spec_rules.check(data, file, self.paths.name))
        return data

    def cases(self) -> list[str]:
        return [c["name"] for c in self.spec()["descriptor"]["representative_cases"]]

    def dump_path(self, case: str) -> Path:
        return self.paths.programs_dir / f"{case}.json"

    def stub_path(self, kernel: str) -> Path:
        return self.paths.stubs_dir / f"{kernel}.cpp"

    def kernel_sources(self) -> dict[str, Path]:
        """Kernel name -> the real kernel's source in the op folder, as the spec names it."""
        return {k["name"]: self.paths.op_dir / k["source"] for k in self.spec()["kernels"]}

    def test_file(self) -> Path:
        return self.paths.op_dir / self.spec()["tests"]["file"]

    def wrote(self, path: Path) -> None:
        """Log an output file just written, with its hash."""
        self.emit("artifact_written", artifact={"path": self.paths.rel(path), "sha256": sha256_file(path),
                                                "role": "output"})

    def require_files(self, files: list[Path], what: str) -> None:
        missing = [self.paths.rel(f) for f in files if not f.is_file()]
        if missing:
            raise PhaseFailed("validation", f"{what} missing: {', '.join(missing)}")

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
    instructions: str = ""  # what an external agent is asked to do, in prose
    authored: bool = False  # may `run --agent` hand this phase to an external agent?

    @abstractmethod
    def inputs(self, ctx: Context) -> list[Path]:
        """Files the phase reads that no earlier phase vouched for (hashed as its inputs)."""

    @abstractmethod
    def expected_outputs(self, ctx: Context) -> list[Path]:
        """Files the phase must leave behind (an external agent may write exactly these)."""

    @abstractmethod
    def produce(self, ctx: Context) -> None:
        """The built-in agent: write the outputs (logging each with ctx.wrote)."""

    @abstractmethod
    def validate(self, ctx: Context) -> list[Path]:
        """Check the outputs exist and are well-formed; return them. Raises PhaseFailed."""

    @abstractmethod
    def gate(self, ctx: Context) -> dict[str, Any]:
        """Prove the outputs work; return what was measured. Raises PhaseFailed."""

    def after_agent(self, ctx: Context) -> None:
        """What the builder itself derives from an external agent's work before validating it (the
        descriptor phase builds the dumps from the agent's module); nothing by default."""

    def closure(self, ctx: Context) -> list[Artifact]:
        """What the outputs depend on beyond `inputs`: includes, compiler, emulator API, program
        model, op sources; recorded after the gate, so any later change makes the phase stale."""
        return []

    def writable(self, ctx: Context) -> list[Path]:
        """Files an external agent may create or change: the outputs, unless a phase says more."""
        return self.expected_outputs(ctx)

    def schemas(self) -> dict[str, str]:
        """Schemas the outputs follow (name -> schema name), for the task file."""
        return {}
