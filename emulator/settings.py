"""Every setting of the emulator that the environment may change, read here and nowhere else.

| variable | default | effect |
| --- | --- | --- |
| `EMULATOR_HANG_SECONDS` | 10 | quiet period (no CB, NOC or kernel progress) after which a run is reported as a hang |

Fixed settings of the watchdog (not read from the environment; the runner echoes them in its report):
it looks every `WATCHDOG_TICK_MS` ms and reports a deadlock after `DEADLOCK_TICKS` looks in a row with
every live kernel blocked on a circular buffer.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from typing import Mapping

HANG_SECONDS_ENV = "EMULATOR_HANG_SECONDS"
DEFAULT_HANG_SECONDS = 10.0
WATCHDOG_TICK_MS = 20
DEADLOCK_TICKS = 10


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


@lru_cache(maxsize=1)
def hang_seconds() -> float:
    """The configured hang quiet period, read from the environment once per process."""
    return parse_hang_seconds(os.environ)
