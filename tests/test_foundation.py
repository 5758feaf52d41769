"""The foundation: device selection, the device facade, the Program model and dev-test.sh."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import Program, ProgramError

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


def test_program_dump_matches_schema_and_round_trips():
    program = build_program([2, 3, 64, 128], "float32", True, True)
    data = json.loads(program.to_json())
    jsonschema.validate(data, json.loads((REPO / "schemas" / "program.schema.json").read_text()))
    assert Program.from_json(program.to_json()).to_json() == program.to_json()


def test_program_requires_output_last():
    program = build_program([1, 1, 32, 32], "bfloat16", False, False)
    program.tensors.reverse()
    with pytest.raises(ProgramError, match="last io tensor must be the output"):
        program.validate()
