"""The conformance cases: each mirrors one ttnn op's program factory at the 0.81.1 wheel and asserts the
bound of that op's tt-metal unit test. Docstrings cite the factory and the test."""
from __future__ import annotations

from typing import Callable

import torch

from tests.conformance.programs import eltwise_unary
from tests.conformance.programs.common import Case

UNIT_TEST_UNARY = ("tests/ttnn/unit_tests/operations/eltwise/test_unary.py (tenstorrent/tt-metal "
                   "00533942b141a76ace17ab736179edd33f80b3ad): run_unary_test, torch.rand bf16 [64, 128]")
FACTORY_UNARY = "ttnn/cpp/ttnn/operations/eltwise/unary/device/unary_program_factory.cpp (tt-metal 019b681e)"
SINGLE, MULTI = (1, 1), (8, 8)


def unary_case(op: str, pcc: float, grid: tuple[int, int], low: float = 0.0) -> Case:
    """test_unary.py::test_<op>: torch.rand((64, 128), bf16) (shifted by `low` where the op needs a
    positive domain, as noted per op), TILE layout, assert_with_pcc(golden, out, pcc)."""
    torch.manual_seed(0)
    x = torch.rand((64, 128), dtype=torch.bfloat16) + low
    ref = eltwise_unary.SFPU_OPS[op][3]
    prog = eltwise_unary.program(op, (64 // 32) * (128 // 32), "bfloat16", grid)
    return Case(f"eltwise_unary_{op}", prog, {"input": x}, lambda inp: ref(inp["input"]), [64, 128], pcc,
                FACTORY_UNARY, UNIT_TEST_UNARY)


# name -> builder(grid); each builder documents its test's bound.
CASES: dict[str, Callable[[tuple[int, int]], Case]] = {
    # test_exp: pcc=0.9998
    "eltwise_unary_exp": lambda g: unary_case("exp", 0.9998, g),
}
