"""Root pytest configuration: the `device` fixture every test takes instead of opening devices."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

from operations import device as devices


def pytest_report_header(config: pytest.Config) -> str:
    return f"device backend: {devices.backend()} (set {devices.DEVICE_ENV}=emulator to force the emulator)"


@pytest.fixture(scope="session")
def device() -> Iterator[Any]:
    """A real ttnn device when hardware is visible, else an emulated Wormhole n150 (8x8 workers)."""
    d = devices.open_device()
    yield d
    devices.close_device(d)
