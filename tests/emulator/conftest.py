"""Emulator tests always run on an emulated device, whatever hardware the machine has."""
from __future__ import annotations

from typing import Iterator

import pytest

import emulator


@pytest.fixture(scope="session")
def emu() -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice()
    yield device
    device.close()
