"""Every environment variable the ops layer reads, read here and nowhere else (see the README's table)."""
from __future__ import annotations

import os

DEVICE_ENV = "OPBUILDER_DEVICE"
DEVICE_CHOICES = ("auto", "emulator", "hardware")


def requested_backend() -> str:
    """OPBUILDER_DEVICE: emulator, hardware, or auto (the default: hardware when one is visible)."""
    choice = os.environ.get(DEVICE_ENV, "auto").strip().lower() or "auto"
    if choice not in DEVICE_CHOICES:
        raise ValueError(f"{DEVICE_ENV}={choice!r}: expected one of {', '.join(DEVICE_CHOICES)}")
    return choice
