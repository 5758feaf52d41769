"""Phase 4, kernels: the op's real kernels, proven on the emulator.

The built-in agent writes no kernel: they are the author's (or an external agent's, `--agent`).
Gate: for every representative case the real Program compiles and runs to completion once with
random inputs and without a numerics warning of the emulator, then the op's numeric tests (spec
tests.kernels_gate_pytest_args) run and pass with the emulator forced, none skipped.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.phases.base import Context, Phase
from agents.core.fingerprints import Artifact
from agents.phases.shared import (emulator_api, kernel_includes, op_sources, program_model, pytest_gate,
                                  python_imports, root_conftest, run_cases)
from program import Program


class KernelsPhase(Phase):
    name = "kernels"
    authored = True
    gate_text = ("the real kernels compile and run to completion on the emulator for every representative case, "
                 "without emulator warnings, and the op's numeric tests (spec tests.kernels_gate_pytest_args) run "
                 "and pass with the emulator forced; a skipped test fails the gate")
    instructions = (
        "Write the op's real kernels: one C++ source per kernel of the spec, at the spec's kernels[].source path "
        "in the op folder, and the numeric tests in the op's test file (spec tests.file, marked "
        "@pytest.mark.numeric) comparing with a float64 torch reference. The stubs show every kernel's args and "
        "the pages each one must move through each circular buffer; the program dumps show what each kernel "
        "receives on each core. Kernels include the tt-metal kernel API headers (the kernel API folder), "
        "exactly as on hardware. Write only the files listed as writable.")

    def inputs(self, ctx: Context) -> list[Path]:
        """The kernels; not the test file, which the tests phase vouches for (its gate reruns the
        numeric tests), so completing the tests never makes this phase stale."""
        return list(ctx.kernel_sources().values())

    def closure(self, ctx: Context) -> list[Artifact]:
        return [*kernel_includes(ctx, ctx.kernel_sources()), emulator_api(ctx), program_model(ctx),
                op_sources(ctx, ctx.test_file()), *python_imports(ctx), *root_conftest(ctx)]

    def expected_outputs(self, ctx: Context) -> list[Path]:
        return list(ctx.kernel_sources().values())

    def writable(self, ctx: Context) -> list[Path]:
        """The kernels, their local headers, and the test file with the numeric tests."""
        return [*self.expected_outputs(ctx), ctx.test_file()]

    def produce(self, ctx: Context) -> None:
        sources = list(ctx.kernel_sources().values())
        ctx.require_files(sources, "real kernel source(s)")
        ctx.progress("built-in kernels agent: using the author's kernels " + ", ".join(map(ctx.paths.rel, sources)))

    def validate(self, ctx: Context) -> list[Path]:
        ctx.require_files(list(ctx.kernel_sources().values()), "real kernel source(s)")
        ctx.require_files([ctx.test_file()], "the op's test file")
        ctx.emit("validation_passed", schema="kernel-sources", subject=ctx.paths.rel(ctx.paths.op_dir))
        return []

    def gate(self, ctx: Context) -> dict[str, Any]:
        def describe(_program: Program, stats: dict[str, Any]) -> tuple[dict[str, Any], str]:
            return stats, f"compiled {stats.get('compiled', '?')} kernel(s), ran"

        smoke = run_cases(ctx, "the real kernels did not compile and run", ctx.kernel_sources(), describe)
        tests = pytest_gate(ctx, ctx.spec()["tests"]["kernels_gate_pytest_args"], "numeric tests")
        return {"smoke_runs": smoke, "numeric_tests": tests}
