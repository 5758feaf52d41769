"""`builder`: carry an op through its phases (spec, descriptor, stubs, kernels, tests), show where
it stands, and audit the breadcrumbs.

Every command takes --json (one JSON document on stdout, errors included) and ends with one of the
exit codes in EXIT_CODES; a failure is one line on stderr (or the JSON's "error") and leaves the
state file as it was unless a phase really ran and failed.
"""
from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, NoReturn

import click

from agents.core import schemas, settings
from agents.core.graph import PHASES
from agents.core.paths import DEFAULT_OP, OpPathError, OpPaths, resolve_op
from agents.orchestration import audit as audit_mod
from agents.orchestration import state
from agents.orchestration.breadcrumbs import BreadcrumbError
from agents.orchestration.builder import Builder, BuildFailed, Outcome, Refused
from agents.orchestration.lock import DEFAULT_TIMEOUT_S, LockTimeout
from agents.orchestration.new_op import NewOpError, create

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_LOCKED, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4, 5
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_FAILED: "a phase failed, a file is invalid, the audit proved nothing, or status shows a failed phase",
    EXIT_USAGE: "bad usage: unknown option, --op not an op folder, bad op name",
    EXIT_REFUSED: "a phase refused to start: an earlier phase is not done, or its files changed",
    EXIT_LOCKED: "another builder held the op's lock past --lock-timeout",
    EXIT_ENVIRONMENT: "the builder cannot work here: logs or state not writable (permission, disk full), or a "
                      "bad setting in the environment; nothing was changed",
}


def _epilog(*codes: int) -> str:
    listed = "\n".join(f"  {code}  {EXIT_CODES[code]}" for code in codes)
    return f"\b\nExit codes:\n{listed}"


