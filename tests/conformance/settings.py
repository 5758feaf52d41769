"""Where the conformance suite finds the ttnn wheel: the one place these settings are defined.

The wheel is a download, never an import (the suite runs under Python 3.11; the wheel is for 3.12).
`TTNN_WHEEL_CACHE` moves the cache; by default it sits beside the emulator's kernel cache.
"""
from __future__ import annotations

import os
from pathlib import Path

TTNN_VERSION = "0.81.1"
WHEEL_PLATFORM = "manylinux_2_34_x86_64"
WHEEL_PYTHON = "3.12"
WHEEL_FILE = f"ttnn-{TTNN_VERSION}-cp312-cp312-{WHEEL_PLATFORM}.whl"
# Members of the wheel the suite reads: the ttnn ops' kernel sources and helper headers.
KERNEL_TREE = "ttnn/ttnn/cpp/ttnn/"
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".inl")


def cache_dir() -> Path:
    root = os.environ.get("TTNN_WHEEL_CACHE") or Path.home() / ".cache" / "ttnn-opbuilder" / "wheel"
    return Path(root)


def pip_download_command(python: str, dest: Path) -> list[str]:
    """The issue's download command: the 3.12 manylinux wheel, no dependencies, into `dest`."""
    return [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version", WHEEL_PYTHON,
            "--platform", WHEEL_PLATFORM, f"ttnn=={TTNN_VERSION}", "-d", str(dest)]
