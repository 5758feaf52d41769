"""The Python files outside an op's folder that the op's own Python imports, followed transitively.

An op may reuse another op's modules (rms_norm_rm imports layer_norm_rm's validators, work split and
test checks): a change there changes what the op builds and tests, so a phase records those files as
it records the kernels' include files, and goes stale when they move. Imports are read from the
source (ast), never executed; a module is looked up under the repository root only, so the standard
library and installed packages are not followed, nor the folders given as `recorded` (the program
model and the emulator, which the phases record as trees of their own, and the builder itself).
"""
from __future__ import annotations

import ast
from pathlib import Path


def _module_files(root: Path, dotted: str) -> list[Path]:
    """The files importing `dotted` runs, under `root`: each package's __init__.py on the way, then the
    module itself (a .py file or a package's __init__.py); [] when the module is not under root."""
    parts = dotted.split(".")
    found: list[Path] = []
    for depth in range(1, len(parts)):
        init = root.joinpath(*parts[:depth], "__init__.py")
        if init.is_file():
            found.append(init)
    module = root.joinpath(*parts)
    for candidate in (module.with_suffix(".py"), module / "__init__.py"):
        if candidate.is_file():
            return [*found, candidate]
    return []


def _package_of(root: Path, source: Path) -> list[str]:
    """The dotted package a file under root belongs to, as parts ("a/b/c.py" -> ["a", "b"])."""
    rel = source.relative_to(root)
    return list(rel.parent.parts)


def imported_modules(source: Path, root: Path) -> list[str]:
    """Dotted names `source` imports (absolute, and relative ones resolved against its package); for
    `from m import n`, both m and m.n (n may be a submodule). Unparsable files give []."""
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(root, source)
                if node.level > len(package):  # beyond the top-level package: Python refuses it too
                    continue
                kept = package[:len(package) - (node.level - 1)]
                base = ".".join([*kept, *([base] if base else [])])
            if not base:
                continue
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
    return names


def imported_files(op_dir: Path, root: Path, recorded: tuple[Path, ...] = ()) -> list[Path]:
    """Files under `root`, outside `op_dir` and the `recorded` folders, that the .py files of `op_dir`
    import, directly or through each other; sorted."""
    op_dir, root = op_dir.resolve(), root.resolve()
    skipped = tuple(p.resolve() for p in recorded)

    def outside(path: Path) -> bool:
        return not path.is_relative_to(op_dir) and not any(path.is_relative_to(s) for s in skipped)

    queue = sorted(op_dir.rglob("*.py"))
    seen = set(queue)
    found: set[Path] = set()
    while queue:
        source = queue.pop()
        for dotted in imported_modules(source, root):
            for path in _module_files(root, dotted):
                path = path.resolve()
                if path in seen or not outside(path):
                    continue
                seen.add(path)
                found.add(path)
                queue.append(path)
    return sorted(found)