class Failure(Exception):
    """A command's known failure: one line for the user and its exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _fail(as_json: bool, code: int, message: str) -> NoReturn:
    line = " ".join(message.split("\n", 1)[0].split()) if code in (EXIT_USAGE, EXIT_ENVIRONMENT) else message
    if as_json:
        click.echo(json.dumps({"ok": False, "exit_code": code, "error": message}, indent=2))
    else:
        click.secho(line, fg="red", err=True)
    sys.exit(code)


def _guarded(as_json: bool, action: Callable[[], Any]) -> Any:
    """Run a builder action, turning its known failures into one message and an exit code."""
    try:
        return action()
    except Failure as e:
        _fail(as_json, e.code, str(e))
    except OpPathError as e:
        _fail(as_json, EXIT_USAGE, f"usage: {e}")
    except Refused as e:
        _fail(as_json, EXIT_REFUSED, f"refused: {e}")
    except LockTimeout as e:
        _fail(as_json, EXIT_LOCKED, f"locked: {e}")
    except (BuildFailed, state.StateError) as e:
        _fail(as_json, EXIT_FAILED, f"failed: {e}")
    except (BreadcrumbError, settings.SettingsError) as e:
        _fail(as_json, EXIT_ENVIRONMENT, f"cannot work here: {e}")
    except OSError as e:
        _fail(as_json, EXIT_ENVIRONMENT, f"cannot work here: {e.filename or ''}: {e.strerror or e}")


def _version() -> str:
    try:
        return metadata.version("ttnn-opbuilder")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


op_option = click.option("--op", "op", default=DEFAULT_OP, show_default=True, metavar="PATH",
                         help="The op folder (holding spec.json), relative to the working directory or to this "
                              "repository.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document (errors included).")
force_option = click.option("--force", is_flag=True, help="Re-run phases that are already done and unchanged.")
agent_option = click.option("--agent", "agent", metavar="CMD", default=None,
                            help="Hand the phase to an external program (with `run`: the authored phases "
                                 "descriptor, kernels and tests): the builder writes the task as JSON under "
                                 ".builder/tasks/, runs CMD with that file's path as its last argument in a process "
                                 "group of its own, then validates and gates the result like its own.")
agent_timeout_option = click.option("--agent-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                                    metavar="SECONDS",
                                    help=f"Kill the agent's process group after this long (default "
                                         f"${settings.AGENT_TIMEOUT_ENV} or {settings.DEFAULT_AGENT_TIMEOUT_S:g}).")
lock_option = click.option("--lock-timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT_S,
                           show_default=True, metavar="SECONDS",
                           help="How long to wait for another builder working on the same op.")


def _paths(op: str) -> OpPaths:
    return resolve_op(op)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
             epilog=_epilog(*EXIT_CODES))
@click.version_option(_version(), "--version", prog_name="builder", message="%(prog)s (ttnn-opbuilder) %(version)s")
def main() -> None:
    """The phased builder of ttnn generic ops.

    Phases, in order: spec -> descriptor -> stubs -> kernels -> tests. Each phase starts only when
    every earlier phase is done and its files are unchanged, and completes only when its gate
    passes. Every step is logged to logs/<op>/<run-id>.jsonl; `builder audit` checks those logs.
    """


@main.command(epilog=_epilog(EXIT_OK, EXIT_FAILED, EXIT_USAGE))
@op_option
@json_option
def status(op: str, as_json: bool) -> None:
    """Show each phase: done, stale, pending, failed or running, with its artifacts and when.
    Exits 1 when a phase failed."""
    paths = _guarded(as_json, lambda: _paths(op))
    statuses = _guarded(as_json, lambda: state.evaluate(paths, state.load(paths)))
    failed = any(s.status == "failed" for s in statuses)
    if as_json:
        click.echo(json.dumps({"ok": not failed, "op": paths.name, "phases": [_status_dict(s) for s in statuses]},
                              indent=2))
    else:
        _print_status(paths, op, statuses)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _print_status(paths: OpPaths, op: str, statuses: list[state.PhaseStatus]) -> None:
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
    names = [a.path for a in s.record.artifacts if a.kind == "file"]
    prefix = paths.rel(paths.op_dir) + "/"
    names = [n[len(prefix):] if n.startswith(prefix) else n for n in names]
    shown = ", ".join(names[:4])
    return shown + (f" (+{len(s.record.artifacts) - 4} more)" if len(s.record.artifacts) > 4 else "")


def _status_dict(s: state.PhaseStatus) -> dict[str, Any]:
    rec = s.record
    return {"phase": s.phase, "status": s.status, "reasons": s.reasons,
            "finished_at": rec.finished_at if rec else None, "agent": rec.agent if rec else None,
            "artifacts": [a.to_dict() for a in rec.artifacts] if rec else []}


def _builder(op: str, as_json: bool, lock_timeout: float, agent_timeout: float | None) -> Builder:
    progress = (lambda m: click.echo(m, err=True)) if as_json else click.echo
    return Builder(_paths(op), progress=progress, lock_timeout=lock_timeout, agent_timeout=agent_timeout)


def _outcomes(as_json: bool, outcomes: list[Outcome]) -> None:
    if as_json:
        click.echo(json.dumps({"ok": True, "phases": [o.__dict__ for o in outcomes]}, indent=2))


_RUN_CODES = (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED, EXIT_LOCKED, EXIT_ENVIRONMENT)


@main.command(epilog=_epilog(*_RUN_CODES))
@click.option("--phase", type=click.Choice(PHASES), required=True, help="The phase to run.")
@op_option
@force_option
@agent_option
@agent_timeout_option
@lock_option
@json_option
def advance(phase: str, op: str, force: bool, agent: str | None, agent_timeout: float | None, lock_timeout: float,
            as_json: bool) -> None:
    """Run one phase, if every earlier phase is done and unchanged."""
    outcome = _guarded(as_json, lambda: _builder(op, as_json, lock_timeout, agent_timeout)
                       .advance(phase, force=force, agent=agent))
    _outcomes(as_json, [outcome])


@main.command(epilog=_epilog(*_RUN_CODES))
@op_option
@force_option
@agent_option
@agent_timeout_option
@lock_option
@json_option
def run(op: str, force: bool, agent: str | None, agent_timeout: float | None, lock_timeout: float,
        as_json: bool) -> None:
    """Run every remaining phase in order (done phases are skipped unless --force). With --agent, the
    agent does the authored phases (descriptor, kernels, tests) and the builder the others."""
    outcomes = _guarded(as_json, lambda: _builder(op, as_json, lock_timeout, agent_timeout)
                        .run(force=force, agent=agent))
    _outcomes(as_json, outcomes)


@main.command(epilog=_epilog(EXIT_OK, EXIT_FAILED, EXIT_USAGE))
@click.argument("logs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@op_option
@json_option
def audit(logs: tuple[Path, ...], op: str, as_json: bool) -> None:
    """Check the breadcrumb logs (default: every log of the op) prove a clean build of the op as it is
    on disk; exits 0 only then. Says whether the logs are signed, and so what they prove."""
    paths = _guarded(as_json, lambda: _paths(op))
    report = audit_mod.audit(paths, list(logs) or None)
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else audit_mod.render(report))
    sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


@main.command(epilog=_epilog(EXIT_OK, EXIT_FAILED, EXIT_USAGE))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", type=click.Choice(sorted(schemas.SCHEMA_FILES)), default=None,
              help="The schema to use; guessed from the file's name and keys when omitted.")
@json_option
def validate(file: Path, schema: str | None, as_json: bool) -> None:
    """Validate a JSON (or JSON-lines) FILE against one of the builder's schemas."""
    used, issues = schemas.validate_file(file, schema)
    if as_json:
        click.echo(json.dumps({"ok": not issues, "file": str(file), "schema": used,
                               "issues": [i.to_dict() for i in issues]}, indent=2))
        sys.exit(EXIT_FAILED if issues else EXIT_OK)
    for issue in issues:
        click.echo(str(issue), err=True)
    if issues:
        click.secho(f"{file}: {len(issues)} error(s) against {used or 'no schema'}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"{file}: valid against {used}")


@main.command(epilog=_epilog(EXIT_OK, EXIT_USAGE, EXIT_ENVIRONMENT))
@click.argument("op_name", metavar="OP")
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path), default=Path("operations"),
              show_default=True, help="The package folder to create the op in.")
@json_option
def new(op_name: str, parent: Path, as_json: bool) -> None:
    """Create PARENT/OP with a spec.json template that validates and a README of next steps. OP must be
    a valid Python module name (lowercase) and not a keyword."""
    def create_op() -> Path:
        try:
            return create(op_name, parent)
        except NewOpError as e:
            raise Failure(EXIT_USAGE, f"usage: {e}") from None

    folder = _guarded(as_json, create_op)
    if as_json:
        click.echo(json.dumps({"ok": True, "op_dir": str(folder),
                               "created": [str(folder / "spec.json"), str(folder / "README.md")]}, indent=2))
        return
    click.echo(f"created {folder}/spec.json and {folder}/README.md")
    click.echo(f"next: builder advance --phase spec --op {folder}")


if __name__ == "__main__":
    main()
