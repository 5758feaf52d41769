"""Collects the precision each numeric test achieved and prints it as one table at the end."""
from __future__ import annotations

from typing import Any

import pytest

from operations import device as devices

_FIGURES: list[dict[str, Any]] = []


@pytest.fixture
def precision_log() -> list[dict[str, Any]]:
    return _FIGURES


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every LaunchResult of the test, in order: devices.launch wrapped to keep what it returns."""
    results: list[Any] = []
    launch = devices.launch

    def recording(program: Any, io_tensors: list[Any]) -> Any:
        results.append(launch(program, io_tensors))
        return results[-1]

    monkeypatch.setattr(devices, "launch", recording)
    return results


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _FIGURES:
        return
    tr = terminalreporter
    tr.section("layer_norm_rm achieved precision (vs float64 torch)")
    tr.write_line(f"{'case':44} {'cores':>5} {'max abs':>10} {'max rel':>10} {'<=2ulp':>9} {'pcc':>12}")
    for f in _FIGURES:
        ulp = f"{f['within_2ulp']:.4%}" if f["within_2ulp"] is not None else "-"
        cores = f["cores"] if f["cores"] is not None else "-"
        tr.write_line(f"{f['case']:44} {cores:>5} {f['max_abs']:10.3e} {f['max_rel']:10.3e} {ulp:>9} "
                      f"{f['pcc']:12.9f}")
