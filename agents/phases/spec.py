"""Phase 1, spec: spec.json must follow schemas/op_spec.schema.json, its cross-references must
hold and no TODO placeholder of the `builder new` template may remain; the readable document
operations/<op>/<op>_spec.md is rendered from it.

Gate: the spec is valid, and the document exists and names every CB and kernel (the built-in agent
renders it; an external agent may write its own, and the gate records whether it is the rendering).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.core.files import atomic_write_text
from agents.phases.base import Context, Phase, PhaseFailed
from agents.spec_tools import render as spec_render
from agents.spec_tools.placeholders import placeholders


class SpecPhase(Phase):
    name = "spec"
    gate_text = ("spec.json is valid against schemas/op_spec.schema.json, its cross-references hold and it has no "
                 "TODO placeholder left; <op>_spec.md exists and names every circular buffer and kernel")

    def inputs(self, ctx: Context) -> list[Path]:
        return [ctx.paths.spec]

    def expected_outputs(self, ctx: Context) -> list[Path]:
        return [ctx.paths.spec_doc]

    def schemas(self) -> dict[str, str]:
        return {"op_spec": "op_spec"}

    def produce(self, ctx: Context) -> None:
        spec = ctx.valid_spec()
        atomic_write_text(ctx.paths.spec_doc, spec_render.render(spec))
        ctx.wrote(ctx.paths.spec_doc)
        ctx.progress(f"rendered {ctx.paths.rel(ctx.paths.spec_doc)}")

    def validate(self, ctx: Context) -> list[Path]:
        ctx.valid_spec()
        if not ctx.paths.spec_doc.is_file():
            raise PhaseFailed("validation", f"{ctx.paths.rel(ctx.paths.spec_doc)} was not written")
        return [ctx.paths.spec_doc]

    def gate(self, ctx: Context) -> dict[str, Any]:
        spec = ctx.spec()
        todo = placeholders(spec)
        if todo:
            shown = "; ".join(f"{pointer}: {text!r}" for pointer, text in todo[:10])
            more = f" (and {len(todo) - 10} more)" if len(todo) > 10 else ""
            raise PhaseFailed("gate", f"{ctx.paths.rel(ctx.paths.spec)} still holds {len(todo)} TODO placeholder(s) "
                                      f"of the template; describe the real op there: {shown}{more}")
        text = ctx.paths.spec_doc.read_text()
        names = [cb["name"] for cb in spec["circular_buffers"]] + [k["name"] for k in spec["kernels"]]
        missing = [n for n in names if n not in text]
        if missing:
            raise PhaseFailed("gate", f"{ctx.paths.rel(ctx.paths.spec_doc)} does not mention {', '.join(missing)}")
        rendered = text == spec_render.render(spec)
        return {"circular_buffers": len(spec["circular_buffers"]), "kernels": len(spec["kernels"]),
                "representative_cases": len(spec["descriptor"]["representative_cases"]),
                "document_is_rendering": rendered}
