"""A fake clock and recorded calls: the benchmark's timing logic checked without timing anything."""
from __future__ import annotations

from typing import Callable


class Script:
    """A shared log of what happened, in order, and a clock that only moves when a fake call says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self.log: list[str] = []

    def clock(self) -> float:
        self.log.append("clock")
        return self.now

    def call(self, name: str, durations: list[float]) -> Callable[[], None]:
        """A function that logs `name` and advances the clock by the next of `durations` (cycled)."""
        count = [0]

        def fn(*_args, **_kwargs) -> None:
            self.log.append(name)
            self.now += durations[count[0] % len(durations)]
            count[0] += 1
        return fn
