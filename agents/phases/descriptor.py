"""Phase 2, descriptor: build the op's Program for every representative case and dump it.

Outputs: operations/<op>/programs/<case>.json, each valid against program/program.schema.json.
Gate: each dump loads back into a Program that validates, equals what the descriptor builds now,
and agrees with the spec (kernel names and sources, CB indices, formats and sizes, arg positions,
and traffic that balances on every core). Kernel sources need not exist yet: the kernels phase
writes them, so only their paths are checked here.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from agents.spec_tools import program_check
from agents.core import schemas
from agents.core.files import atomic_write_text
from agents.phases.base import Context, Phase, PhaseFailed
from agents.core.fingerprints import Artifact
from agents.phases.shared import load_program, program_model, python_imports, validate_structure
from program import ProgramError

WORKER_TIMEOUT_S = 300


def descriptor_target(ctx: Context, spec: dict[str, Any]) -> Path:
    """Where the descriptor module's source lives (or will live: an agent may create it)."""
    base = ctx.paths.root.joinpath(*spec["descriptor"]["module"].split("."))
    package = base / "__init__.py"
    return package if package.is_file() else base.with_suffix(".py")


def descriptor_file(ctx: Context, spec: dict[str, Any]) -> Path:
    """The descriptor module's source file, found without importing it."""
    candidate = descriptor_target(ctx, spec)
    base = ctx.paths.root.joinpath(*spec["descriptor"]["module"].split("."))
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
        proc = subprocess.run([sys.executable, "-m", "agents.phases.descriptor_worker", f.name], capture_output=True,
                              text=True, timeout=WORKER_TIMEOUT_S, cwd=ctx.paths.root)
    finally:
        Path(f.name).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise PhaseFailed("agent", f"the descriptor worker failed (exit {proc.returncode}): "
                                   f"{proc.stderr.strip()[-2000:]}")
    results = json.loads(proc.stdout)
    errors = [f"case {name!r}: {r['error']}" for name, r in results.items() if "error" in r]
    if errors:
        raise PhaseFailed("agent", "the descriptor could not build every case:\n  " + "\n  ".join(errors))
    return {name: r["program"] for name, r in results.items()}


class DescriptorPhase(Phase):
    name = "descriptor"
    authored = True
    instructions = (
        "Write the op's program descriptor: the Python module the spec names in descriptor.module, with the "
        "function descriptor.function(**kwargs) returning a program.Program (see the example op's descriptor) "
        "whose kernel names and sources, circular buffers (index, format, page size, pages) and compile-time and "
        "runtime args follow the spec exactly. Each descriptor.representative_cases[].kwargs is passed to it. "
        "Kernel sources need not exist yet. You may also write the dumps programs/<case>.json (the builder "
        "rewrites and checks them). Write only the files listed as writable.")
    gate_text = ("every representative case builds a Program that validates; its dump programs/<case>.json is "
                 "valid against program/program.schema.json, equals a fresh build, and agrees with the spec's "
                 "kernels, CB table and traffic")

    def inputs(self, ctx: Context) -> list[Path]:
        return [descriptor_file(ctx, ctx.spec())]

    def closure(self, ctx: Context) -> list[Artifact]:
        return [program_model(ctx), *python_imports(ctx)]

    def after_agent(self, ctx: Context) -> None:
        """The dumps always come from the module the agent wrote, built by the builder itself."""
        self.produce(ctx)

    def expected_outputs(self, ctx: Context) -> list[Path]:
        return [ctx.dump_path(case) for case in ctx.cases()]

    def writable(self, ctx: Context) -> list[Path]:
        """An external agent writes the descriptor module as well as the dumps."""
        return [descriptor_target(ctx, ctx.spec()), *self.expected_outputs(ctx)]

    def schemas(self) -> dict[str, str]:
        return {"program": "program"}

    def produce(self, ctx: Context) -> None:
        spec = ctx.valid_spec()
        descriptor_file(ctx, spec)
        programs = build_programs(ctx, spec)
        keep = {ctx.dump_path(case) for case in programs}
        for stale in ctx.paths.programs_dir.glob("*.json"):
            if stale not in keep:
                stale.unlink()
        for case, program in programs.items():
            atomic_write_text(ctx.dump_path(case), json.dumps(program, indent=2) + "\n")
            ctx.wrote(ctx.dump_path(case))
            ctx.progress(f"built case {case}: {len(program['kernels'])} kernels, {len(program['cbs'])} CBs")

    def validate(self, ctx: Context) -> list[Path]:
        outputs = []
        for case in ctx.cases():
            path = ctx.dump_path(case)
            data, issues = schemas.load_json(path, ctx.paths.rel(path))
            issues = issues or schemas.validate(data, "program", ctx.paths.rel(path))
            ctx.validated(path, "program", issues)
            try:
                validate_structure(load_program(ctx.paths.root, data))
            except (ProgramError, KeyError) as e:
                raise PhaseFailed("validation", f"{ctx.paths.rel(path)}: the Program does not validate: {e}") from e
            outputs.append(path)
        return outputs

    def gate(self, ctx: Context) -> dict[str, Any]:
        spec = ctx.spec()
        fresh = build_programs(ctx, spec)
        problems = []
        for case, program in fresh.items():
            dumped = json.loads(ctx.dump_path(case).read_text())
            if dumped != program:
                problems.append(f"case {case!r}: {ctx.paths.rel(ctx.dump_path(case))} differs from what the "
                                "descriptor builds now")
                continue
            problems += [f"case {case!r}: {p}" for p in program_check.check(spec, load_program(ctx.paths.root, program),
                                                                            ctx.paths.op_dir)]
        if problems:
            raise PhaseFailed("gate", "the Programs do not match the spec:\n  " + "\n  ".join(problems))
        return {"cases": {case: {"kernels": len(p["kernels"]), "cbs": len(p["cbs"]), "tensors": len(p["tensors"])}
                          for case, p in fresh.items()}}
