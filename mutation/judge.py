"""Running a test selection against a (mutated) copy and judging the mutant by the outcome."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mutation.catalogue import Area, Mutant

# pytest exit codes that mean the selection itself is wrong (usage error, nothing collected), not a kill;
# 1 (tests failed), 2 (collection errors, e.g. a mutated module that no longer imports) and signals are kills.
SELECTION_WRONG = (4, 5)


class SelectionError(RuntimeError):
    """A test selection that cannot judge anything: it fails unmutated, or selects no test."""


@dataclass(frozen=True)
class Verdict:
    id: str
    area: str
    outcome: str  # killed | survived | timeout | equivalent
    stage: str  # which selection decided: "tests", "suite" or ""
    seconds: float
    detail: str = ""


def run_selection(selection: tuple[str, ...], copy: Path, area: Area, root: Path, timeout: float,
                  cache_dir: Path, workers: int = 1) -> tuple[int | None, str]:
    """Exit code of pytest over the selection in the copy (None on timeout) and its last lines; with
    `workers` > 1 over that many pytest-xdist processes where the area allows (-x still stops at the first failure)."""
    python = str(root / area.python) if area.python else sys.executable
    env = {**os.environ, "PYTHONPATH": str(copy), "OPBUILDER_DEVICE": "emulator",
           "EMULATOR_CACHE_DIR": str(cache_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [python, "-m", "pytest", *selection, "-x", "-q", "-p", "no:cacheprovider", "--rootdir", str(copy)]
    if workers > 1 and area.parallel:
        cmd += ["-n", str(workers)]
    try:
        done = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout,
                              start_new_session=True)
    except subprocess.TimeoutExpired:
        return None, f"no result within {timeout:.0f} s"
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-3:])
    return done.returncode, tail


def judge(mutant: Mutant, area: Area, copy: Path, root: Path, timeout: float, cache_dir: Path,
          workers: int = 1, before_suite: Callable[[], None] | None = None) -> Verdict:
    """Run the mutant's own tests (one process: they are few), then its area's suite (over `workers`
    xdist processes); the first failing selection kills it. `before_suite` runs first when the suite is
    needed (the caller checks the suite's baseline there, only for mutants that get that far)."""
    start = time.monotonic()
    stages = [("tests", mutant.tests, 1)] if mutant.tests else []
    stages.append(("suite", area.suite, workers))
    for stage, selection, n in stages:
        if stage == "suite" and before_suite is not None:
            before_suite()
        code, tail = run_selection(selection, copy, area, root, timeout, cache_dir, n)
        if code is None:
            return Verdict(mutant.id, mutant.area, "timeout", stage, time.monotonic() - start, tail)
        if code in SELECTION_WRONG:
            raise SelectionError(f"{mutant.id}: selection {list(selection)} selects no test (pytest exit {code}):\n{tail}")
        if code != 0:
            return Verdict(mutant.id, mutant.area, "killed", stage, time.monotonic() - start, tail)
    return Verdict(mutant.id, mutant.area, "survived", "", time.monotonic() - start)


def check_baseline(selection: tuple[str, ...], copy: Path, area: Area, root: Path, timeout: float,
                   cache_dir: Path, workers: int = 1) -> None:
    """A selection must pass on the unmutated copy, or every kill it reports would be false."""
    code, tail = run_selection(selection, copy, area, root, timeout, cache_dir, workers)
    if code != 0:
        raise SelectionError(f"selection {list(selection)} does not pass unmutated (exit {code}):\n{tail}")
