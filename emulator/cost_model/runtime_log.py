"""The runner's recorded event log (plan key "events", emulator/runtime/events.cpp) as per-core CoreLogs.

The file holds two lines per kernel launch: a header `{"core": [x, y], "kernel": name, "kind": kind}` and
the JSON array of that launch's events (events.py's fields, defaults left out). Cores doing equal work
write byte-equal arrays; those share one KernelLog object, so the replay models each distinct core once.
"""
from __future__ import annotations

import json
from pathlib import Path

from .events import CoreLog, Event, KernelLog, parse_event


def _events(text: str, where: str) -> tuple[Event, ...]:
    cache: dict[str, Event] = {}
    out = []
    try:
        items = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: the event array is not JSON ({e})") from e
    for obj in items:
        key = json.dumps(obj, sort_keys=True)
        if key not in cache:
            try:
                cache[key] = parse_event(obj)
            except (TypeError, ValueError) as e:
                raise ValueError(f"{where}: {e}") from e
        out.append(cache[key])
    return tuple(out)


def read_core_logs(path: Path, cb_pages: dict[tuple[int, int], dict[int, int]]) -> list[CoreLog]:
    """Per-core logs from the runner's events file; `cb_pages` gives each core's CB capacities in pages
    (from the Program: the runner records calls, not configuration)."""
    lines = Path(path).read_text().splitlines()
    if len(lines) % 2:
        raise ValueError(f"events file {path}: {len(lines)} lines, expected a header and an event array per kernel")
    arrays: dict[str, tuple[Event, ...]] = {}
    kernels: dict[tuple[str, str, str], KernelLog] = {}
    per_core: dict[tuple[int, int], list[KernelLog]] = {}
    for n in range(0, len(lines), 2):
        header = json.loads(lines[n])
        core, text = (int(header["core"][0]), int(header["core"][1])), lines[n + 1]
        if text not in arrays:
            arrays[text] = _events(text, f"events file {path}, line {n + 2} ({header['kernel']} on core {core})")
        key = (header["kernel"], header["kind"], text)
        if key not in kernels:
            kernels[key] = KernelLog(header["kernel"], header["kind"], arrays[text])
        per_core.setdefault(core, []).append(kernels[key])
    missing = sorted(set(per_core) - set(cb_pages))
    if missing:
        raise ValueError(f"events file {path}: cores {missing} have kernels but no CB capacities in cb_pages")
    return [CoreLog(core, dict(cb_pages[core]), tuple(logs)) for core, logs in per_core.items()]
