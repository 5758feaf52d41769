"""The phase graph: a straight line, each phase building on every phase before it."""
from __future__ import annotations

PHASES: tuple[str, ...] = ("spec", "descriptor", "stubs", "kernels", "tests")


def check_phase(phase: str) -> str:
    if phase not in PHASES:
        raise ValueError(f"phase {phase!r}: expected one of {', '.join(PHASES)}")
    return phase


def earlier(phase: str) -> tuple[str, ...]:
    """The phases that must be complete and unchanged before `phase` may start."""
    return PHASES[:PHASES.index(check_phase(phase))]
