"""`builder`: carry an op through its phases (spec, descriptor, stubs, kernels, tests), show where
it stands, and audit the breadcrumbs.

Exit codes: 0 success; 1 a phase failed, validation found errors, or the audit proved nothing;
2 bad usage; 3 a phase refused to start (an earlier phase is not done, or its files changed);
4 another builder held the op's lock past --lock-timeout.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from agents.orchestration import audit as audit_mod
from agents.core import schemas
from agents.orchestration import state
from agents.orchestration.builder import Builder, BuildFailed, Refused
from agents.core.graph import PHASES
from agents.orchestration.lock import DEFAULT_TIMEOUT_S, LockTimeout
from agents.orchestration.new_op import NewOpError, create
from agents.core.paths import DEFAULT_OP, OpPathError, OpPaths, resolve_op

EXIT_FAILED, EXIT_REFUSED, EXIT_LOCKED = 1, 3, 4

op_option = click.option("--op", "op", default=DEFAULT_OP, show_default=True, metavar="PATH",
                         help="The op folder, relative to the working directory or to this repository.")
force_option = click.option("--force", is_flag=True, help="Re-run phases that are already done and unchanged.")
agent_option = click.option("--agent", "agent", metavar="CMD", default=None,
                            help="Hand the phase to an external program: the builder writes the phase's task as "
                                 "JSON, runs CMD with that file's path as its last argument, then validates and "
                                 "gates the result like its own.")
lock_option = click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT_S,
                           show_default=True, metavar="SECONDS",
                           help="How long to wait for another builder working on the same op.")


def _paths(op: str) -> OpPaths:
    try:
        return resolve_op(op)
    except OpPathError as e:
        raise click.BadParameter(str(e), param_hint="--op") from None


def _guarded(action: Callable[[], Any]) -> Any:
    """Run a builder action, turning its known failures into a message and an exit code."""
    try:
        return action()
    except Refused as e:
        click.secho(f"refused: {e}", fg="red", err=True)
        sys.exit(EXIT_REFUSED)
    except LockTimeout as e:
        click.secho(f"locked: {e}", fg="red", err=True)
        sys.exit(EXIT_LOCKED)
    except (BuildFailed, state.StateError) as e:
        click.secho(f"failed: {e}", fg="red", err=True)
        sys.exit(EXIT_FAILED)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
def main() -> None:
    """The phased builder of ttnn generic ops.

    Phases, in order: spec -> descriptor -> stubs -> kernels -> tests. Each phase starts only when
    every earlier phase is done and its files are unchanged, and completes only when its gate
    passes. Every step is logged to logs/<op>/<run-id>.jsonl; `builder audit` checks those logs.
    """


@main.command()
@op_option
@click.option("--json", "as_json", is_flag=True, help="Print the statuses as JSON.")
def status(op: str, as_json: bool) -> None:
    """Show each phase: done, stale, pending, failed or running, with its artifacts and when."""
    paths = _paths(op)
    statuses = _guarded(lambda: state.evaluate(paths, state.load(paths)))
    if as_json:
        click.echo(json.dumps([_status_dict(s) for s in statuses], indent=2))
        return
    click.echo(f"op {paths.name} ({paths.op_dir}); state {paths.rel(paths.state_file)}")
    click.echo(f"{'PHASE':<11} {'STATUS':<8} {'WHEN':<20} {'AGENT':<10} ARTIFACTS")
    for s in statuses:
        rec = s.record
        when = (rec.finished_at or rec.started_at)[:19].replace("T", " ") if rec else "-"
        agent = rec.agent.split(":")[0] if rec else "-"
        click.echo(f"{s.phase:<11} {_coloured(s.status):<8} {when:<20} {agent:<10} {_artifacts(paths, s)}")
        if s.status not in ("done", "pending"):
            for reason in s.reasons:
                click.echo(f"{'':<11} ^ {reason}")
    todo = next((s for s in statuses if s.status != "done"), None)
    click.echo(f"next: builder advance --phase {todo.phase} --op {op}" if todo else "every phase is done")


def _coloured(status_name: str) -> str:
    colour = {"done": "green", "stale": "yellow", "failed": "red", "running": "cyan"}.get(status_name)
    return click.style(f"{status_name:<8}", fg=colour) if colour else f"{status_name:<8}"


def _artifacts(paths: OpPaths, s: state.PhaseStatus) -> str:
    if s.record is None or not s.record.artifacts:
        return "-"
    names = [str(Path(paths.from_rel(a.path)).relative_to(paths.op_dir)) if paths.from_rel(a.path).is_relative_to(
        paths.op_dir) else a.path for a in s.record.artifacts]
    shown = ", ".join(names[:4])
    return shown + (f" (+{len(names) - 4} more)" if len(names) > 4 else "")


def _status_dict(s: state.PhaseStatus) -> dict[str, Any]:
    rec = s.record
    return {"phase": s.phase, "status": s.status, "reasons": s.reasons,
            "finished_at": rec.finished_at if rec else None, "agent": rec.agent if rec else None,
            "artifacts": [a.to_dict() for a in rec.artifacts] if rec else []}


def _echo_progress(message: str) -> None:
    click.echo(message)


@main.command()
@click.option("--phase", type=click.Choice(PHASES), required=True, help="The phase to run.")
@op_option
@force_option
@agent_option
@lock_option
def advance(phase: str, op: str, force: bool, agent: str | None, lock_timeout: float) -> None:
    """Run one phase, if every earlier phase is done and unchanged."""
    builder = Builder(_paths(op), progress=_echo_progress, lock_timeout=lock_timeout)
    _guarded(lambda: builder.advance(phase, force=force, agent=agent))


@main.command()
@op_option
@force_option
@agent_option
@lock_option
def run(op: str, force: bool, agent: str | None, lock_timeout: float) -> None:
    """Run every remaining phase in order (done phases are skipped unless --force)."""
    builder = Builder(_paths(op), progress=_echo_progress, lock_timeout=lock_timeout)
    _guarded(lambda: builder.run(force=force, agent=agent))


@main.command()
@click.argument("logs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@op_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def audit(logs: tuple[Path, ...], op: str, as_json: bool) -> None:
    """Check the breadcrumb logs (default: every log of the op) prove a clean build of the op as it is
    on disk; exits 0 only then."""
    report = audit_mod.audit(_paths(op), list(logs) or None)
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else audit_mod.render(report))
    sys.exit(0 if report.ok else EXIT_FAILED)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", type=click.Choice(sorted(schemas.SCHEMA_FILES)), default=None,
              help="The schema to use; guessed from the file's name and keys when omitted.")
def validate(file: Path, schema: str | None) -> None:
    """Validate a JSON (or JSON-lines) FILE against one of the builder's schemas."""
    used, issues = schemas.validate_file(file, schema)
    for issue in issues:
        click.echo(str(issue), err=True)
    if issues:
        click.secho(f"{file}: {len(issues)} error(s) against {used or 'no schema'}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"{file}: valid against {used}")


@main.command()
@click.argument("op_name", metavar="OP")
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path), default=Path("operations"),
              show_default=True, help="The package folder to create the op in.")
def new(op_name: str, parent: Path) -> None:
    """Create PARENT/OP with a spec.json template that validates and a README of next steps."""
    try:
        folder = create(op_name, parent)
    except NewOpError as e:
        raise click.BadParameter(str(e), param_hint="OP") from None
    click.echo(f"created {folder}/spec.json and {folder}/README.md")
    click.echo(f"next: builder advance --phase spec --op {folder}")


if __name__ == "__main__":
    main()
