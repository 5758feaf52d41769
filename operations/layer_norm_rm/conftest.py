"""Collects the precision each numeric test achieved and prints it as one table at the end."""
from __future__ import annotations

import os
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
    tr.section(f"layer_norm_rm achieved precision (vs float64 torch), EMULATOR_NUMERICS={_variant()}")
    tr.write_line(f"{'case':44} {'cores':>5} {'max abs':>10} {'max rel':>10} {'<=1ulp':>9} {'<=2ulp':>9} {'pcc':>12}")
    for f in _FIGURES:
        ulps = [f"{f[k]:.4%}" if f.get(k) is not None else "-" for k in ("within_1ulp", "within_2ulp")]
        cores = f["cores"] if f["cores"] is not None else "-"
        tr.write_line(f"{f['case']:44} {cores:>5} {f['max_abs']:10.3e} {f['max_rel']:10.3e} {ulps[0]:>9} {ulps[1]:>9} "
                      f"{f['pcc']:12.9f}")
    for dtype in ("bfloat16", "float32"):
        exact = [f for f in _FIGURES if dtype in f["case"] and "approx=1" not in f["case"]]
        if exact:
            worst = max(exact, key=lambda f: f["max_abs"])
            tr.write_line(f"worst max |err| {dtype} (exact math): {worst['max_abs']:.3e} in '{worst['case']}', "
                          f"over {len(exact)} cases")


def _variant() -> str:
    """The numerics model the emulator ran (its default when unset)."""
    return os.environ.get("EMULATOR_NUMERICS", "default (pessimistic)")
