"""Every setting of the emulator that the environment may change, read here and nowhere else.

`EMULATOR_NUMERICS` selects the numerics variant: where the hardware's sources (the Tensix ISA
documentation, Tenstorrent's ttsim, the LLK) disagree on a number rule, each variant is one reading,
listed rule by rule in the fidelity table of emulator/README.md.

Each is a default that an explicit argument overrides (`EmulatedDevice(cache_dir=...)`,
`emulator.run(..., hang_timeout=...)`), so library callers never need to touch `os.environ`.
The README's environment table lists them with the other packages' variables.

Fixed settings of the watchdog (not read from the environment; the runner echoes them in its report):
it looks every `WATCHDOG_TICK_MS` ms and reports a deadlock after `DEADLOCK_TICKS` looks in a row with
every live kernel blocked on a circular buffer.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Mapping

from emulator.codes import NUMERICS_CODE

CACHE_DIR_ENV = "EMULATOR_CACHE_DIR"
HANG_SECONDS_ENV = "EMULATOR_HANG_SECONDS"
COMPILER_ENV = "CXX"
NUMERICS_ENV = "EMULATOR_NUMERICS"
VALIDATE_CONTRACT_ENV = "EMULATOR_VALIDATE_CONTRACT"
PERSISTENT_RUNNER_ENV = "EMULATOR_PERSISTENT_RUNNER"
NUMERICS_VARIANTS = tuple(NUMERICS_CODE)
DEFAULT_NUMERICS = "pessimistic"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "ttnn-opbuilder" / "emulator"
DEFAULT_HANG_SECONDS = 10.0
DEFAULT_COMPILER = "g++"
WATCHDOG_TICK_MS = 20
DEADLOCK_TICKS = 10


SHARED_MEMORY_DIR = Path("/dev/shm")


def memory_dir() -> Path | None:
    """Where a device keeps its DRAM and L1 files and a run its plan and report: shared memory (tmpfs) when
    the machine has it, so the mappings of those files never cost disk blocks or write-back and removing a
    run's folder costs no journal write; None (the temp folder) elsewhere."""
    d = SHARED_MEMORY_DIR
    return d if d.is_dir() and os.access(d, os.W_OK | os.X_OK) else None


def cache_dir() -> Path:
    """Where compiled kernels and runners are kept (content-keyed, safe to share between processes)."""
    return Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR)


def parse_hang_seconds(environ: Mapping[str, str]) -> float:
    """The hang quiet period from `environ`; a clear ValueError for anything but a finite number > 0."""
    raw = environ.get(HANG_SECONDS_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_HANG_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{HANG_SECONDS_ENV}={raw!r}: expected a finite number of seconds > 0")
    return value


def hang_seconds() -> float:
    """How long kernels may make no CB, NOC or API progress before the runner reports a hang."""
    return parse_hang_seconds(os.environ)


def compiler() -> str:
    """The host C++ compiler that builds the runner and the kernels."""
    return os.environ.get(COMPILER_ENV) or DEFAULT_COMPILER


def parse_switch(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """An on/off variable: "1"/"true"/"yes"/"on" or "0"/"false"/"no"/"off" (any case; unset or empty:
    `default`); else a ValueError naming it."""
    raw = (environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in {"0", "false", "no", "off"}:
        return False
    if raw in {"1", "true", "yes", "on"}:
        return True
    raise ValueError(f"{name}={environ[name]!r}: expected 1/true/yes/on or 0/false/no/off")


def parse_validate_contract(environ: Mapping[str, str]) -> bool:
    """Whether `environ` asks for the plan and report to be checked against their JSON schemas in Python
    (parse_switch; default off)."""
    return parse_switch(environ, VALIDATE_CONTRACT_ENV, False)


def validate_contract() -> bool:
    """Whether each run checks its plan and report against the JSON schemas in Python (off by default:
    the runner checks every plan key itself, and schema validation was the warm seed matrix's largest
    cost; the test suite turns it on in its root conftest.py, so every test run still validates)."""
    return parse_validate_contract(os.environ)


def persistent_runner() -> bool:
    """Whether each device runs its programs on one live runner process (default) or starts a new runner
    per run (`EMULATOR_PERSISTENT_RUNNER=0`: the measurement baseline, and a fallback)."""
    return parse_switch(os.environ, PERSISTENT_RUNNER_ENV, True)


def check_numerics(variant: str, source: str = "numerics") -> str:
    """The variant name, or ValueError naming where it came from and the accepted names."""
    if variant not in NUMERICS_VARIANTS:
        raise ValueError(f"{source}={variant!r}: expected one of {', '.join(NUMERICS_VARIANTS)}")
    return variant


def numerics_variant() -> str:
    """The variant `EMULATOR_NUMERICS` names (default: pessimistic, the envelope that loses most)."""
    return check_numerics(os.environ.get(NUMERICS_ENV, DEFAULT_NUMERICS), NUMERICS_ENV)
