"""Runs an op's pytest file in a child process on the emulator, showing each result as it lands.

The kernels and tests gates are long (tens of seconds to minutes), so a person watching needs to
see progress, and the gate needs exact counts: those come from pytest's JUnit XML, not from
parsing its human output.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from agents.core.runs import Progress, PytestOutcome
from operations.settings import DEVICE_ENV
DEFAULT_TIMEOUT_S = 3600.0
# The id may hold spaces (parametrize ids are free text), so it runs up to the last status word.
_RESULT = re.compile(r"^(?P<test>\S+::.+)\s+(?P<status>PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\s*"
                     r"(?:\(.*\)\s*)?(?:\[\s*(?P<done>\d+)\s*/\s*(?P<total>\d+)\])?\s*$")


def run_pytest(test_file: Path, args: list[str], cwd: Path, progress: Progress,
               timeout: float = DEFAULT_TIMEOUT_S) -> PytestOutcome:
    """pytest on `test_file` with the emulator forced; every result line is passed to `progress`."""
    with tempfile.TemporaryDirectory(prefix="builder-pytest-") as tmp:
        xml = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", str(test_file), *args, "-v", "--color=no", "-p", "no:cacheprovider",
               "-o", "console_output_style=count", f"--junitxml={xml}"]
        env = {**os.environ, DEVICE_ENV: "emulator"}
        started = time.monotonic()
        lines, exit_code = _stream(cmd, cwd, env, progress, timeout)
        counts, names = _junit(xml)
    return PytestOutcome(exit_code, counts, names["failed"], names["passed"], names["skipped"],
                         round(time.monotonic() - started, 3), "\n".join(lines[-40:]))


def _stream(cmd: list[str], cwd: Path, env: dict[str, str], progress: Progress,
            timeout: float) -> tuple[list[str], int]:
    """(output lines, exit code); pytest is killed when it runs past `timeout` seconds."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1)
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            lines.append(line)
            m = _RESULT.match(line)
            if m:
                where = f"[{m['done']}/{m['total']}] " if m["done"] else ""
                progress(f"{where}{m['status']} {m['test'].split('::', 1)[1]}")
        exit_code = proc.wait()
    finally:
        timed_out = not watchdog.is_alive() and proc.returncode is not None and proc.returncode < 0
        watchdog.cancel()
    if timed_out:
        lines.append(f"(pytest was killed after {timeout:g} s)")
    return lines, exit_code


def _junit(xml: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Counts, and the test names by outcome (failed ones as classname::name)."""
    names: dict[str, list[str]] = {"failed": [], "passed": [], "skipped": []}
    if not xml.exists():
        return {"tests": 0, "passed": 0, "failures": 0, "errors": 0, "skipped": 0}, names
    root = ET.parse(xml).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = {key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")}
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            names["failed"].append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is not None:
            names["skipped"].append(str(case.get("name")))
        else:
            names["passed"].append(str(case.get("name")))
    return counts, names
