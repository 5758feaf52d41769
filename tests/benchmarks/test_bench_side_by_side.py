"""The side-by-side section: what it refuses (with the reason) and how it prints a row."""
from __future__ import annotations

import pytest
import torch

from benchmarks import side_by_side
from benchmarks.workload import inputs


class _Device:
    """Enough of an EmulatedDevice for building the stages (no run)."""

    grid = (8, 8)
    l1_size, l1_unreserved_base = 1464 * 1024, 105824

    def allocate(self, shape, dtype):  # noqa: ANN001, ANN201 - a stand-in
        raise AssertionError("a refused case must not allocate")


def test_an_untilize_whose_cbs_exceed_l1_is_refused_with_the_reason() -> None:
    """[8,1,512,4096] fp32: two row-blocks a core, double-buffered 128-tile CBs of 4 KiB tiles = 2 MiB."""
    x, gamma, beta = inputs([8, 1, 512, 4096], "float32")
    with pytest.raises(side_by_side.NotRunnable, match="untilize: .*2097152 B of CBs per core at W=4096"):
        side_by_side.ttnn_stages(_Device(), x, gamma, beta)


def test_reference_is_float64_layer_norm_of_the_device_values() -> None:
    x, gamma, beta = inputs([1, 1, 32, 64], "bfloat16")
    ref = side_by_side.reference(x, gamma, beta)
    assert ref.dtype == torch.float64
    row = (x[0, 0, 0].double() - x[0, 0, 0].double().mean()) / torch.sqrt(
        x[0, 0, 0].double().var(unbiased=False) + side_by_side.EPSILON)
    assert torch.allclose(ref[0, 0, 0], row * gamma.double() + beta.double(), rtol=0, atol=1e-12)


def test_table_prints_numbers_and_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    figures = {"max_abs_err_vs_float64": 0.0156, "dram_bytes_read": 2228224, "dram_bytes_written": 2097152,
               "noc_transactions": 16448, "kernels": 3, "emulator_wall_s": 0.74, "device_us": 696.2,
               "device_us_per_program": [696.2]}
    side_by_side.print_side_by_side([{"shape": [1, 1, 1024, 1024], "dtype": "bfloat16",
                                      "ttnn": {"not_runnable": "because"}, "ours": figures}])
    out = capsys.readouterr().out
    assert "1x1x1024x1024    bfloat16  ttnn  not runnable: because" in out
    assert "ours     0.0156       2.23       2.10     16448       3    0.74      696.2  696.2" in out
