"""The task file an external agent receives: `.builder/tasks/<phase>-<run-id>.json`.

Written for an LLM coding agent as much as for a script: what to do in prose, where everything it
needs is (the spec and its rendered document, the stubs, the program dumps, the kernel API
headers, an example op), which files it may write, how its work will be judged (the gate), and why
the previous attempt failed. Every path is relative to the repository root, the agent's working
directory, so the file reads the same in any clone.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from agents.core import schemas
from agents.core.files import atomic_write_text
from agents.core.paths import EMULATOR_API, PACKAGE_ROOT, OpPaths
from agents.phases.base import Context, Phase, PhaseFailed

TASK_FORMAT = "builder-task/1"
EXAMPLE_OP = PACKAGE_ROOT / "operations" / "layer_norm_rm"
SKIPPED_DIRS = {".git", ".builder", "logs", "__pycache__", ".pytest_cache", "node_modules"}


def relative(paths: OpPaths, path: Path) -> str:
    """`path` relative to the root, also when it lies outside it (then with ../)."""
    return Path(os.path.relpath(Path(path).resolve(), paths.root)).as_posix()


def task(ctx: Context, phase: Phase, previous_failure: str | None) -> dict[str, Any]:
    """The phase's task as an external agent receives it."""
    rel = lambda p: relative(ctx.paths, p)  # noqa: E731
    return {
        "format": TASK_FORMAT,
        "op": ctx.paths.name,
        "phase": phase.name,
        "run_id": ctx.log.run_id,
        "working_directory": "the repository root; every path in this file is relative to it",
        "instructions": phase.instructions or f"Write the outputs of phase '{phase.name}'.",
        "op_dir": rel(ctx.paths.op_dir),
        "spec": rel(ctx.paths.spec),
        "spec_document": rel(ctx.paths.spec_doc),
        "stubs": [rel(p) for p in sorted(ctx.paths.stubs_dir.glob("*")) if p.is_file()],
        "program_dumps": [rel(ctx.dump_path(c)) for c in ctx.cases() if ctx.dump_path(c).is_file()],
        "kernel_api_headers": rel(EMULATOR_API),
        "example_op": rel(EXAMPLE_OP) if EXAMPLE_OP.resolve() != ctx.paths.op_dir else None,
        "inputs": [rel(p) for p in _existing_inputs(ctx, phase)],
        "expected_outputs": [rel(p) for p in phase.expected_outputs(ctx)],
        "writable": [rel(p) for p in phase.writable(ctx)],
        "schemas": {name: rel(schemas.schema_path(s)) for name, s in phase.schemas().items()},
        "gate": phase.gate_text,
        "previous_failure": previous_failure,
    }


def _existing_inputs(ctx: Context, phase: Phase) -> list[Path]:
    """The phase's inputs that exist now (an agent may be about to create the others)."""
    try:
        return [p for p in phase.inputs(ctx) if p.is_file()]
    except PhaseFailed:
        return []


def write_task(ctx: Context, phase: Phase, previous_failure: str | None) -> Path:
    path = ctx.paths.tasks_dir / f"{phase.name}-{ctx.log.run_id}.json"
    atomic_write_text(path, json.dumps(task(ctx, phase, previous_failure), indent=2) + "\n")
    return path


def snapshot(paths: OpPaths) -> dict[str, str]:
    """Every file under the root (but version control, logs and the builder's own state), as
    repo-relative path -> size and modification time: what an agent run may not change unnoticed."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(paths.root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".venv")]
        for name in files:
            full = Path(folder) / name
            try:
                st = full.stat()
            except OSError:
                continue
            out[full.relative_to(paths.root).as_posix()] = f"{st.st_size}:{st.st_mtime_ns}"
    return out
