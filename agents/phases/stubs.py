"""Phase 3, stubs: kernel stubs generated from the spec, proven on the emulator.

Outputs: operations/<op>/stubs/<kernel>.cpp, one per spec kernel, and the one helper header they
all include (stubs/stub_helpers.h). Never kernels/: the real kernels live there and a stub must
not overwrite one, so the phase refuses outright when a stub path would be a real kernel's path.
Gate: for every representative case, the dumped Program with its kernel sources swapped for the
stubs compiles and runs to completion on the emulator (which faults on a deadlock or a CB left
unbalanced), with random inputs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.core.files import atomic_write_text
from agents.phases.base import Context, Phase, PhaseFailed
from agents.core import settings
from agents.core.fingerprints import Artifact, compiler_artifact
from agents.phases.shared import emulator_api, run_cases
from agents.spec_tools import program_check, stub_codegen
from program import Program


def helper_header(ctx: Context) -> Path:
    return ctx.paths.stubs_dir / stub_codegen.HELPER_HEADER


def _refuse_real_kernels(ctx: Context) -> set[Path]:
    """The real kernels' resolved paths; PhaseFailed when a stub output would overwrite one."""
    real = {p.resolve() for p in ctx.kernel_sources().values()}
    for target in [ctx.stub_path(name) for name in ctx.kernel_sources()] + [helper_header(ctx)]:
        if target.resolve() in real:
            raise PhaseFailed("agent", f"refusing to write stub {ctx.paths.rel(target)}: it is a real kernel's source")
    return real


class StubsPhase(Phase):
    name = "stubs"
    gate_text = ("for every representative case, the Program with its kernels swapped for the stubs runs to "
                 "completion on the emulator with random inputs (no deadlock, every CB balanced)")

    def inputs(self, ctx: Context) -> list[Path]:
        return []

    def closure(self, ctx: Context) -> list[Artifact]:
        return [emulator_api(ctx), compiler_artifact(settings.compiler())]

    def expected_outputs(self, ctx: Context) -> list[Path]:
        return [ctx.stub_path(k["name"]) for k in ctx.spec()["kernels"]] + [helper_header(ctx)]

    def produce(self, ctx: Context) -> None:
        spec = ctx.spec()
        real = _refuse_real_kernels(ctx)
        keep = set(self.expected_outputs(ctx))
        for stale in ctx.paths.stubs_dir.glob("*.cpp"):
            if stale not in keep and stale.resolve() not in real:
                stale.unlink()
        atomic_write_text(helper_header(ctx), stub_codegen.helper_header())
        ctx.wrote(helper_header(ctx))
        for kernel in spec["kernels"]:
            path = ctx.stub_path(kernel["name"])
            atomic_write_text(path, stub_codegen.generate(spec, kernel, ctx.paths.rel(ctx.paths.spec)))
            ctx.wrote(path)
        ctx.progress(f"wrote {len(spec['kernels'])} stubs and {stub_codegen.HELPER_HEADER} to "
                     f"{ctx.paths.rel(ctx.paths.stubs_dir)}/")

    def validate(self, ctx: Context) -> list[Path]:
        _refuse_real_kernels(ctx)
        paths = self.expected_outputs(ctx)
        missing = [ctx.paths.rel(p) for p in paths if not p.is_file()]
        if missing:
            raise PhaseFailed("validation", f"stub(s) not written: {', '.join(missing)}")
        ctx.emit("validation_passed", schema="stub-files", subject=ctx.paths.rel(ctx.paths.stubs_dir))
        return paths

    def gate(self, ctx: Context) -> dict[str, Any]:
        spec = ctx.spec()
        stubs = {k["name"]: ctx.stub_path(k["name"]) for k in spec["kernels"]}

        def describe(program: Program, stats: dict[str, Any]) -> tuple[dict[str, Any], str]:
            pages = {str(index): t["pages"] for index, t in program_check.traffic(spec, program).items()}
            return ({**stats, "pages_per_cb": pages},
                    f"stubs ran on {stats.get('cores', '?')} core(s), {sum(pages.values())} pages through "
                    f"{len(pages)} CBs")

        return {"cases": run_cases(ctx, "the stubs did not run to completion", stubs, describe)}
