"""The comparisons tt-metal's unit tests assert, computed in float64."""
from __future__ import annotations

import torch


def pcc(expected: torch.Tensor, actual: torch.Tensor) -> float:
    """Pearson correlation of the flattened tensors, as tests/ttnn/utils_for_testing.assert_with_pcc
    computes it (comp_pcc: equal tensors give 1.0; a constant tensor is compared for equality)."""
    e = expected.detach().to(torch.float64).flatten()
    a = actual.detach().to(torch.float64).flatten()
    if torch.equal(e, a):
        return 1.0
    if bool(torch.all(e == e[0])) or bool(torch.all(a == a[0])):
        return 0.0
    return float(torch.corrcoef(torch.stack([e, a]))[0, 1])


def max_abs_err(expected: torch.Tensor, actual: torch.Tensor) -> float:
    return float((expected.to(torch.float64) - actual.to(torch.float64)).abs().max())
