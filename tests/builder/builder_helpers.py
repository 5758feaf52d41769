"""Helpers of the builder tests: a tiny real op (copy_op: a reader copies sticks into a CB, a writer
writes them back) copied into a scratch repository, and ways to drive the CLI."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from agents.orchestration.cli import main
from agents.core.paths import OpPaths, resolve_op

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "copy_op"
PYPROJECT = """[tool.pytest.ini_options]
markers = ["numeric: compares with a reference"]
"""


def make_repo(root: Path) -> OpPaths:
    """A scratch repository holding fakeops/copy_op; returns its paths."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    shutil.copytree(FIXTURE, root / "fakeops" / "copy_op")
    return resolve_op(root / "fakeops" / "copy_op")


def cli(*args: str) -> Result:
    """The builder CLI in-process (exit code, output and stderr kept apart)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def builder_process(*args: str, **kw) -> subprocess.Popen:
    """The builder CLI as its own process (for locks, kills and concurrency)."""
    return subprocess.Popen([sys.executable, "-m", "agents.orchestration.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def log_events(paths: OpPaths) -> list[dict]:
    return [json.loads(line) for f in sorted(paths.logs_dir.glob("*.jsonl")) for line in f.read_text().splitlines()]
