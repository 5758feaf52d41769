"""Fetching the ttnn wheel and unpacking its kernel tree into the cache, once, atomically.

Kernel sources are read from this unpacked tree and compiled in place: nothing of tt-metal's is copied
into the repository or edited.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tests.conformance import settings

MARKER = ".complete"


def wheel_file() -> Path:
    """The wheel in the cache, downloaded with pip when absent."""
    cache = settings.cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / settings.WHEEL_FILE
    if not path.is_file():
        result = subprocess.run(settings.pip_download_command(sys.executable, cache), capture_output=True, text=True)
        if result.returncode != 0 or not path.is_file():
            raise RuntimeError(f"could not download ttnn=={settings.TTNN_VERSION} into {cache} "
                               f"(exit {result.returncode}):\n{result.stderr.strip()[-2000:]}")
    return path


def unpacked_root() -> Path:
    """The directory that holds the wheel's `ttnn/cpp/ttnn/...` tree: the include root of ttnn kernels."""
    root = settings.cache_dir() / f"ttnn-{settings.TTNN_VERSION}"
    if not (root / MARKER).is_file():
        _unpack(wheel_file(), root)
    return root / "ttnn"


def _unpack(wheel: Path, root: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=root.parent))
    try:
        with zipfile.ZipFile(wheel) as z:
            members = [m for m in z.namelist()
                       if m.startswith(settings.KERNEL_TREE) and m.endswith(settings.SOURCE_SUFFIXES)]
            if not members:
                raise RuntimeError(f"{wheel} holds no files under {settings.KERNEL_TREE}")
            z.extractall(tmp, members)
        (tmp / MARKER).write_text(f"{len(members)} files from {wheel.name}\n")
        try:
            os.replace(tmp, root)
        except OSError:
            if not (root / MARKER).is_file():  # not a concurrent unpacker that finished first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def kernel(relative: str) -> Path:
    """A kernel source of the wheel, by its path under ttnn/cpp/ttnn/operations/."""
    path = unpacked_root() / "ttnn" / "cpp" / "ttnn" / "operations" / relative
    if not path.is_file():
        raise FileNotFoundError(f"kernel {relative!r} is not in the ttnn {settings.TTNN_VERSION} wheel ({path})")
    return path
