"""Every environment variable the builder reads, read here and nowhere else (their names, defaults
and effects are tabled in agents/README.md, Settings): BUILDER_LOG_KEY, BUILDER_AGENT_TIMEOUT, CXX.
"""
from __future__ import annotations

import os

LOG_KEY_ENV = "BUILDER_LOG_KEY"
AGENT_TIMEOUT_ENV = "BUILDER_AGENT_TIMEOUT"
CXX_ENV = "CXX"
DEFAULT_AGENT_TIMEOUT_S = 3600.0


class SettingsError(ValueError):
    """An environment variable holds a value the builder cannot use."""


def log_key() -> bytes | None:
    """The HMAC key of the breadcrumb chain, or None (logs are then hash-chained, unsigned)."""
    value = os.environ.get(LOG_KEY_ENV, "")
    return value.encode("utf-8") if value else None


def agent_timeout() -> float:
    raw = os.environ.get(AGENT_TIMEOUT_ENV)
    if raw is None or raw == "":
        return DEFAULT_AGENT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SettingsError(f"{AGENT_TIMEOUT_ENV}={raw!r}: expected a number of seconds > 0")
    return value


def compiler() -> str:
    return os.environ.get(CXX_ENV) or "g++"
