"""A device's live runner: one `runner --serve` process that runs every plan of its device.

A new process per run pays for mapping its memory in again (a page fault per page: on a VM mapping
64 MB costs 25-68 ms where a memset of it costs 2.5 ms) and for starting. The serving runner keeps
every core's L1, the written-maps, DRAM and the fiber stacks mapped and resets them between runs
(runtime/runner.cpp `serve`), so each run behaves as in a new process. Any fault still ends the
process with its report written; the next run starts a new one.

Protocol: Python writes a plan path and a newline on the runner's stdin; the runner answers `ok` on its
stdout once the report is written, then resets and answers `ready`, or `exit` when it must not be reused
(a kernel object stayed loaded) and ends. End of stdin ends it. Its stderr (and kernel code's stdout)
goes to a log file, emptied before each run, which a run that fails reads.

The reset (~1.5 ms on a large run) overlaps what the caller does with the run's results (reading the
report and the output back); `synchronize` waits for it, and so does the next run. Whoever times the
emulator synchronizes before it stops the clock (benchmarks), so the reset is counted and never runs
alongside what is timed next.
"""
from __future__ import annotations

import os
import selectors
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from emulator.errors import EmulatorError

SERVE_FLAG = "--serve"
OK, READY, EXIT = b"ok", b"ready", b"exit"
CLOSE_GRACE_SECONDS = 5.0  # how long close() waits for a runner to end at end of stdin before killing it
RESET_SECONDS = 60.0  # how long a reset may take before the runner is killed (it takes milliseconds)


@dataclass(frozen=True)
class Outcome:
    """How one request ended: `returncode` None when the runner answered (the run ended well), else the
    exit status of the runner that ended during the run (negative: killed by that signal); the stderr
    it wrote during the run (empty after a plain `ok`)."""

    returncode: int | None
    stderr: str


class _Process:
    """One started runner and its log."""

    def __init__(self, runner: Path, log_dir: Path):
        self.runner = runner
        self.log_path = log_dir / f"runner-{os.getpid()}-{id(self):x}.log"
        self.log = open(self.log_path, "w+b")  # noqa: SIM115 - closed by end()
        try:
            self.proc = subprocess.Popen([str(runner), SERVE_FLAG], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.log, close_fds=True)
        except OSError:
            self.log.close()
            self.log_path.unlink(missing_ok=True)
            raise
        self.pending = b""
        self.resetting = False  # answered `ok` for a run and owes `ready` (or `exit`) for its reset

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        """What the runner wrote to its stderr since the log was last emptied (_send)."""
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        self.log.seek(0, os.SEEK_END)
        return text

    def read_line(self, timeout: float) -> bytes | None:
        """The runner's next answer line; None at end of file (the runner ended). TimeoutError after
        `timeout` seconds without one."""
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.pending:
                if not sel.select(timeout):
                    raise TimeoutError
                chunk = os.read(fd, 256)
                if not chunk:
                    return None
                self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def end(self, grace: float) -> None:
        """Ends the process (end of stdin, then a kill after `grace` seconds) and reaps it: no zombie."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        else:
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        self.log.close()
        self.log_path.unlink(missing_ok=True)


class RunnerProcess:
    """The serving runner of one device: started at its first run, replaced when the runner executable
    changes (another emulator version or cache), restarted when it ended. One run at a time (a lock)."""

    def __init__(self, log_dir: Path):
        self._log_dir = log_dir
        self._lock = threading.Lock()
        self._process: _Process | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The live runner's process id once it has reset after its last run (None before the first run,
        after a fault, after a run that ended its runner, or after close)."""
        with self._lock:
            self._settle()
            p = self._process
            return p.proc.pid if p is not None and p.alive() else None

    def request(self, runner: Path, plan: Path, timeout: float) -> Outcome:
        """Runs `plan` on the live runner (started or replaced as needed) and returns once its report is
        written; the runner's reset goes on after (synchronize). Raises EmulatorError when no answer came
        within `timeout` seconds: the runner is then killed."""
        with self._lock:
            if self._closed:
                raise EmulatorError("the emulated device's runner was closed with its device")
            return self._request(runner, plan, timeout)

    def synchronize(self) -> None:
        """Returns once the runner has reset after its last run (at once when it is not resetting)."""
        with self._lock:
            self._settle()

    def _request(self, runner: Path, plan: Path, timeout: float) -> Outcome:
        p = self._send(runner, plan)
        try:
            line = p.read_line(timeout)
        except TimeoutError:
            self._drop(kill=True)
            raise EmulatorError(f"the emulator runner did not finish within {timeout:g} s and was killed") from None
        if line == OK:
            p.resetting = True
            return Outcome(None, "")
        stderr = p.log_text()
        self._drop(kill=line is not None)  # at end of file it is ending by itself: reaped, never killed
        if line is None:
            return Outcome(p.proc.returncode, stderr)
        return Outcome(1, f"unexpected answer from the emulator runner: {line[:200]!r}\n{stderr}")

    def _settle(self) -> None:
        """Waits for the reset the live runner owes, if any: `ready` keeps it; `exit`, end of file or no
        answer within RESET_SECONDS ends it (the next run starts a new one). The run it followed had
        already ended well, so none of these is an error."""
        p = self._process
        if p is None or not p.resetting:
            return
        p.resetting = False
        try:
            line = p.read_line(RESET_SECONDS)
        except TimeoutError:
            self._drop(kill=True)
            return
        if line != READY:
            self._drop(kill=line not in (EXIT, None))

    def _send(self, runner: Path, plan: Path) -> _Process:
        """Hands `plan` to a live runner; one that ended between the liveness check and the write is
        replaced once. The log starts empty for each run: it holds only this run's output."""
        for _ in range(2):
            p = self._ready(runner)
            p.log.truncate(0)  # shares its offset with the runner's stderr: both write from 0 again
            p.log.seek(0)
            try:
                p.proc.stdin.write(f"{plan}\n".encode())  # type: ignore[union-attr]
                p.proc.stdin.flush()  # type: ignore[union-attr]
                return p
            except BrokenPipeError:
                self._drop()
        raise EmulatorError(f"the emulator runner {runner} ended before it could be given a plan, twice")

    def _ready(self, runner: Path) -> _Process:
        self._settle()
        p = self._process
        if p is not None and (p.runner != runner or not p.alive()):
            self._drop()
            p = None
        if p is None:
            p = self._process = _Process(runner, self._log_dir)
        return p

    def _drop(self, kill: bool = False) -> None:
        p, self._process = self._process, None
        if p is not None:
            if kill and p.alive():
                p.proc.kill()
            p.end(CLOSE_GRACE_SECONDS)

    def close(self) -> None:
        """Ends the runner, if any, and refuses later runs; safe to call twice and from a finalizer."""
        with self._lock:
            self._closed = True
            self._drop()
