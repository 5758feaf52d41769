"""Every environment variable the emulator reads, read here and nowhere else.

Each is a default that an explicit argument overrides (`EmulatedDevice(cache_dir=...)`,
`emulator.run(..., hang_timeout=...)`), so library callers never need to touch `os.environ`.
The README's environment table lists them with the other packages' variables.
"""
from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "EMULATOR_CACHE_DIR"
HANG_SECONDS_ENV = "EMULATOR_HANG_SECONDS"
COMPILER_ENV = "CXX"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "ttnn-opbuilder" / "emulator"
DEFAULT_HANG_SECONDS = 60.0
DEFAULT_COMPILER = "g++"


def cache_dir() -> Path:
    """Where compiled kernels and runners are kept (content-keyed, safe to share between processes)."""
    return Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR)


def hang_seconds() -> float:
    """How long kernels may make no progress before the runner reports a hang."""
    text = os.environ.get(HANG_SECONDS_ENV)
    if not text:
        return DEFAULT_HANG_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise ValueError(f"{HANG_SECONDS_ENV}={text!r}: expected a number of seconds > 0")
    return value


def compiler() -> str:
    """The host C++ compiler that builds the runner and the kernels."""
    return os.environ.get(COMPILER_ENV) or DEFAULT_COMPILER
