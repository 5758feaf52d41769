"""Phase 1, spec: spec.json must follow schemas/op_spec.schema.json and its cross-references must
hold; the readable document operations/<op>/<op>_spec.md is rendered from it.

Gate: the spec is valid, and the document exists and names every CB and kernel (the built-in agent
renders it; an external agent may write its own, and the gate records whether it is the rendering).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents import schemas, spec_render, spec_rules
from agents.files import atomic_write_text
from agents.phase import Context, Phase, PhaseFailed


def load_valid_spec(ctx: Context) -> dict[str, Any]:
    """The spec, or PhaseFailed naming every schema and cross-reference error (both logged)."""
    file = ctx.paths.rel(ctx.paths.spec)
    data, issues = schemas.load_json(ctx.paths.spec, file)
    issues = issues or schemas.validate(data, "op_spec", file)
    ctx.validated(ctx.paths.spec, "op_spec", issues)
    ctx.validated(f"{file} cross-references", "op_spec", spec_rules.check(data, file, ctx.paths.name))
    return data


class SpecPhase(Phase):
    name = "spec"
    gate_text = ("spec.json is valid against schemas/op_spec.schema.json and its cross-references hold; "
                 "<op>_spec.md exists and names every circular buffer and kernel")

    def inputs(self, ctx: Context) -> list[Path]:
        return [ctx.paths.spec]

    def expected_outputs(self, ctx: Context) -> list[str]:
        return [ctx.paths.rel(ctx.paths.spec_doc)]

    def schemas(self) -> dict[str, str]:
        return {"op_spec": str(schemas.schema_path("op_spec"))}

    def produce(self, ctx: Context) -> None:
        spec = load_valid_spec(ctx)
        atomic_write_text(ctx.paths.spec_doc, spec_render.render(spec))
        ctx.wrote(ctx.paths.spec_doc)
        ctx.progress(f"rendered {ctx.paths.rel(ctx.paths.spec_doc)}")

    def validate(self, ctx: Context) -> list[Path]:
        load_valid_spec(ctx)
        if not ctx.paths.spec_doc.is_file():
            raise PhaseFailed("validation", f"{ctx.paths.rel(ctx.paths.spec_doc)} was not written")
        return [ctx.paths.spec_doc]

    def gate(self, ctx: Context) -> dict[str, Any]:
        spec = ctx.spec()
        text = ctx.paths.spec_doc.read_text()
        names = [cb["name"] for cb in spec["circular_buffers"]] + [k["name"] for k in spec["kernels"]]
        missing = [n for n in names if n not in text]
        if missing:
            raise PhaseFailed("gate", f"{ctx.paths.rel(ctx.paths.spec_doc)} does not mention {', '.join(missing)}")
        rendered = text == spec_render.render(spec)
        return {"circular_buffers": len(spec["circular_buffers"]), "kernels": len(spec["kernels"]),
                "representative_cases": len(spec["descriptor"]["representative_cases"]),
                "document_is_rendering": rendered}
