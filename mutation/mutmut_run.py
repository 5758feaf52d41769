"""mutmut over the audit's Python, folded into the suite's verdicts (`python -m mutation --mutmut`).

mutmut (3.8.1) is configured in pyproject.toml ([tool.mutmut]): it copies `agents/` to `mutants/`,
mutates audit.py, breadcrumbs.py, state.py and chain.py, and runs the tests of tests/builder that
reach each mutated function. It runs in the suite's scratch copy, so its `mutants/` folder and cache
never land in the work tree, and with PYTHONPATH unset, so the tests import `mutants/` (mutmut puts
it first on sys.path) and hand it on to the builder processes they start (tests/builder/conftest.py).
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from mutation.judge import Verdict

AREA = "audit-mutmut"
# mutmut's statuses -> the suite's outcomes. "no tests" (no test reaches the function) is a gap, so
# it counts as a survivor; a crash of the test process is a kill; "not checked"/"skipped" are not judged.
OUTCOME = {"killed": "killed", "segfault": "killed", "timeout": "timeout", "survived": "survived",
           "no tests": "survived", "suspicious": "survived"}
_RESULT = re.compile(r"^\s+(\S+): (.+)$")
_SELECTION = re.compile(r"^pytest_add_cli_args_test_selection = .*$", re.MULTILINE)


class MutmutError(RuntimeError):
    """mutmut could not judge the mutants (not installed, failing clean run, no result)."""


def run(copy: Path, names: tuple[str, ...], timeout: float, children: int,
        equivalent: dict[str, str], tests: tuple[str, ...] = ()) -> tuple[list[Verdict], str]:
    """Run mutmut in the copy (over every configured mutant, or those matching `names`, mutmut's own
    globs such as 'agents.core.chain*'); one verdict per judged mutant (those in `equivalent`, by
    name, are equivalent with the catalogue's reason), and a note when the run was
    cut short by the timeout (then only the mutants mutmut finished are judged: it saves each result
    as it goes). `tests`, when given, replaces the configured test selection in the copy's
    pyproject.toml: mutmut then judges each mutant by those tests alone."""
    if tests:
        select_tests(copy / "pyproject.toml", tests)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    start = time.monotonic()
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names]
    proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    note = ""
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # mutmut's forked workers too
        output, _ = proc.communicate()
        note = f"mutmut stopped at the {timeout:.0f} s timeout; only the mutants it finished are judged"
    if not note and proc.returncode != 0:
        tail = "\n".join(output.replace("\r", "\n").strip().splitlines()[-8:])
        raise MutmutError(f"mutmut run failed (exit {proc.returncode}):\n{tail}")
    seconds = time.monotonic() - start
    verdicts = [v for v in _results(copy, env) if not names or any(fnmatch.fnmatchcase(v.id, n) for n in names)]
    if not verdicts:
        raise MutmutError(f"mutmut judged no mutant matching {list(names)}")
    # mutmut reports no time per mutant: each gets an even share of the run's wall time.
    share = seconds / len(verdicts)
    return [Verdict(v.id, v.area, "equivalent", v.stage, share, equivalent[v.id]) if v.id in equivalent else
            Verdict(v.id, v.area, v.outcome, v.stage, share, v.detail) for v in verdicts], note


def select_tests(pyproject: Path, tests: tuple[str, ...]) -> None:
    """Point [tool.mutmut]'s test selection at `tests` (a scratch copy's file, never the work tree's)."""
    text = pyproject.read_text()
    if len(_SELECTION.findall(text)) != 1:
        raise MutmutError(f"{pyproject}: expected one pytest_add_cli_args_test_selection line in [tool.mutmut]")
    pyproject.write_text(_SELECTION.sub(lambda _: f"pytest_add_cli_args_test_selection = {json.dumps(list(tests))}",
                                        text))


def _results(copy: Path, env: dict[str, str]) -> list[Verdict]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=copy, env=env,
                         capture_output=True, text=True, check=True).stdout
    verdicts = []
    for line in out.splitlines():
        m = _RESULT.match(line)
        if m and m.group(2) in OUTCOME:
            verdicts.append(Verdict(m.group(1), AREA, OUTCOME[m.group(2)], "mutmut", 0.0, m.group(2)))
    return verdicts
