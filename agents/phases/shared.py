"""What more than one phase does: load a dumped Program onto chosen kernel sources, run every
representative case on the Program runner, run the op's pytest file as a gate, and record the
dependency closure (include files, compiler, emulator API, program model, op sources).

Kept here, beside the phase agents and below them, so each phase stays a peer of the others.
"""
from __future__ import annotations

import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from agents.core import settings
from agents.core.fingerprints import Artifact, compiler_artifact, file_artifact, tree_artifact
from agents.core.paths import EMULATOR_API, PACKAGE_ROOT, PROGRAM_MODEL
from agents.core.python_imports import imported_files
from agents.core.runs import IncludeError, IncludesRunner, ProgramRunner, PytestOutcome, PytestRunner
from agents.phases.base import Context, PhaseFailed
from program import Program


def load_program(root: Path, data: dict[str, Any], sources: dict[str, Path] | None = None) -> Program:
    """A dumped Program whose kernels point at `sources` (kernel name -> file) when given, else at
    the dump's own sources with relative ones anchored at this op's root: a dump names files of the
    repository it came from, not of wherever the builder itself is installed."""
    program = Program.from_dict(data)
    for kernel in program.kernels:
        if sources is not None:
            kernel.source = str(sources[kernel.name].resolve())
        elif not Path(kernel.source).is_absolute():
            kernel.source = str(root / kernel.source)
    return program


def dumped_program(ctx: Context, case: str, sources: dict[str, Path]) -> Program:
    """The descriptor's dump of `case`, its kernels pointing at `sources`."""
    return load_program(ctx.paths.root, json.loads(ctx.dump_path(case).read_text()), sources)


def run_cases(ctx: Context, what: str, sources: dict[str, Path],
              describe: Callable[[Program, dict[str, Any]], tuple[dict[str, Any], str]]) -> dict[str, Any]:
    """Run every representative case with the kernels at `sources` on the Program runner (the
    emulator unless injected); `describe(program, stats)` gives the case's summary and progress
    note. PhaseFailed (gate) naming the case on a compile error or emulator fault."""
    run: ProgramRunner = ctx.runners["program"]
    cases = ctx.cases()
    out: dict[str, Any] = {}
    for i, case in enumerate(cases, start=1):
        program = dumped_program(ctx, case, sources)
        started = time.monotonic()
        try:
            stats = run(program)
        except Exception as e:  # noqa: BLE001 - compile errors and emulator faults both fail the gate
            raise PhaseFailed("gate", f"case {case!r}: {what}: {type(e).__name__}: {e}") from e
        warnings = list(stats.get("warnings") or [])
        if warnings:
            raise PhaseFailed("gate", f"case {case!r}: the emulator run carried warnings: " + "; ".join(warnings))
        out[case], note = describe(program, stats)
        ctx.progress(f"[{i}/{len(cases)}] {case}: {note} in {time.monotonic() - started:.1f} s")
    return out


def pytest_gate(ctx: Context, args: list[str], label: str, required: list[str] = ()) -> dict[str, Any]:
    """Run the op's test file with `args`; PhaseFailed unless tests ran, every selected test passed,
    none was skipped, and every test named in `required` ran."""
    run: PytestRunner = ctx.runners["pytest"]
    path = ctx.test_file()
    ctx.progress(f"running {label}: pytest {' '.join([ctx.paths.rel(path), *args])} (emulator forced)")
    outcome: PytestOutcome = run(path, list(args), ctx.paths.root, ctx.progress)
    c = outcome.counts
    ctx.progress(f"{label}: {c.get('passed', 0)} passed, {c.get('failures', 0)} failed, {c.get('errors', 0)} errors, "
                 f"{c.get('skipped', 0)} skipped of {c.get('tests', 0)} in {outcome.duration_s:.1f} s")
    summary = {"pytest_args": list(args), "counts": c, "duration_s": outcome.duration_s}
    why = _why_not_passed(outcome, list(required))
    if why:
        raise PhaseFailed("gate", f"{label} did not pass (pytest exit {outcome.exit_code}; {why})\n{outcome.tail}")
    return summary


