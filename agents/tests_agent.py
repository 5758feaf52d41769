"""Phase 5, tests: the op's whole pytest file passes on the emulator.

The built-in agent writes no test; the file (spec tests.file) is the author's. Its inputs are the
test file and the op folder's Python sources (entry point, descriptor, conftest), so editing any
of them after this phase makes it stale.
Gate: pytest on the whole file, emulator forced, every collected test passes; counts are logged.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.kernels_agent import op_test_file, pytest_gate, require_files
from agents.phase import Context, Phase


def python_sources(ctx: Context) -> list[Path]:
    return sorted({op_test_file(ctx), *ctx.paths.op_dir.glob("*.py")})


class TestsPhase(Phase):
    __test__ = False  # not a pytest test class, despite its name
    name = "tests"
    gate_text = "the op's whole test file (spec tests.file) passes with the emulator forced"

    def inputs(self, ctx: Context) -> list[Path]:
        return python_sources(ctx)

    def expected_outputs(self, ctx: Context) -> list[str]:
        return [ctx.paths.rel(op_test_file(ctx))]

    def produce(self, ctx: Context) -> None:
        require_files(ctx, [op_test_file(ctx)], "the op's test file")
        ctx.progress(f"built-in tests agent: using the author's {ctx.paths.rel(op_test_file(ctx))}")

    def validate(self, ctx: Context) -> list[Path]:
        require_files(ctx, [op_test_file(ctx)], "the op's test file")
        ctx.emit("validation_passed", schema="test-file", subject=ctx.paths.rel(op_test_file(ctx)))
        return []

    def gate(self, ctx: Context) -> dict[str, Any]:
        return {"all_tests": pytest_gate(ctx, [], "all tests")}
