"""`python -m benchmarks`: layer_norm_rm on the emulator, measured against baselines taken in the same run.

Sections (each a module of this package): throughput against warm torch (`throughput`, `timing`), the
64-case seed matrix with a cold and a warm kernel cache (`seed_matrix`), traffic and balance counted
by the emulator's runtime (`traffic`), and the Wormhole n150 device-time estimate of the cost model
(`silicon_estimate`); with --side-by-side, ttnn's own ROW_MAJOR path against the op (`side_by_side`).
Prints the tables (`report`) and writes the same figures, with the machine,
numerics variant and commit (`provenance`), to a JSON file (`results`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from operations import device as devices

from . import provenance
from .options import DtypeList, ShapeList, check_cases
from .report import print_report
from .results import DEFAULT_PATH, write_json
from .seed_matrix import seed_matrix
from .side_by_side import side_by_side_row
from .silicon_estimate import estimate_row
from .throughput import throughput_row
from .traffic import traffic_row

DEFAULT_SHAPES = "1x1x1024x1024,1x1x4096x1024,8x1x512x4096"
DEFAULT_DTYPES = "bfloat16,float32"


def measure(device: Any, shapes: list[list[int]], dtypes: list[str], repeats: int, matrix: bool,
            side_by_side: bool = False) -> dict[str, Any]:
    """Every section, in order."""
    cases = [(shape, dtype) for shape in shapes for dtype in dtypes]
    report: dict[str, Any] = {"repeats": repeats,
                              "throughput": [throughput_row(device, s, d, repeats) for s, d in cases]}
    if matrix:
        report["seed_matrix"] = seed_matrix()
    report["traffic"] = [traffic_row(device, s, d) for s, d in cases]
    report["silicon_estimate"] = [estimate_row(device, s, d) for s, d in cases]
    if side_by_side:
        report["side_by_side"] = [side_by_side_row(device, s, d) for s, d in cases]
    return report


@click.command()
@click.option("--shapes", type=ShapeList(), default=DEFAULT_SHAPES, show_default=True,
              help="Comma-separated shapes, dimensions joined by 'x'.")
@click.option("--dtypes", type=DtypeList(), default=DEFAULT_DTYPES, show_default=True,
              help="Comma-separated dtypes: bfloat16, float32.")
@click.option("--repeats", type=click.IntRange(min=1), default=5, show_default=True,
              help="Interleaved rounds per throughput figure (medians are reported).")
@click.option("--skip-matrix", is_flag=True, help="Skip the 64-case seed matrix (cold and warm kernel cache).")
@click.option("--side-by-side", is_flag=True,
              help="Also run ttnn's ROW_MAJOR path (wheel tilize -> layernorm -> untilize) against the op.")
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PATH,
              show_default=True, help="Where the JSON report is written (atomically).")
def main(shapes: list[list[int]], dtypes: list[str], repeats: int, skip_matrix: bool, side_by_side: bool,
         json_out: Path) -> None:
    """Measure layer_norm_rm on the emulator; print the tables and write the JSON report."""
    check_cases(shapes, dtypes)
    device = devices.open_emulated_device()
    try:
        try:
            context = provenance.collect(device)
        except ValueError as e:  # e.g. EMULATOR_NUMERICS naming no variant
            raise click.UsageError(str(e)) from e
        report = {**context, **measure(device, shapes, dtypes, repeats, not skip_matrix, side_by_side)}
    finally:
        devices.close_device(device)
    report["machine"]["load_average_at_end"] = provenance.load_average()
    print_report(report)
    write_json(report, json_out)
    print(f"\nwrote {json_out}")


if __name__ == "__main__":
    main()
