"""One builder per op at a time: an flock on operations/<op>/.builder/lock.

flock is released by the kernel when its holder dies, so a killed builder never leaves the op
locked; the holder's pid and phase are written into the file only to name it in the waiter's error.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

DEFAULT_TIMEOUT_S = 60.0
POLL_S = 0.1


class LockTimeout(RuntimeError):
    """Another builder held the op's lock for longer than we were willing to wait."""


class OpLock:
    """Context manager: wait up to `timeout` seconds for the op's lock, else raise LockTimeout."""

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT_S, purpose: str = "") -> None:
        if timeout < 0:
            raise ValueError(f"lock timeout={timeout}: expected seconds >= 0")
        self.path, self.timeout, self.purpose = path, timeout, purpose
        self._fd: int | None = None

    def __enter__(self) -> OpLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise LockTimeout(f"{self.path.parent.parent} is locked by another builder ({holder}); waited "
                                      f"{self.timeout:g} s. Let it finish, or raise --lock-timeout.") from None
                time.sleep(POLL_S)
        self._fd = fd
        info = {"pid": os.getpid(), "purpose": self.purpose,
                "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "holder unknown"
    return f"pid {info.get('pid')}, {info.get('purpose') or 'busy'}, since {info.get('since')}"
