"""The phase runner: refuses phases whose ground moved, runs the agent, validates, gates, records.

Every step leaves a breadcrumb and the state file changes only under the op's lock, so the log and
the state agree and two builders on one op cannot interleave. A phase is complete only when its
gate passed; then the sha256 of every file it vouched for, and of every earlier phase's artifacts
it stood on, go into the state file and the log.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Callable

from agents.core import settings
from agents.core.fingerprints import Artifact
from agents.core.graph import PHASES, check_phase, earlier
from agents.core.paths import OpPaths
from agents.orchestration import state
from agents.orchestration.breadcrumbs import BreadcrumbError, Breadcrumbs, utc_now
from agents.orchestration.lock import DEFAULT_TIMEOUT_S, OpLock
from agents.orchestration.state import PhaseRecord
from agents.phases.base import Context, Phase, PhaseFailed
from agents.phases.descriptor import DescriptorPhase
from agents.phases.kernels import KernelsPhase
from agents.phases.spec import SpecPhase
from agents.phases.stubs import StubsPhase
from agents.phases.tests import TestsPhase
from agents.runners.emulator import run_on_emulator
from agents.runners.external import agent_label, run_external
from agents.runners.includes import includes
from agents.runners.pytest_runner import run_pytest

AGENTS: dict[str, Phase] = {p.name: p for p in (SpecPhase(), DescriptorPhase(), StubsPhase(), KernelsPhase(),
                                                TestsPhase())}


class Refused(RuntimeError):
    """The phase may not start: an earlier phase is not complete, or its artifacts changed since."""


class BuildFailed(RuntimeError):
    """The phase ran and failed (agent, validation or gate); the message says which and why."""

    def __init__(self, phase: str, stage: str, message: str) -> None:
        super().__init__(f"phase '{phase}' failed ({stage}): {message}")
        self.phase, self.stage = phase, stage


@dataclass
class Outcome:
    phase: str
    ran: bool
    message: str


class Builder:
    """Runs phases of one op; `runners` may replace the emulator ("program"), pytest ("pytest") and the
    compiler's include listing ("includes"), see agents.core.runs."""

    def __init__(self, paths: OpPaths, *, progress: Callable[[str], None] = print,
                 runners: dict[str, Any] | None = None, lock_timeout: float = DEFAULT_TIMEOUT_S,
                 agent_timeout: float | None = None) -> None:
        self.paths = paths
        self.progress = progress
        self.runners = {"program": run_on_emulator, "pytest": run_pytest, "includes": includes, **(runners or {})}
        self.lock_timeout = lock_timeout
        self.agent_timeout = settings.agent_timeout() if agent_timeout is None else agent_timeout
        self.log: Breadcrumbs | None = None

    def advance(self, phase: str, *, force: bool = False, agent: str | None = None) -> Outcome:
        """Run one phase (refusing when an earlier one is not done and unchanged)."""
        check_phase(phase)
        with self._session(f"advance --phase {phase}"):
            return self._report(self._advance(phase, force, agent))

    def run(self, *, force: bool = False, agent: str | None = None) -> list[Outcome]:
        """Every phase in order; done phases are skipped unless `force`. Stops at the first failure.
        An external agent gets only the authored phases; the builder does the generated ones."""
        with self._session("run"):
            return [self._report(self._advance(phase, force, agent if AGENTS[phase].authored else None))
                    for phase in PHASES]

    def _report(self, outcome: Outcome) -> Outcome:
        self.progress(outcome.message)
        return outcome

    def _session(self, purpose: str) -> _Session:
        return _Session(self, purpose)

    def _advance(self, phase: str, force: bool, agent: str | None) -> Outcome:
        records = state.load(self.paths)
        statuses = {s.phase: s for s in state.evaluate(self.paths, records)}
        blocking = [statuses[before] for before in earlier(phase) if statuses[before].status != "done"]
        if blocking:
            why = "; ".join(f"phase '{st.phase}' is {st.status} ({'; '.join(st.reasons)})" for st in blocking)
            raise Refused(f"cannot start phase '{phase}': {why}. Run `builder advance --phase {blocking[0].phase} "
                          f"--op {self.paths.rel(self.paths.op_dir)}` first.")
        if statuses[phase].status == "done" and not force:
            when = records[phase].finished_at
            return Outcome(phase, False, f"phase '{phase}' is done (completed {when}) and nothing it depends on "
                                         "changed; nothing to do (use --force to re-run it)")
        depends_on = [a for before in earlier(phase) for a in records[before].artifacts]
        previous = records[phase].error if phase in records and records[phase].status == "failed" else None
        return self._execute(phase, records, depends_on, force, agent, previous)

    def _execute(self, phase: str, records: dict[str, PhaseRecord], depends_on: list[Artifact], force: bool,
                 agent: str | None, previous_failure: str | None) -> Outcome:
        assert self.log is not None
        agent_name = agent_label(agent)
        ctx = Context(self.paths, phase, self.log, agent_name, lambda m: self.progress(f"  {phase}: {m}"),
                      self.runners)
        record = PhaseRecord("running", self.log.run_id, agent_name, os.getpid(), utc_now(),
                             depends_on=list(depends_on))
        prior = records.get(phase)
        ctx.emit("phase_started", depends_on=[a.to_dict() for a in depends_on], force=force)
        records[phase] = record
        state.save(self.paths, records)
        started = time.monotonic()
        self.progress(f"phase {phase}: started ({agent_name})")
        try:
            artifacts, summary = self._work(AGENTS[phase], ctx, agent, previous_failure)
            duration = round(time.monotonic() - started, 3)
            tip = ctx.emit("phase_completed", artifacts=[a.to_dict() for a in artifacts], duration_s=duration)
        except BreadcrumbError:
            self._restore(records, phase, prior)  # the log cannot say what happened: the state must not either
            raise
        except PhaseFailed as e:
            self._fail(records, record, ctx, e.stage, str(e))
            raise BuildFailed(phase, e.stage, str(e)) from e
        except Exception as e:  # noqa: BLE001 - any crash of an agent fails the phase, logged
            self._fail(records, record, ctx, "error", f"{type(e).__name__}: {e}")
            raise BuildFailed(phase, "error", f"{type(e).__name__}: {e}") from e
        except BaseException:
            self._fail(records, record, ctx, "error", "interrupted")
            raise
        record.status, record.finished_at, record.artifacts, record.summary = "done", utc_now(), artifacts, summary
        record.log = tip
        state.save(self.paths, records)
        return Outcome(phase, True, f"phase {phase}: done in {duration:.1f} s ({len(artifacts)} artifacts)")

    def _work(self, agent: Phase, ctx: Context, command: str | None,
              previous_failure: str | None) -> tuple[list[Artifact], dict[str, Any]]:
        if command:
            run_external(ctx, agent, command, self.agent_timeout, previous_failure)
            agent.after_agent(ctx)
        else:
            agent.produce(ctx)
        outputs = agent.validate(ctx)
        started = time.monotonic()
        try:
            summary = agent.gate(ctx)
        except PhaseFailed as e:
            if e.stage == "gate":
                ctx.emit("gate_failed", gate=agent.gate_text, duration_s=round(time.monotonic() - started, 3),
                         message=str(e))
            raise
        ctx.emit("gate_passed", gate=agent.gate_text, duration_s=round(time.monotonic() - started, 3),
                 summary=summary)
        recorded = state.digest(self.paths, agent.inputs(ctx), "input") + agent.closure(ctx)
        recorded += state.digest(self.paths, outputs, "output")
        unique: dict[str, Artifact] = {}
        for artifact in recorded:
            unique.setdefault(artifact.path, artifact)
        return list(unique.values()), summary

    def _restore(self, records: dict[str, PhaseRecord], phase: str, prior: PhaseRecord | None) -> None:
        if prior is None:
            records.pop(phase, None)
        else:
            records[phase] = prior
        state.save(self.paths, records)

    def _fail(self, records: dict[str, PhaseRecord], record: PhaseRecord, ctx: Context, stage: str,
              message: str) -> None:
        if stage != "gate":
            try:
                ctx.emit("error", message=f"{stage}: {message}")
            except BreadcrumbError as e:
                message += f" (and the failure could not be logged: {e})"
        record.status, record.finished_at, record.error = "failed", utc_now(), f"{stage}: {message}"
        state.save(self.paths, records)


class _Session:
    """Holds the op's lock and the run's log for one builder command."""

    def __init__(self, builder: Builder, purpose: str) -> None:
        self.builder = builder
        self.lock = OpLock(builder.paths.lock_file, builder.lock_timeout, purpose)

    def __enter__(self) -> _Session:
        log = Breadcrumbs(self.builder.paths.logs_dir, self.builder.paths.name)
        log.check_writable()
        self.lock.__enter__()
        self.builder.log = log
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.builder.log is not None:
            self.builder.log.close()
            self.builder.log = None
        self.lock.__exit__(*exc)
