"""The foundation: device selection, the device facade and dev-test.sh (the Program: test_program.py)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import torch

from operations import device as devices

REPO = Path(__file__).resolve().parent.parent


def test_dev_test_help_exits_zero():
    result = subprocess.run([str(REPO / "scripts" / "dev-test.sh"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "usage: scripts/dev-test.sh" in result.stdout and "OPBUILDER_DEVICE" in result.stdout


def test_dev_test_rejects_unknown_option():
    result = subprocess.run([str(REPO / "scripts" / "dev-test.sh"), "--bogus"], capture_output=True, text=True)
    assert result.returncode == 4 and "unknown option '--bogus'" in result.stderr


def test_backend_env_is_validated(monkeypatch):
    monkeypatch.setenv(devices.DEVICE_ENV, "gpu")
    with pytest.raises(ValueError, match=r"OPBUILDER_DEVICE='gpu': expected one of auto, emulator, hardware"):
        devices.backend()


def test_emulator_is_forced_by_env(monkeypatch):
    monkeypatch.setenv(devices.DEVICE_ENV, "emulator")
    assert devices.backend() == "emulator"


def test_hardware_request_without_hardware_fails_clearly(monkeypatch):
    monkeypatch.setenv(devices.DEVICE_ENV, "hardware")
    monkeypatch.setattr(devices, "hardware_visible", lambda: False)
    with pytest.raises(RuntimeError, match="no Tenstorrent device"):
        devices.backend()


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32])
def test_from_torch_to_torch_round_trip(device, dtype):
    t = torch.randn(2, 32, 64).to(dtype)
    d = devices.from_torch(t, device)
    assert devices.shape_of(d) == [2, 32, 64]
    assert devices.dtype_name(d) == str(dtype).split(".")[-1]
    assert devices.layout_name(d) == "ROW_MAJOR" and devices.memory_name(d) == "DRAM_INTERLEAVED"
    assert torch.equal(devices.to_torch(d), t)


def test_from_torch_rounds_to_nearest_even(device):
    t = torch.tensor([[1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8]], dtype=torch.float32)
    back = devices.to_torch(devices.from_torch(t, device, dtype="bfloat16"))
    assert back.tolist() == [[1.0, 1.0 + 2.0 ** -6]]


def test_from_torch_rejects_other_dtypes(device):
    with pytest.raises(TypeError, match=r"torch.int32 is not supported"):
        devices.from_torch(torch.zeros(32, 32, dtype=torch.int32), device)


def test_launch_anchors_sources_and_returns_what_the_emulator_counted():
    """Sources relative to the folder holding `operations/`; the result carries the output and the stats."""
    import emulator
    from program import AccessorArgs, BufferAddress, CircularBuffer, CoreRange, Kernel, Program, TensorSlot

    core = [CoreRange((0, 0), (0, 0))]
    kernels = [Kernel(kind, kind, f"tests/emulator/kernels/copy_{kind}.cpp", core, [AccessorArgs(tensor)],
                      {(0, 0): [BufferAddress(tensor), 0, 2, 128]})
               for kind, tensor in (("reader", "x"), ("writer", "y"))]
    program = Program("copy", [CircularBuffer(0, "bfloat16", 128, 2, core)], kernels,
                      [TensorSlot("x", [2, 64], "bfloat16", "input"), TensorSlot("y", [2, 64], "bfloat16", "output")])
    device = emulator.EmulatedDevice(grid=(1, 1))
    try:
        x = devices.from_torch(torch.randn(2, 64).to(torch.bfloat16), device)
        y = devices.allocate([2, 64], "bfloat16", device)
        result = devices.launch(program, [x, y])
        assert result.output is y and torch.equal(devices.to_torch(y), devices.to_torch(x))
        assert result.stats.cores == [(0, 0)] and result.stats.dram_bytes_written == 2 * 128
        assert program.kernels[0].source == "tests/emulator/kernels/copy_reader.cpp", "the caller's Program stays"
    finally:
        devices.close_device(device)
