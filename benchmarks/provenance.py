"""What a result depends on besides the code's speed: the machine, the emulator's numerics variant and
the commit measured. Recorded in the JSON so two results can be compared honestly (issue #15)."""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import torch

from emulator import settings as emulator_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
CPUINFO = Path("/proc/cpuinfo")
NO_VARIANTS = "exact (no variants)"


def cpu_model(cpuinfo_text: str) -> str:
    """The first 'model name' of a /proc/cpuinfo text, or 'unknown' (e.g. on ARM, which has none)."""
    for line in cpuinfo_text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return "unknown"


def machine() -> dict[str, Any]:
    """CPU model, logical cores, the cores this process may use, the load they carry (on a shared
    machine, a load above the core count delays torch's thread pool by scheduler ticks), and the
    software that was timed."""
    text = CPUINFO.read_text() if CPUINFO.exists() else ""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu_model": cpu_model(text) if text else platform.processor() or "unknown",
            "logical_cores": os.cpu_count(), "usable_cores": usable, "load_average_at_start": load_average(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(), "torch": torch.__version__, "platform": platform.platform()}


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def numerics(device: Any) -> str:
    """The numerics variant the emulator runs under: the device's own pin if it has one, else what
    emulator.settings reads from EMULATOR_NUMERICS; an emulator without variants is exact."""
    pinned = getattr(device, "numerics", None)
    if pinned:
        return str(pinned)
    read_variant = getattr(emulator_settings, "numerics_variant", None)
    return NO_VARIANTS if read_variant is None else str(read_variant())


def commit(repo: Path = REPO_ROOT) -> dict[str, Any]:
    """HEAD of the checkout measured and whether its tracked files differ from it; 'unknown' outside git."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    head = git("rev-parse", "HEAD")
    if head is None:
        return {"sha": "unknown", "dirty": None}
    changes = git("status", "--porcelain", "--untracked-files=no")
    return {"sha": head, "dirty": None if changes is None else bool(changes)}


def collect(device: Any) -> dict[str, Any]:
    """The report's provenance fields: machine, numerics, commit."""
    return {"machine": machine(), "numerics": numerics(device), "commit": commit()}
