"""Phase 4, kernels: the op's real kernels (spec kernels[].source), proven on the emulator.

The built-in agent writes no kernel: kernels are the op author's (or an external --agent's) work;
it checks they exist and hands them to the gate. From this phase on the kernel sources are
artifacts, so a later hand edit makes the phase stale and `builder audit` fail, naming the file.
Gate: for every representative case the real Program compiles and runs to completion once with
random inputs, then the op's numeric tests (spec tests.kernels_gate_pytest_args) pass with the
emulator forced.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from agents.descriptor_agent import dump_path
from agents.emulator_runner import run_on_emulator
from agents.phase import Context, Phase, PhaseFailed
from agents.pytest_runner import PytestOutcome, PytestRunner, run_pytest
from agents.stubs_agent import ProgramRunner
from program import Program


def kernel_sources(ctx: Context) -> list[Path]:
    return [ctx.paths.op_dir / k["source"] for k in ctx.spec()["kernels"]]


def op_test_file(ctx: Context) -> Path:
    return ctx.paths.op_dir / ctx.spec()["tests"]["file"]


def require_files(ctx: Context, files: list[Path], what: str) -> None:
    missing = [ctx.paths.rel(f) for f in files if not f.is_file()]
    if missing:
        raise PhaseFailed("validation", f"{what} missing: {', '.join(missing)}")


def pytest_gate(ctx: Context, args: list[str], label: str) -> dict[str, Any]:
    """Run the op's test file with `args`; PhaseFailed unless every selected test passed."""
    run: PytestRunner = ctx.runners.get("pytest") or run_pytest
    path = op_test_file(ctx)
    ctx.progress(f"running {label}: pytest {' '.join([ctx.paths.rel(path), *args])} (emulator forced)")
    outcome: PytestOutcome = run(path, list(args), ctx.paths.root, ctx.progress)
    c = outcome.counts
    ctx.progress(f"{label}: {c.get('passed', 0)} passed, {c.get('failures', 0)} failed, {c.get('errors', 0)} errors, "
                 f"{c.get('skipped', 0)} skipped of {c.get('tests', 0)} in {outcome.duration_s:.1f} s")
    summary = {"pytest_args": list(args), "counts": c, "duration_s": outcome.duration_s}
    if not outcome.ok:
        why = ("no test was collected" if not c.get("tests") else
               f"failed: {', '.join(outcome.failed[:10]) or 'see output'}")
        raise PhaseFailed("gate", f"{label} did not pass (pytest exit {outcome.exit_code}; {why})\n{outcome.tail}")
    return summary


def real_program(ctx: Context, case: str) -> Program:
    """The descriptor's dump of `case`, its kernels pointing at the spec's sources in this op folder."""
    program = Program.from_json(dump_path(ctx, case).read_text())
    sources = {k["name"]: ctx.paths.op_dir / k["source"] for k in ctx.spec()["kernels"]}
    for kernel in program.kernels:
        kernel.source = str(sources[kernel.name].resolve())
    return program


class KernelsPhase(Phase):
    name = "kernels"
    gate_text = ("the real kernels compile and run to completion on the emulator for every representative case, "
                 "and the op's numeric tests (spec tests.kernels_gate_pytest_args) pass with the emulator forced")

    def inputs(self, ctx: Context) -> list[Path]:
        return kernel_sources(ctx) + [op_test_file(ctx)]

    def expected_outputs(self, ctx: Context) -> list[str]:
        return [ctx.paths.rel(p) for p in kernel_sources(ctx)]

    def produce(self, ctx: Context) -> None:
        require_files(ctx, kernel_sources(ctx), "real kernel source(s)")
        ctx.progress("built-in kernels agent: using the author's kernels "
                     + ", ".join(ctx.paths.rel(p) for p in kernel_sources(ctx)))

    def validate(self, ctx: Context) -> list[Path]:
        require_files(ctx, kernel_sources(ctx), "real kernel source(s)")
        require_files(ctx, [op_test_file(ctx)], "the op's test file")
        ctx.emit("validation_passed", schema="kernel-sources", subject=ctx.paths.rel(ctx.paths.op_dir))
        return []

    def gate(self, ctx: Context) -> dict[str, Any]:
        smoke = self._smoke_runs(ctx)
        tests = pytest_gate(ctx, ctx.spec()["tests"]["kernels_gate_pytest_args"], "numeric tests")
        return {"smoke_runs": smoke, "numeric_tests": tests}

    def _smoke_runs(self, ctx: Context) -> dict[str, Any]:
        run: ProgramRunner = ctx.runners.get("program") or run_on_emulator
        cases = [c["name"] for c in ctx.spec()["descriptor"]["representative_cases"]]
        out = {}
        for i, case in enumerate(cases, start=1):
            program = real_program(ctx, case)
            started = time.monotonic()
            try:
                out[case] = run(program)
            except Exception as e:  # noqa: BLE001 - compile errors and faults both fail the gate
                raise PhaseFailed("gate", f"case {case!r}: the real kernels did not compile and run: "
                                          f"{type(e).__name__}: {e}") from e
            ctx.progress(f"[{i}/{len(cases)}] {case}: compiled {out[case].get('compiled', '?')} kernel(s), ran in "
                         f"{time.monotonic() - started:.1f} s")
        return out
