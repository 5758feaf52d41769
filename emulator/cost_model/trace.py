"""Chrome-trace / Perfetto export of the modelled pipeline: one process per core, one track per thread."""
from __future__ import annotations

import json
import os
import tempfile

from . import wormhole_costs as wc
from .replay import Estimate


def trace_events(est: Estimate, cores: list[tuple[int, int]] | None = None) -> list[dict]:
    """Complete ('X') events in microseconds of modelled device time; `cores` limits the export
    (a 64-core run is tens of MB), e.g. to `[est.slowest.core]`."""
    to_us = 1e6 / wc.AICLK_HZ
    out: list[dict] = []
    for pid, core in enumerate(est.cores):
        if cores is not None and core.core not in cores:
            continue
        out.append({"ph": "M", "name": "process_name", "pid": pid, "args": {"name": f"core {core.core} (modelled)"}})
        for tid, (thread, spans) in enumerate(core.spans.items()):
            out.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": thread}})
            out += [{"ph": "X", "name": s.label, "pid": pid, "tid": tid, "ts": s.start * to_us,
                     "dur": (s.end - s.start) * to_us} for s in spans]
    return out


def write_trace(est: Estimate, path: str, cores: list[tuple[int, int]] | None = None) -> None:
    """Writes atomically (temp file in the same folder, then rename)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump({"traceEvents": trace_events(est, cores), "displayTimeUnit": "ns"}, f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
