"""Conformance fixtures: the unpacked ttnn wheel (downloaded on first use) and a results table printed at
the end of the session, one row per case, under the numerics variant in force."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.conformance import wheel

RESULTS: list[dict] = []


@pytest.fixture(scope="session")
def wheel_root() -> Path:
    return wheel.unpacked_root()


@pytest.fixture(scope="session")
def results() -> Iterator[list[dict]]:
    yield RESULTS


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not RESULTS:
        return
    variant = os.environ.get("EMULATOR_NUMERICS") or "pessimistic (default)"
    tr = terminalreporter
    tr.section(f"ttnn conformance (EMULATOR_NUMERICS={variant})")
    tr.write_line(f"{'case':30} {'cores':>5} {'bound':>42} {'pcc':>10} {'max|err|':>10} {'extra':>18} {'pass':>5}")
    for r in RESULTS:
        tr.write_line(f"{r['case']:30} {r['cores']:>5} {r['bound']:>42} {r['pcc']:>10.6f} "
                      f"{r['max_abs_err']:>10.4g} {r['extra']:>18} {'yes' if r['passed'] else 'NO':>5}")
