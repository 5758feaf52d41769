"""Breadcrumbs: one JSON line per builder event in logs/<op>/<run-id>.jsonl, never rewritten.

structlog renders each event; the sink writes the whole line with one O_APPEND write(2), so lines
from two processes can never interleave mid-line and a killed builder leaves at most a missing
line, not a torn one. Every line is checked against schemas/breadcrumb.schema.json before it is
written: a builder bug must not produce a log that `builder audit` would then misread. Each line
links to the one before it (agents.core.chain) and is signed when a key is configured; the run's
sequence number and link advance only once a line is on disk, so a refused or failed write
leaves no gap.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import structlog

from agents.core import chain, schemas, settings


class BreadcrumbError(RuntimeError):
    """The builder tried to log an event its own schema rejects, or the log cannot be written."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_run_id() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"


class _AppendSink:
    """structlog's 'logger': takes the rendered line, signs it, appends it in a single write."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        self.key = key
        self.last: bytes | None = None  # the bytes of the line last written
        self._fd: int | None = None

    def msg(self, line: str) -> None:
        data = line.encode("utf-8")
        if self.key is not None:
            data = chain.sign(self.key, data)
        try:
            if self._fd is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            written = os.write(self._fd, data + b"\n")
        except OSError as e:
            raise BreadcrumbError(f"cannot write the breadcrumb log {self.path}: {e.strerror or e}") from None
        if written != len(data) + 1:
            raise BreadcrumbError(f"{self.path}: short append ({written} of {len(data) + 1} bytes); "
                                  "the disk may be full")
        self.last = data

    info = msg

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Breadcrumbs:
    """The log of one builder run for one op; the file appears with the first event."""

    def __init__(self, logs_dir: Path, op: str, run_id: str | None = None) -> None:
        self.run_id = run_id or new_run_id()
        self.path = logs_dir / f"{self.run_id}.jsonl"
        self.signed = settings.log_key() is not None
        self._sink = _AppendSink(self.path, settings.log_key())
        self._seq = 0
        self._prev = chain.genesis(self.run_id)
        self._log = structlog.wrap_logger(
            self._sink,
            processors=[self._stamp, self._check, structlog.processors.JSONRenderer(sort_keys=False)],
            wrapper_class=structlog.BoundLogger,
        ).bind(op=op)  # _stamp puts it in place; the run id, seq and pid it adds itself

    def emit(self, event: str, phase: str, agent: str, **fields: Any) -> dict[str, Any]:
        """Append one event line (fields follow schemas/breadcrumb.schema.json); returns where it
        went: {"file", "seq", "sha256"} (sha256: the line's link, as the next line's `prev`)."""
        self._sink.last = None
        self._log.info(event, phase=phase, agent=agent, **fields)
        assert self._sink.last is not None
        self._seq += 1
        self._prev = chain.line_hash(self._sink.last)
        return {"file": self.path.name, "seq": self._seq, "sha256": self._prev}

    def check_writable(self) -> None:
        """BreadcrumbError unless the log folder can take this run's file (before any state changes)."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BreadcrumbError(f"cannot create the log folder {folder}: {e.strerror or e}") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise BreadcrumbError(f"cannot write to the log folder {folder}: permission denied")

    def close(self) -> None:
        self._sink.close()

    def _stamp(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        ordered = {"timestamp": utc_now(), "run_id": self.run_id, "seq": self._seq + 1, "pid": os.getpid()}
        for key in ("op", "phase", "agent", "event"):
            ordered[key] = event_dict.pop(key)
        ordered.update(event_dict)
        ordered["prev"] = self._prev
        return ordered

    def _check(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        issues = schemas.validate(event_dict, "breadcrumb", str(self.path))
        if issues:
            raise BreadcrumbError("refusing to log an invalid breadcrumb: " + "; ".join(map(str, issues)))
        return event_dict
