"""Breadcrumbs: one JSON line per builder event in logs/<op>/<run-id>.jsonl, never rewritten.

structlog renders each event; the sink writes the whole line with one O_APPEND write(2), so lines
from two processes can never interleave mid-line and a killed builder leaves at most a missing
line, not a torn one. Every line is checked against schemas/breadcrumb.schema.json before it is
written: a builder bug must not produce a log that `builder audit` would then misread.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import structlog

from agents.core import schemas


class BreadcrumbError(RuntimeError):
    """The builder tried to log an event its own schema rejects."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"


class _AppendSink:
    """structlog's 'logger': takes the rendered line and appends it in a single write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def msg(self, line: str) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = (line + "\n").encode("utf-8")
        written = os.write(self._fd, data)
        if written != len(data):
            raise OSError(f"{self.path}: short append ({written} of {len(data)} bytes)")

    info = msg

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Breadcrumbs:
    """The log of one builder run for one op; the file appears with the first event."""

    def __init__(self, logs_dir: Path, op: str, run_id: str | None = None) -> None:
        self.run_id = run_id or new_run_id()
        self.op = op
        self.path = logs_dir / f"{self.run_id}.jsonl"
        self._sink = _AppendSink(self.path)
        self._seq = 0
        self._log = structlog.wrap_logger(
            self._sink,
            processors=[self._stamp, self._check, structlog.processors.JSONRenderer(sort_keys=False)],
            wrapper_class=structlog.BoundLogger,
        ).bind(run_id=self.run_id, op=op)

    def emit(self, event: str, phase: str, agent: str, **fields: Any) -> None:
        """Append one event line; fields follow schemas/breadcrumb.schema.json."""
        self._log.info(event, phase=phase, agent=agent, **fields)

    def close(self) -> None:
        self._sink.close()

    def _stamp(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        self._seq += 1
        ordered = {"timestamp": utc_now(), "run_id": self.run_id, "seq": self._seq, "pid": os.getpid()}
        for key in ("op", "phase", "agent", "event"):
            ordered[key] = event_dict.pop(key)
        ordered.update(event_dict)
        return ordered

    def _check(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        issues = schemas.validate(event_dict, "breadcrumb", str(self.path))
        if issues:
            self._seq -= 1
            raise BreadcrumbError("refusing to log an invalid breadcrumb: " + "; ".join(map(str, issues)))
        return event_dict
