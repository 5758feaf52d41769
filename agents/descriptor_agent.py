"""Phase 2, descriptor: build the op's Program for every representative case and dump it.

Outputs: operations/<op>/programs/<case>.json, each valid against program/program.schema.json.
Gate: each dump loads back into a Program that validates, equals what the descriptor builds now,
and agrees with the spec (kernel names and sources, CB indices, formats and sizes, arg positions,
and traffic that balances on every core).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from agents import program_check, schemas
from agents.files import atomic_write_text
from agents.phase import Context, Phase, PhaseFailed
from agents.spec_agent import load_valid_spec
from program import Program, ProgramError

WORKER_TIMEOUT_S = 300


def descriptor_file(ctx: Context, spec: dict[str, Any]) -> Path:
    """The descriptor module's source file, found without importing it."""
    parts = spec["descriptor"]["module"].split(".")
    base = ctx.paths.root.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise PhaseFailed("agent", f"descriptor module {spec['descriptor']['module']!r} not found under "
                               f"{ctx.paths.root} (looked for {base.with_suffix('.py')})")


def build_programs(ctx: Context, spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{case: Program dict} from a fresh interpreter; PhaseFailed naming every case that failed."""
    d = spec["descriptor"]
    request = {"root": str(ctx.paths.root), "module": d["module"], "function": d["function"],
               "cases": d["representative_cases"]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(request, f)
    try:
        proc = subprocess.run([sys.executable, "-m", "agents.descriptor_worker", f.name], capture_output=True,
                              text=True, timeout=WORKER_TIMEOUT_S, cwd=ctx.paths.root)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise PhaseFailed("agent", f"the descriptor worker failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    results = json.loads(proc.stdout)
    errors = [f"case {name!r}: {r['error']}" for name, r in results.items() if "error" in r]
    if errors:
        raise PhaseFailed("agent", "the descriptor could not build every case:\n  " + "\n  ".join(errors))
    return {name: r["program"] for name, r in results.items()}


def load_program(root: Path, data: dict[str, Any]) -> Program:
    """A dumped Program with relative kernel sources anchored at this op's root: the dump names
    files of the repository it came from, not of wherever the builder itself is installed."""
    program = Program.from_dict(data)
    for kernel in program.kernels:
        if not Path(kernel.source).is_absolute():
            kernel.source = str(root / kernel.source)
    return program


def dump_path(ctx: Context, case: str) -> Path:
    return ctx.paths.programs_dir / f"{case}.json"


class DescriptorPhase(Phase):
    name = "descriptor"
    gate_text = ("every representative case builds a Program that validates; its dump programs/<case>.json is "
                 "valid against program/program.schema.json, equals a fresh build, and agrees with the spec's "
                 "kernels, CB table and traffic")

    def inputs(self, ctx: Context) -> list[Path]:
        return [descriptor_file(ctx, ctx.spec())]

    def expected_outputs(self, ctx: Context) -> list[str]:
        return [ctx.paths.rel(dump_path(ctx, c["name"])) for c in ctx.spec()["descriptor"]["representative_cases"]]

    def schemas(self) -> dict[str, str]:
        return {"program": str(schemas.schema_path("program"))}

    def produce(self, ctx: Context) -> None:
        spec = load_valid_spec(ctx)
        descriptor_file(ctx, spec)
        programs = build_programs(ctx, spec)
        keep = {dump_path(ctx, case) for case in programs}
        for stale in ctx.paths.programs_dir.glob("*.json"):
            if stale not in keep:
                stale.unlink()
        for case, program in programs.items():
            atomic_write_text(dump_path(ctx, case), json.dumps(program, indent=2) + "\n")
            ctx.wrote(dump_path(ctx, case))
            ctx.progress(f"built case {case}: {len(program['kernels'])} kernels, {len(program['cbs'])} CBs")

    def validate(self, ctx: Context) -> list[Path]:
        outputs = []
        for case in ctx.spec()["descriptor"]["representative_cases"]:
            path = dump_path(ctx, case["name"])
            data, issues = schemas.load_json(path, ctx.paths.rel(path))
            issues = issues or schemas.validate(data, "program", ctx.paths.rel(path))
            ctx.validated(path, "program", issues)
            try:
                load_program(ctx.paths.root, data).validate()
            except (ProgramError, KeyError) as e:
                raise PhaseFailed("validation", f"{ctx.paths.rel(path)}: the Program does not validate: {e}") from e
            outputs.append(path)
        return outputs

    def gate(self, ctx: Context) -> dict[str, Any]:
        spec = ctx.spec()
        fresh = build_programs(ctx, spec)
        problems = []
        for case, program in fresh.items():
            dumped = json.loads(dump_path(ctx, case).read_text())
            if dumped != program:
                problems.append(f"case {case!r}: {ctx.paths.rel(dump_path(ctx, case))} differs from what the "
                                "descriptor builds now")
                continue
            problems += [f"case {case!r}: {p}" for p in program_check.check(spec, load_program(ctx.paths.root, program),
                                                                            ctx.paths.op_dir)]
        if problems:
            raise PhaseFailed("gate", "the Programs do not match the spec:\n  " + "\n  ".join(problems))
        return {"cases": {case: {"kernels": len(p["kernels"]), "cbs": len(p["cbs"]), "tensors": len(p["tensors"])}
                          for case, p in fresh.items()}}
