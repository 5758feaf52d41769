"""Phase 3, stubs: kernel stubs generated from the spec, proven on the emulator.

Outputs: operations/<op>/stubs/<kernel>.cpp, one per spec kernel. Never kernels/: the real kernels
live there and a stub must not overwrite one, so the phase refuses outright when a stub path
would be a real kernel's path.
Gate: for every representative case, the dumped Program with its kernel sources swapped for the
stubs compiles and runs to completion on the emulator (which faults on a deadlock or a CB left
unbalanced), with random inputs.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from agents import program_check, stub_codegen
from agents.descriptor_agent import dump_path
from agents.emulator_runner import run_on_emulator
from agents.files import atomic_write_text
from agents.phase import Context, Phase, PhaseFailed
from program import Program

ProgramRunner = Callable[[Program], dict[str, Any]]


def stub_path(ctx: Context, kernel: str) -> Path:
    return ctx.paths.stubs_dir / f"{kernel}.cpp"


def _real_kernels(ctx: Context, spec: dict[str, Any]) -> set[Path]:
    return {(ctx.paths.op_dir / k["source"]).resolve() for k in spec["kernels"]}


def _refuse_real_kernels(ctx: Context, spec: dict[str, Any]) -> None:
    real = _real_kernels(ctx, spec)
    for k in spec["kernels"]:
        target = stub_path(ctx, k["name"]).resolve()
        if target in real:
            raise PhaseFailed("agent", f"refusing to write stub {ctx.paths.rel(target)}: it is a real kernel's source")


def stubbed_program(ctx: Context, case: str) -> Program:
    """The descriptor's dump of `case` with every kernel source replaced by its stub."""
    program = Program.from_json(dump_path(ctx, case).read_text())
    for kernel in program.kernels:
        kernel.source = str(stub_path(ctx, kernel.name).resolve())
    return program


class StubsPhase(Phase):
    name = "stubs"
    gate_text = ("for every representative case, the Program with its kernels swapped for the stubs runs to "
                 "completion on the emulator with random inputs (no deadlock, every CB balanced)")

    def inputs(self, ctx: Context) -> list[Path]:
        return []

    def expected_outputs(self, ctx: Context) -> list[str]:
        return [ctx.paths.rel(stub_path(ctx, k["name"])) for k in ctx.spec()["kernels"]]

    def produce(self, ctx: Context) -> None:
        spec = ctx.spec()
        _refuse_real_kernels(ctx, spec)
        keep = {stub_path(ctx, k["name"]) for k in spec["kernels"]}
        real = _real_kernels(ctx, spec)
        for stale in ctx.paths.stubs_dir.glob("*.cpp"):
            if stale not in keep and stale.resolve() not in real:
                stale.unlink()
        for kernel in spec["kernels"]:
            path = stub_path(ctx, kernel["name"])
            atomic_write_text(path, stub_codegen.generate(spec, kernel, ctx.paths.rel(ctx.paths.spec)))
            ctx.wrote(path)
        ctx.progress(f"wrote {len(keep)} stubs to {ctx.paths.rel(ctx.paths.stubs_dir)}/")

    def validate(self, ctx: Context) -> list[Path]:
        spec = ctx.spec()
        _refuse_real_kernels(ctx, spec)
        paths = [stub_path(ctx, k["name"]) for k in spec["kernels"]]
        missing = [ctx.paths.rel(p) for p in paths if not p.is_file()]
        if missing:
            raise PhaseFailed("validation", f"stub(s) not written: {', '.join(missing)}")
        ctx.emit("validation_passed", schema="stub-files", subject=ctx.paths.rel(ctx.paths.stubs_dir))
        return paths

    def gate(self, ctx: Context) -> dict[str, Any]:
        run: ProgramRunner = ctx.runners.get("program") or run_on_emulator
        spec = ctx.spec()
        cases = [c["name"] for c in spec["descriptor"]["representative_cases"]]
        summary: dict[str, Any] = {}
        for i, case in enumerate(cases, start=1):
            program = stubbed_program(ctx, case)
            started = time.monotonic()
            try:
                stats = run(program)
            except Exception as e:  # noqa: BLE001 - compile errors and emulator faults both fail the gate
                raise PhaseFailed("gate", f"case {case!r}: the stubs did not run to completion: "
                                          f"{type(e).__name__}: {e}") from e
            pages = {str(index): t["pages"] for index, t in program_check.traffic(spec, program).items()}
            summary[case] = {**stats, "pages_per_cb": pages}
            ctx.progress(f"[{i}/{len(cases)}] {case}: stubs ran on {stats.get('cores', '?')} core(s) in "
                         f"{time.monotonic() - started:.1f} s, {sum(pages.values())} pages through {len(pages)} CBs")
        return {"cases": summary}
