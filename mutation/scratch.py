"""A scratch copy of the repository that mutants are applied to, so the real tree is never edited."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, ContextManager, Iterator

from mutation.catalogue import CatalogueError, Mutant


def repository_files(root: Path) -> list[str]:
    """Tracked files plus new ones git does not ignore: what a clean clone of this work tree holds."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=root,
                         capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name and (root / name).is_file()]


@contextmanager
def scratch_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the work tree, removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="mutation-"))
    copy = base / "repo"
    try:
        for name in repository_files(root):
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target)
        yield copy
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def applied(mutant: Mutant, copy: Path) -> Iterator[Callable[[], ContextManager[None]]]:
    """The mutant applied to the copy for the duration of the block, then the original restored. Yields
    `reverted`, a context in which the original text is back (to check a baseline mid-judgement)."""
    target = copy / mutant.file
    original = target.read_text()
    if original.count(mutant.find) != 1:
        raise CatalogueError(f"{mutant.id}: the text to mutate does not occur exactly once in {mutant.file}")
    mutated = original.replace(mutant.find, mutant.replace, 1)

    @contextmanager
    def reverted() -> Iterator[None]:
        target.write_text(original)
        try:
            yield
        finally:
            target.write_text(mutated)

    target.write_text(mutated)
    try:
        yield reverted
    finally:
        target.write_text(original)
