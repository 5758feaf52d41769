"""The comparisons tt-metal's unit tests assert, computed in float64."""
from __future__ import annotations

import torch


def _zero_non_finite(x: torch.Tensor) -> torch.Tensor:
    x = x.detach().to(torch.float64).flatten().clone()
    x[~torch.isfinite(x)] = 0.0
    return x


def pcc(expected: torch.Tensor, actual: torch.Tensor) -> float:
    """The PCC that tests/ttnn/utils_for_testing.assert_with_pcc checks, following comp_pcc in
    models/common/utility_functions.py (tenstorrent/tt-metal): all-NaN on both sides is 1.0, on one side
    0.0; one side all zero and the other not is 0.0; NaN and +-inf are then set to 0 on both sides; equal
    tensors are 1.0; otherwise Pearson's correlation coefficient (here in float64)."""
    e_raw, a_raw = expected.detach().to(torch.float64), actual.detach().to(torch.float64)
    e_nan, a_nan = bool(torch.isnan(e_raw).all()), bool(torch.isnan(a_raw).all())
    if e_nan and a_nan:
        return 1.0
    if e_nan or a_nan:
        return 0.0
    if bool(e_raw.bool().any()) != bool(a_raw.bool().any()):
        return 0.0
    e, a = _zero_non_finite(e_raw), _zero_non_finite(a_raw)
    if torch.equal(e, a):
        return 1.0
    return float(torch.corrcoef(torch.stack([e, a]))[0, 1])


def max_abs_err(expected: torch.Tensor, actual: torch.Tensor) -> float:
    """Largest |expected - actual| where the reference is finite (infinities are compared separately)."""
    e, a = expected.to(torch.float64), actual.to(torch.float64)
    finite = torch.isfinite(e)
    return float((e[finite] - a[finite]).abs().max()) if bool(finite.any()) else 0.0


def non_finite_mismatches(expected: torch.Tensor, actual: torch.Tensor) -> int:
    """Outputs that are not finite where the reference is."""
    return int((torch.isfinite(expected.to(torch.float64)) & ~torch.isfinite(actual.to(torch.float64))).sum())


def allclose_failures(expected: torch.Tensor, actual: torch.Tensor, rtol: float, atol: float) -> int:
    """Elements outside |actual - expected| <= atol + rtol * |expected| (ttnn test_utils allclose_report)."""
    e, a = expected.to(torch.float64), actual.to(torch.float64)
    return int(((a - e).abs() > atol + rtol * e.abs()).sum())


def rel_frobenius(expected: torch.Tensor, actual: torch.Tensor) -> float:
    """||actual - expected||_F / ||expected||_F (ttnn test_utils relative_frobenius)."""
    e, a = expected.to(torch.float64), actual.to(torch.float64)
    return float(torch.linalg.norm(a - e) / torch.linalg.norm(e))
