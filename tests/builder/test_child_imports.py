"""Processes the builder tests start import the same `agents` as the tests themselves (so a mutant
under mutmut's mutants/ copy reaches the CLI run as a child, and a work tree's code is what runs)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import agents


def test_a_child_python_imports_this_agents_package():
    out = subprocess.run([sys.executable, "-c", "import agents; print(agents.__file__)"], capture_output=True,
                         text=True, check=True, cwd="/").stdout.strip()
    assert Path(out).resolve() == Path(agents.__file__).resolve()

