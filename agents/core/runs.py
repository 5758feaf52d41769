"""What the runners give the phases: the contract between the phase agents, which decide, and the
runners (emulator, pytest, compiler), which do. The builder hands each phase its runners on the
context, so tests can replace any of them and the phases never import a runner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

Progress = Callable[[str], None]


@dataclass
class PytestOutcome:
    exit_code: int
    counts: dict[str, int]
    failed: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)  # test names as JUnit gives them, e.g. test_x[bfloat16]
    skipped: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.counts.get("tests", 0) > 0 and not self.failed


class IncludeError(RuntimeError):
    """The compiler could not list a kernel's includes."""


# program -> stats dict (with "warnings": list of str); raises on a compile error or emulator fault
ProgramRunner = Callable[[Any], dict[str, Any]]
# (test file, pytest args, working directory, progress) -> outcome
PytestRunner = Callable[[Path, list[str], Path, Progress], PytestOutcome]
# (compiler, kernel source, kernel kind, defines) -> every file it includes; raises IncludeError
IncludesRunner = Callable[[str, Path, str, dict[str, str]], list[Path]]