def _why_not_passed(outcome: PytestOutcome, required: list[str]) -> str:
    c = outcome.counts
    if not c.get("tests"):
        return "no test was collected"
    if outcome.failed or outcome.exit_code != 0:
        return f"failed: {', '.join(outcome.failed[:10]) or 'see output'}"
    if c.get("skipped"):
        skipped = ", ".join(outcome.skipped[:10]) or f"{c['skipped']} test(s)"
        return f"skipped: {skipped}; a gate counts a skipped test as not passed"
    ran = {name.split("[", 1)[0] for name in outcome.passed}
    missing = [name for name in required if name not in ran]
    if missing:
        return f"the spec names test(s) that did not run: {', '.join(missing)}"
    return ""


def validate_structure(program: Program) -> None:
    """Program.validate() on a copy whose kernel sources point at an empty placeholder: the
    descriptor phase proves the Program's structure before any kernel source exists (the kernels
    phase writes those; the stubs and kernels phases check the files)."""
    with tempfile.TemporaryDirectory(prefix="builder-placeholder-") as tmp:
        placeholder = Path(tmp) / "placeholder.cpp"
        placeholder.write_text("")
        shadow = copy.deepcopy(program)
        for kernel in shadow.kernels:
            kernel.source = str(placeholder)
        shadow.validate()


def emulator_api(ctx: Context) -> Artifact:
    """The emulator's kernel API, as one version hash over every header."""
    return tree_artifact(ctx.paths, EMULATOR_API)


def program_model(ctx: Context) -> Artifact:
    return tree_artifact(ctx.paths, PROGRAM_MODEL)


def op_sources(ctx: Context, *leave_out: Path) -> Artifact:
    """Every source file under the op folder, but the builder's generated dumps and stubs (outputs
    of earlier phases, recorded file by file) and `leave_out`."""
    exclude = [ctx.paths.programs_dir, ctx.paths.stubs_dir, *leave_out]
    return tree_artifact(ctx.paths, ctx.paths.op_dir,
                         tuple(sorted(p.relative_to(ctx.paths.op_dir).as_posix() for p in exclude)))


# Recorded otherwise (the program model and emulator API as trees), or the builder itself: not followed.
BUILDER_OWN = (PROGRAM_MODEL, PACKAGE_ROOT / "emulator", PACKAGE_ROOT / "ttnn_backend", PACKAGE_ROOT / "agents")


def python_imports(ctx: Context) -> list[Artifact]:
    """The Python files outside the op folder that the op's Python imports, transitively (another op's
    modules it reuses, shared helpers): a change there changes what the op builds and tests."""
    return [file_artifact(ctx.paths, f, "input")
            for f in imported_files(ctx.paths.op_dir, ctx.paths.root, BUILDER_OWN)]


def root_conftest(ctx: Context) -> list[Artifact]:
    """The repository's root conftest.py, which every pytest run of the op loads."""
    conftest = ctx.paths.root / "conftest.py"
    return [file_artifact(ctx.paths, conftest, "input")] if conftest.is_file() else []


def kernel_includes(ctx: Context, sources: dict[str, Path]) -> list[Artifact]:
    """Every file the kernels at `sources` include, transitively, for every case's defines (from the
    compiler's -MM output), plus the compiler itself standing for the system headers."""
    cxx = settings.compiler()
    includes: IncludesRunner = ctx.runners["includes"]
    found: dict[str, Artifact] = {}
    for case in ctx.cases():
        for kernel in dumped_program(ctx, case, sources).kernels:
            try:
                files = includes(cxx, Path(kernel.source), kernel.kind, dict(kernel.defines))
            except IncludeError as e:
                raise PhaseFailed("gate", f"case {case!r}: the include closure of kernel {kernel.name!r}: {e}") from e
            for f in files:
                if f.is_relative_to(ctx.paths.root) or f.is_relative_to(PACKAGE_ROOT):
                    artifact = file_artifact(ctx.paths, f, "input")
                    found.setdefault(artifact.path, artifact)
    return [*found.values(), compiler_artifact(cxx)]
