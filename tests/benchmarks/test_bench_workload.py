"""What the benchmark times ends with the device synchronized: the runner's reset after a run (which it
answers before resetting) is inside the emulator's time and never overlaps the torch timing after it."""
from __future__ import annotations

from typing import Iterator

import pytest

import emulator
from benchmarks import workload


@pytest.fixture
def device() -> Iterator[emulator.EmulatedDevice]:
    d = emulator.EmulatedDevice()
    yield d
    d.close()


def test_run_op_returns_with_the_runner_reset(device) -> None:
    x, gamma, beta = workload.inputs([1, 1, 32, 64], "bfloat16")
    workload.run_op(device, x, gamma, beta)
    process = device.runner._process
    assert process is not None and process.alive() and not process.resetting


def test_launch_program_returns_with_the_runner_reset(device) -> None:
    x, gamma, beta = workload.inputs([1, 1, 32, 64], "float32")
    workload.launch_program(device, x, gamma, beta)
    process = device.runner._process
    assert process is not None and process.alive() and not process.resetting
