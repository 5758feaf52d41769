"""What a phase vouches for, and how to tell whether it still holds: an Artifact is a file, a
folder tree, or the compiler, each with a content hash that can be recomputed now.

* file — sha256 of the file's bytes (path relative to the root, or `@builder/...` for a file of
  the builder's own installation, such as the emulator's kernel API headers);
* tree — every source file under a folder (its list is kept, so a new file is named): the op
  folder, the emulator's kernel API, the program model;
* compiler — the C++ compiler's version, standing for the system headers it ships (never recorded
  by absolute path, so a clone on another machine with the same compiler agrees).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.core.files import sha256_file
from agents.core.paths import OpPaths

SOURCE_SUFFIXES = frozenset({".py", ".cpp", ".cc", ".c", ".h", ".hpp", ".inl", ".json", ".toml", ".cfg", ".ini"})
SKIPPED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".builder", ".git"})
COMPILER_PREFIX = "compiler:"


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to the root, as OpPaths.rel gives it; "compiler:<cxx>" for the compiler
    sha256: str
    role: str  # "input" (checked) or "output" (written)
    kind: str = "file"  # file | tree | compiler
    files: tuple[tuple[str, str], ...] = ()  # tree: (member file relative to the folder, its sha256)
    exclude: tuple[str, ...] = ()  # tree: member paths or sub-folders left out (another phase's outputs)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "role": self.role}
        if self.kind != "file":
            out["kind"] = self.kind
        if self.kind == "tree":
            out["files"] = dict(self.files)
            out["exclude"] = list(self.exclude)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Artifact:
        return cls(data["path"], data["sha256"], data.get("role", "input"), data.get("kind", "file"),
                   tuple(sorted(data.get("files", {}).items())), tuple(data.get("exclude", ())))


@dataclass(frozen=True)
class Change:
    text: str
    missing: bool = False


def file_artifact(paths: OpPaths, path: Path, role: str) -> Artifact:
    sha = sha256_file(path)
    if sha is None:
        raise FileNotFoundError(f"artifact {paths.rel(path)} does not exist")
    return Artifact(paths.rel(path), sha, role)


def tree_members(folder: Path, exclude: tuple[str, ...] = ()) -> list[str]:
    """Source files under `folder` (relative, sorted), without caches and the excluded paths."""
    out = []
    for current, dirs, files in os.walk(folder):
        base = Path(current)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and (base / d).relative_to(folder).as_posix() not in exclude)
        for name in files:
            rel = (base / name).relative_to(folder).as_posix()
            if Path(name).suffix in SOURCE_SUFFIXES and rel not in exclude:
                out.append(rel)
    return sorted(out)


def _tree_files(folder: Path, exclude: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((rel, sha256_file(folder / rel) or "gone") for rel in tree_members(folder, exclude))


def _tree_hash(files: tuple[tuple[str, str], ...]) -> str:
    h = hashlib.sha256()
    for rel, sha in files:
        h.update(rel.encode("utf-8") + b"\0" + sha.encode("ascii") + b"\0")
    return h.hexdigest()


def tree_artifact(paths: OpPaths, folder: Path, exclude: tuple[str, ...] = ()) -> Artifact:
    files = _tree_files(folder, exclude)
    return Artifact(paths.rel(folder), _tree_hash(files), "input", "tree", files, exclude)


@lru_cache(maxsize=None)
def compiler_version(cxx: str) -> str:
    """The compiler's own description of itself (first line of --version and its target)."""
    try:
        version = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=60).stdout
        target = subprocess.run([cxx, "-dumpmachine"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable: {e}"
    return f"{version.splitlines()[0] if version else '?'} {target.strip()}"


def compiler_artifact(cxx: str) -> Artifact:
    return Artifact(COMPILER_PREFIX + cxx, hashlib.sha256(compiler_version(cxx).encode()).hexdigest(), "input",
                    "compiler")


def current(paths: OpPaths, artifact: Artifact) -> str | None:
    """The artifact's hash as it would be recorded now (None: it is gone)."""
    if artifact.kind == "compiler":
        return compiler_artifact(artifact.path[len(COMPILER_PREFIX):]).sha256
    target = paths.from_rel(artifact.path)
    if artifact.kind == "tree":
        if not target.is_dir():
            return None
        return _tree_hash(_tree_files(target, artifact.exclude))
    return sha256_file(target)


def describe_change(paths: OpPaths, artifact: Artifact) -> Change | None:
    """One sentence naming what moved (for a tree: the files added, removed or changed), or None."""
    now = current(paths, artifact)
    if now == artifact.sha256:
        return None
    if now is None:
        return Change(f"{artifact.path} is missing (it had sha256 {artifact.sha256[:12]})", missing=True)
    if artifact.kind == "compiler":
        return Change(f"the compiler {artifact.path} changed version since it was recorded (now "
                      f"{compiler_version(artifact.path[len(COMPILER_PREFIX):])!r})")
    if artifact.kind == "tree":
        return Change(_tree_change(paths, artifact))
    return Change(f"{artifact.path} changed since it was recorded (sha256 {artifact.sha256[:12]} -> {now[:12]})")


def _tree_change(paths: OpPaths, artifact: Artifact) -> str:
    now = dict(_tree_files(paths.from_rel(artifact.path), artifact.exclude))
    then = dict(artifact.files)
    named = {"new file(s)": sorted(set(now) - set(then)), "removed": sorted(set(then) - set(now)),
             "changed": sorted(f for f in set(now) & set(then) if now[f] != then[f])}
    parts = [f"{label} " + ", ".join(f"{artifact.path}/{f}" for f in files[:10])
             for label, files in named.items() if files]
    return f"{artifact.path}/ changed since it was recorded: " + "; ".join(parts)
