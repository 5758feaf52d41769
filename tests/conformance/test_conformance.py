"""ttnn's production kernels, unmodified from the 0.81.1 wheel, on the emulator: each case must meet the
bound its tt-metal unit test asserts on silicon (see cases.py for the citations)."""
from __future__ import annotations

import os

import pytest
import torch

import emulator
from tests.conformance.cases import CASES, MULTI, NOT_YET_PASSING, SINGLE, SINGLE_CORE_FACTORIES
from tests.conformance.compare import allclose_failures, max_abs_err, non_finite_mismatches, pcc, rel_frobenius
from tests.conformance.runner import device_values, run_case


BUILDERS = dict(CASES)
if os.environ.get("CONFORMANCE_NOT_YET_PASSING") == "1":
    BUILDERS.update({name: builder for name, (builder, _reason) in NOT_YET_PASSING.items()})
RUNS = [(name, grid) for name in sorted(BUILDERS) for grid in (SINGLE, MULTI)
        if grid == SINGLE or name not in SINGLE_CORE_FACTORIES]


@pytest.mark.parametrize("name, grid", RUNS, ids=[f"{n}-{'single' if g == SINGLE else 'multi'}_core" for n, g in RUNS])
def test_conformance(name: str, grid: tuple[int, int], wheel_root, results) -> None:  # type: ignore[no-untyped-def]
    device = emulator.EmulatedDevice(grid=grid)
    try:
        case = BUILDERS[name](grid)
        out = run_case(device, case)
    finally:
        device.close()
    dtype = case.program.tensors[0].dtype
    expected = case.reference({k: device_values(v, dtype) for k, v in case.inputs.items()})
    got_pcc, err = pcc(expected, out), max_abs_err(expected, out)
    failures = allclose_failures(expected, out, *case.allclose) if case.allclose else 0
    frob = rel_frobenius(expected, out) if case.rel_frobenius is not None else None
    equal = bool(torch.equal(expected, out.to(torch.float64)))
    passed = (got_pcc >= case.pcc and (equal or not case.exact) and failures == 0
              and (frob is None or frob <= case.rel_frobenius))
    results.append({"case": f"{name}[{'x'.join(map(str, grid))}]", "cores": grid[0] * grid[1],
                    "bound": bound_text(case), "pcc": got_pcc, "max_abs_err": err,
                    "extra": f"frob {frob:.2e}" if frob is not None else ("equal" if equal else ""),
                    "passed": passed})
    assert non_finite_mismatches(expected, out) == 0, f"{name}: non-finite outputs where torch is finite"
    assert got_pcc >= case.pcc, f"{name} on {grid}: pcc {got_pcc:.6f} < {case.pcc} (max |err| {err:.4g})"
    if case.exact:
        assert equal, f"{name} on {grid}: not equal to torch (max |err| {err:.4g})"
    assert failures == 0, f"{name} on {grid}: {failures} elements outside allclose(rtol, atol)={case.allclose}"
    if frob is not None:
        assert frob <= case.rel_frobenius, f"{name} on {grid}: relative Frobenius {frob:.3g} > {case.rel_frobenius}"


def bound_text(case) -> str:  # type: ignore[no-untyped-def]
    """The unit test's assertion, as the table shows it."""
    if case.exact:
        return "equal"
    parts = [f"pcc>={case.pcc}"]
    if case.allclose:
        parts.append(f"allclose{case.allclose}")
    if case.rel_frobenius is not None:
        parts.append(f"frob<={case.rel_frobenius}")
    return ",".join(parts)
