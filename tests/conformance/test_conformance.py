"""ttnn's production kernels, unmodified from the 0.81.1 wheel, on the emulator: each case must meet the
bound its tt-metal unit test asserts on silicon (see cases.py for the citations)."""
from __future__ import annotations

import pytest
import torch

import emulator
from tests.conformance.cases import CASES, MULTI, SINGLE, SINGLE_CORE_FACTORIES
from tests.conformance.compare import allclose_failures, max_abs_err, non_finite_mismatches, pcc, rel_frobenius
from tests.conformance.runner import device_values, run_case


RUNS = [(name, grid) for name in sorted(CASES) for grid in (SINGLE, MULTI)
        if grid == SINGLE or name not in SINGLE_CORE_FACTORIES]


@pytest.mark.parametrize("name, grid", RUNS, ids=[f"{n}-{'single' if g == SINGLE else 'multi'}_core" for n, g in RUNS])
def test_conformance(name: str, grid: tuple[int, int], wheel_root, results) -> None:  # type: ignore[no-untyped-def]
    device = emulator.EmulatedDevice(grid=grid)
    try:
        case = CASES[name](grid)
        out = run_case(device, case)
    finally:
        device.close()
    dtype = case.program.tensors[0].dtype
    expected = case.reference({k: device_values(v, dtype) for k, v in case.inputs.items()})
    got_pcc, err = pcc(expected, out), max_abs_err(expected, out)
    results.append({"case": f"{name}[{'x'.join(map(str, grid))}]", "cores": grid[0] * grid[1],
                    "bound": case.pcc, "pcc": got_pcc, "max_abs_err": err, "passed": got_pcc >= case.pcc})
    assert non_finite_mismatches(expected, out) == 0, f"{name}: non-finite outputs where torch is finite"
    assert got_pcc >= case.pcc, f"{name} on {grid}: pcc {got_pcc:.6f} < {case.pcc} (max |err| {err:.4g})"
    if case.exact:
        assert torch.equal(expected, out.to(torch.float64)), f"{name} on {grid}: not equal to torch (max |err| {err:.4g})"
    if case.allclose is not None:
        failures = allclose_failures(expected, out, *case.allclose)
        assert failures == 0, f"{name} on {grid}: {failures} elements outside allclose(rtol, atol)={case.allclose}"
    if case.rel_frobenius is not None:
        frob = rel_frobenius(expected, out)
        assert frob <= case.rel_frobenius, f"{name} on {grid}: relative Frobenius {frob:.3g} > {case.rel_frobenius}"
