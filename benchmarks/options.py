"""The command's list options, parsed and checked up front so a typo fails in a second with a message
naming the option and the value, not minutes into a run."""
from __future__ import annotations

from typing import Any

import click

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program

from .workload import DTYPES


class ShapeList(click.ParamType):
    """'1x1x4096x1024,8x1x512x4096' -> [[1, 1, 4096, 1024], [8, 1, 512, 4096]]."""
    name = "shapes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> list[list[int]]:
        if isinstance(value, list):
            return value
        shapes: list[list[int]] = []
        for item in str(value).split(","):
            dims = item.strip().split("x")
            if not all(d.strip().isdigit() and int(d) > 0 for d in dims):
                self.fail(f"{item.strip()!r} in {value!r}: expected positive integers joined by 'x', "
                          f"e.g. 1x1x4096x1024", param, ctx)
            shape = [int(d) for d in dims]
            if len(shape) < 2:
                self.fail(f"{item.strip()!r} in {value!r}: expected at least 2 dimensions", param, ctx)
            if shape in shapes:
                self.fail(f"{item.strip()!r} in {value!r}: listed twice", param, ctx)
            shapes.append(shape)
        return shapes


class DtypeList(click.ParamType):
    """'bfloat16,float32' -> ['bfloat16', 'float32']."""
    name = "dtypes"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> list[str]:
        if isinstance(value, list):
            return value
        names = [item.strip() for item in str(value).split(",")]
        for name in names:
            if name not in DTYPES:
                self.fail(f"{name!r} in {value!r}: expected a comma-separated list of {', '.join(DTYPES)}",
                          param, ctx)
        if len(set(names)) != len(names):
            self.fail(f"{value!r}: a dtype is listed twice", param, ctx)
        return names


def check_cases(shapes: list[list[int]], dtypes: list[str]) -> None:
    """Every shape x dtype must be one the op builds a program for (gamma and beta on); else a
    click error naming --shapes, the shape and the op's own reason."""
    for shape in shapes:
        for dtype in dtypes:
            try:
                build_program(shape, dtype, True, True)
            except ValueError as e:
                shown = "x".join(map(str, shape))
                raise click.BadParameter(f"{shown} ({dtype}): layer_norm_rm does not take it: {e}",
                                         param_hint="'--shapes'") from e
