"""Where an op's files live, so every phase, the state file and the logs agree on one layout.

An op folder `<root>/<package>/<op>/` holds spec.json and what the phases write; the breadcrumb
logs go to `<root>/logs/<op>/`. The root is the nearest ancestor holding a `.git` or a
`pyproject.toml`, so an op in a scratch folder (tests, a second checkout) keeps its logs beside it.
"""
from __future__ import annotations

import keyword
import os
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OP = "operations/layer_norm_rm"
OP_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
OP_NAME_RULE = "lowercase letters, digits and '_', starting with a letter, and not a Python keyword"
ROOT_MARKERS = (".git", "pyproject.toml")
BUILDER_PREFIX = "@builder/"
EMULATOR_API = PACKAGE_ROOT / "emulator" / "include"  # tt-metal's kernel API, as the emulator implements it
PROGRAM_MODEL = PACKAGE_ROOT / "program"  # the backend-neutral Program every dump and descriptor uses


class OpPathError(ValueError):
    """The --op argument does not name an op folder."""


@dataclass(frozen=True)
class OpPaths:
    """Every path the builder reads or writes for one op."""

    op_dir: Path
    root: Path

    @property
    def name(self) -> str:
        return self.op_dir.name

    @property
    def spec(self) -> Path:
        return self.op_dir / "spec.json"

    @property
    def spec_doc(self) -> Path:
        return self.op_dir / f"{self.name}_spec.md"

    @property
    def programs_dir(self) -> Path:
        return self.op_dir / "programs"

    @property
    def stubs_dir(self) -> Path:
        return self.op_dir / "stubs"

    @property
    def builder_dir(self) -> Path:
        return self.op_dir / ".builder"

    @property
    def state_file(self) -> Path:
        return self.builder_dir / "state.json"

    @property
    def lock_file(self) -> Path:
        return self.builder_dir / "lock"

    @property
    def tasks_dir(self) -> Path:
        return self.builder_dir / "tasks"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs" / self.name

    def rel(self, path: Path) -> str:
        """A path as logs and the state file record it: relative to the root, so clones agree; a
        file of the builder's own installation (an op in another repository including the
        emulator's headers) as `@builder/<path inside it>`."""
        resolved = Path(path).resolve()
        if resolved.is_relative_to(self.root):
            return resolved.relative_to(self.root).as_posix()
        if resolved.is_relative_to(PACKAGE_ROOT):
            return BUILDER_PREFIX + resolved.relative_to(PACKAGE_ROOT).as_posix()
        return resolved.as_posix()

    def from_rel(self, recorded: str) -> Path:
        if recorded.startswith(BUILDER_PREFIX):
            return PACKAGE_ROOT / recorded[len(BUILDER_PREFIX):]
        path = Path(recorded)
        return path if path.is_absolute() else self.root / path


def find_root(op_dir: Path) -> Path:
    """The nearest ancestor with a repository marker, else the folder above the op's package."""
    for parent in op_dir.parents:
        if any((parent / marker).exists() for marker in ROOT_MARKERS):
            return parent
    return op_dir.parent.parent


def resolve_op(op: str | os.PathLike[str] | None, *, must_exist: bool = True) -> OpPaths:
    """`op` relative to the working directory first, then to this repository."""
    raw = Path(op if op is not None else DEFAULT_OP)
    candidates = [raw] if raw.is_absolute() else [Path.cwd() / raw, PACKAGE_ROOT / raw]
    for candidate in candidates:
        if candidate.is_dir():
            op_dir = candidate.resolve()
            break
    else:
        if must_exist:
            tried = ", ".join(str(c) for c in candidates)
            raise OpPathError(f"--op {str(raw)!r}: no such op folder (tried {tried})")
        op_dir = candidates[0].resolve()
    if not is_op_name(op_dir.name):
        raise OpPathError(f"--op {str(raw)!r}: folder name {op_dir.name!r} is not an op name (expected {OP_NAME_RULE})")
    if must_exist and not (op_dir / "spec.json").is_file():
        raise OpPathError(f"--op {str(raw)!r}: {op_dir} is not an op folder (it has no spec.json; "
                          "`builder new OP` creates one)")
    return OpPaths(op_dir=op_dir, root=find_root(op_dir))


def is_op_name(name: str) -> bool:
    """An op name is a module name: importable, and not a keyword (`import operations.class` fails)."""
    return bool(OP_NAME.match(name)) and not keyword.iskeyword(name)
