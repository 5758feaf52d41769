"""Root pytest configuration: the `device` fixture every test takes instead of opening devices, and
the emulator's runner-contract validation turned on for every test run (and the processes tests
start), unless the environment says otherwise: off by default in runs for speed (emulator/settings.py)."""
from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from emulator import settings as emulator_settings
from operations import device as devices

os.environ.setdefault(emulator_settings.VALIDATE_CONTRACT_ENV, "1")


def pytest_report_header(config: pytest.Config) -> str:
    return f"device backend: {devices.backend()} (set {devices.DEVICE_ENV}=emulator to force the emulator)"


@pytest.fixture(scope="session")
def device() -> Iterator[Any]:
    """A real ttnn device when hardware is visible, else an emulated Wormhole n150 (8x8 workers)."""
    d = devices.open_device()
    yield d
    devices.close_device(d)
