"""The throughput row's wiring: the kernel cache is warmed and the output checked before any timing,
then interleaved rounds of (emulator, warmed torch), on a fake clock."""
from __future__ import annotations

import pytest
import torch

from benchmarks import throughput
from tests.benchmarks.fakes import Script


def test_warm_up_and_check_come_before_interleaved_rounds(monkeypatch) -> None:
    s = Script()
    emulator_call = s.call("emulator", [0.5, 0.1, 0.3, 0.2])  # the untimed first run takes 0.5 s
    torch_call = s.call("torch", [0.001])

    def run_op(device, x, gamma, beta):
        emulator_call()
        return torch.nn.functional.layer_norm(x.double(), x.shape[-1:], gamma.double(), beta.double(), 1e-5)

    def run_torch(x, gamma, beta):
        if x.dtype != torch.float64:  # the float64 reference of the error check is not a timed call
            torch_call()
        return torch.nn.functional.layer_norm(x, x.shape[-1:], gamma, beta, 1e-5)

    monkeypatch.setattr(throughput, "run_op", run_op)
    monkeypatch.setattr(throughput, "run_torch", run_torch)
    cpu_readings = iter([1.0, 1.25, 2.0, 2.5, 3.0, 3.125])  # one pair around each timed emulator call
    row = throughput.throughput_row(None, [1, 1, 32, 64], "float32", 3, s.clock, lambda: next(cpu_readings))

    one_round = ["clock", "emulator", "clock"] + ["torch"] * 3 + ["clock"] + ["torch"] * 10 + ["clock"]
    assert s.log == ["emulator"] + one_round * 3
    assert row["emulator_samples_s"] == pytest.approx([0.1, 0.3, 0.2])
    assert row["emulator_s"] == pytest.approx(0.2) and row["torch_warm_s"] == pytest.approx(0.001)
    assert row["ratio"] == pytest.approx(200.0)
    assert row["emulator_cpu_samples_s"] == pytest.approx([0.25, 0.5, 0.125])
    assert row["emulator_cpu_s"] == pytest.approx(0.25)
    assert row["max_abs_err_vs_float64"] == 0.0  # the fake returns the float64 reference itself


def test_max_abs_error_is_against_float64() -> None:
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    gamma, beta = torch.ones(4), torch.zeros(4)
    ref = torch.nn.functional.layer_norm(x.double(), (4,), gamma.double(), beta.double(), 1e-5)
    got = ref.float().clone()
    got[0, 2] += 0.25
    assert throughput.max_abs_error(x, gamma, beta, got) == pytest.approx(0.25, abs=1e-6)
