"""Phase 5, tests: the op's whole pytest file passes on the emulator.

The built-in agent writes no test; the file (spec tests.file) is the author's. Its inputs are the
test file and the op folder's Python sources (entry point, descriptor, conftest), so editing any
of them after this phase makes it stale.
Gate: pytest on the whole file, emulator forced: tests ran, every one passed, none was skipped,
and every test the spec names (tests.required) ran; counts are logged.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.phases.base import Context, Phase
from agents.core.fingerprints import Artifact
from agents.phases.shared import (emulator_api, kernel_includes, op_sources, program_model, pytest_gate,
                                  python_imports, root_conftest)


class TestsPhase(Phase):
    __test__ = False  # not a pytest test class, despite its name
    name = "tests"
    authored = True
    gate_text = ("the op's whole test file (spec tests.file) runs and passes with the emulator forced, no test "
                 "skipped, every test named in spec tests.required present")
    instructions = (
        "Complete the op's pytest file (spec tests.file): numeric tests against a float64 torch reference over "
        "the op's dtypes and shapes, edge cases, and bad input rejected with a clear error. Tests take the "
        "`device` fixture and never open devices themselves; every test the spec names in tests.required must "
        "exist. Write only the files listed as writable.")

    def inputs(self, ctx: Context) -> list[Path]:
        return sorted({ctx.test_file(), *ctx.paths.op_dir.glob("*.py")})

    def expected_outputs(self, ctx: Context) -> list[Path]:
        return [ctx.test_file()]

    def closure(self, ctx: Context) -> list[Artifact]:
        return [*kernel_includes(ctx, ctx.kernel_sources()), emulator_api(ctx), program_model(ctx), op_sources(ctx),
                *python_imports(ctx), *root_conftest(ctx)]

    def produce(self, ctx: Context) -> None:
        ctx.require_files([ctx.test_file()], "the op's test file")
        ctx.progress(f"built-in tests agent: using the author's {ctx.paths.rel(ctx.test_file())}")

    def validate(self, ctx: Context) -> list[Path]:
        ctx.require_files([ctx.test_file()], "the op's test file")
        ctx.emit("validation_passed", schema="test-file", subject=ctx.paths.rel(ctx.test_file()))
        return []

    def gate(self, ctx: Context) -> dict[str, Any]:
        required = list(ctx.spec()["tests"].get("required", []))
        return {"all_tests": pytest_gate(ctx, [], "all tests", required)}
