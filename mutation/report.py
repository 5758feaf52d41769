"""Kill rates per area, as a table for people and JSON for tools."""
from __future__ import annotations

import json
import os
import platform
import tempfile
from pathlib import Path

from mutation.judge import Verdict

DETECTED = ("killed", "timeout")


def kill_rates(verdicts: list[Verdict]) -> dict[str, dict[str, float | int]]:
    """Per area (and "all"): mutants judged, detected, survived, equivalent and the kill rate of the judged."""
    rates: dict[str, dict[str, float | int]] = {}
    for area in sorted({v.area for v in verdicts}) + ["all"]:
        mine = [v for v in verdicts if area in ("all", v.area)]
        judged = [v for v in mine if v.outcome != "equivalent"]
        detected = sum(v.outcome in DETECTED for v in judged)
        rates[area] = {"judged": len(judged), "killed": detected, "survived": len(judged) - detected,
                       "equivalent": len(mine) - len(judged),
                       "kill_rate": round(detected / len(judged), 4) if judged else 0.0}
    return rates


def table(verdicts: list[Verdict]) -> str:
    """Every mutant's verdict, then the rates per area."""
    width = max([44] + [len(v.id) for v in verdicts])
    lines = [f"{'mutant':{width}} {'area':14} {'outcome':10} {'stage':6} {'s':>6}"]
    lines += [f"{v.id:{width}} {v.area:14} {v.outcome:10} {v.stage:6} {v.seconds:6.1f}" for v in verdicts]
    lines.append("")
    lines.append(f"{'area':14} {'judged':>6} {'killed':>6} {'survived':>8} {'equiv.':>6} {'kill rate':>9}")
    for area, r in kill_rates(verdicts).items():
        lines.append(f"{area:14} {r['judged']:6} {r['killed']:6} {r['survived']:8} {r['equivalent']:6} "
                     f"{100 * r['kill_rate']:8.1f}%")
    return "\n".join(lines)


def write_json(verdicts: list[Verdict], path: Path, options: dict, wall_seconds: float | None = None,
               complete: bool = True) -> None:
    """Atomically write the verdicts, the rates and how they were obtained (machine, its load, wall time);
    `complete` False while a run is still going (the rates then cover the mutants judged so far)."""
    data = {"complete": complete, "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                        "load_average": [round(x, 2) for x in os.getloadavg()]},
            "options": options, "wall_seconds": None if wall_seconds is None else round(wall_seconds, 1), "rates": kill_rates(verdicts), "mutants": [v.__dict__ for v in verdicts]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    os.replace(tmp, path)


def read_json(paths: tuple[Path, ...]) -> tuple[list[Verdict], float]:
    """The verdicts of several runs' JSON files (as write_json wrote them) and the longest wall time: runs
    made side by side (areas or shards at once) took as long as the slowest."""
    verdicts: list[Verdict] = []
    wall = 0.0
    for path in paths:
        data = json.loads(path.read_text())
        verdicts += [Verdict(**m) for m in data["mutants"]]
        wall = max(wall, data.get("wall_seconds") or 0.0)
    return verdicts, wall
