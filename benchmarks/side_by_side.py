"""ttnn's own path for a ROW_MAJOR input side by side with layer_norm_rm (issue #12, item 6).

The issue's comparison: ttnn's path for a ROW_MAJOR input is tilize, ttnn.layer_norm, untilize. It runs as
three Programs built by the conformance mirrors (tests/conformance/programs: the multi-core tilize,
ttnn.tilize's default; the layernorm factory with gamma and beta on; the multi-core untilize; the 0.81.1
wheel's kernels, unmodified), chained on one emulated device. (The wheel's layernorm kernels also carry a
fused ROW_MAJOR variant, TILIZE_IN / UNTILIZE_OUT, which is not mirrored.) layer_norm_rm runs through the operations'
device API. Both get the same inputs (workload.inputs); each reports max |err| against float64 torch,
the DRAM bytes and NOC transactions the emulator's runtime counted, the kernels built, the emulator's
wall time (a second run, warm kernel cache) and the Wormhole n150 device-time estimate (cost model).

Where ttnn's path needs a factory branch the mirrors do not build, the row says so with the reason
instead of numbers (`NotRunnable`).

benchmarks imports tests.conformance: the builders live with the conformance suite that proves them,
`tests` is not a package of ours that import-linter constrains, and nothing of ours imports benchmarks.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import torch

import emulator
from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import Program
from tests.conformance import wheel
from tests.conformance.layout import from_raw, to_raw, to_tiles
from tests.conformance.programs import layernorm, tilize, untilize

from .workload import EPSILON, inputs

PATHS = ("ttnn", "ours")


class NotRunnable(Exception):
    """ttnn's path for this case needs a program the conformance mirrors do not build."""


@dataclass
class Stage:
    """One Program of a path and its io tensors on the device (output last)."""

    program: Program
    io: list[Any]


def reference(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """float64 layer norm of the values the device holds."""
    x64, g64, b64 = (t.to(torch.float64) for t in (x, gamma, beta))
    return torch.nn.functional.layer_norm(x64, x64.shape[-1:], g64, b64, EPSILON)


def _upload(device: Any, host: torch.Tensor, shape: list[int], dtype: str) -> Any:
    t = device.allocate(shape, dtype)
    t.write(to_raw(host.reshape(shape), dtype))
    return t


def _param_tiles(p: torch.Tensor) -> torch.Tensor:
    """A [W] parameter as ttnn holds it in TILE layout: one tile-row, values in row 0, zeros below."""
    padded = torch.zeros([32, p.shape[-1]])
    padded[0] = p.float()
    return to_tiles(padded)


def ttnn_stages(device: Any, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> list[Stage]:
    """tilize -> layer norm (gamma, beta) -> untilize, with the tensors between them on the device."""
    dtype = devices.dtype_name(x)
    shape = list(x.shape)
    width, sticks = shape[-1], x.numel() // shape[-1]
    tiles, wt = x.numel() // 1024, width // 32
    norm = layernorm.Norm(gamma=True, beta=True, dtype=dtype)
    untilize_prog = untilize.program(sticks, width, dtype, device.grid)
    l1 = sum(cb.total_size for cb in untilize_prog.cbs)
    if l1 > device.l1_size - device.l1_unreserved_base:
        raise NotRunnable(f"untilize: the mirrored multi-core factory needs {l1} B of CBs per core at W={width} "
                          f"({dtype}); ttnn would pick another untilize factory, which is not mirrored")
    x_rm = _upload(device, x, [sticks, width], dtype)
    x_tiles = device.allocate([tiles, 1024], dtype)
    params = [_upload(device, _param_tiles(p), [wt, 1024], dtype) for p in (gamma, beta)]
    y_tiles = device.allocate([tiles, 1024], dtype)
    y_rm = device.allocate([sticks, width], dtype)
    nc, ht = sticks // shape[-2], shape[-2] // 32
    return [Stage(tilize.program_multi_core(sticks, width, dtype, device.grid), [x_rm, x_tiles]),
            Stage(layernorm.program(norm, nc, ht, wt, device.grid, EPSILON), [x_tiles, *params, y_tiles]),
            Stage(untilize_prog, [y_tiles, y_rm])]


def run_ttnn(device: Any, stages: list[Stage], estimate: bool) -> list[emulator.RunResult]:
    root = wheel.unpacked_root()
    return [emulator.run(s.program, s.io, include_dirs=(root, root / "ttnn" / "cpp"), estimate=estimate)
            for s in stages]


def ours_stage(device: Any, x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> Stage:
    """layer_norm_rm's Program (gamma and beta on) and its io, through the operations' device API."""
    dtype = devices.dtype_name(x)
    program = build_program(list(x.shape), dtype, True, True, grid=device.grid,
                            l1_budget=devices.l1_budget(device))
    io = [devices.from_torch(t, device) for t in (x, gamma, beta)] + [devices.allocate(list(x.shape), dtype, device)]
    return Stage(program, io)


def run_ours(stage: Stage, estimate: bool) -> list[emulator.RunResult]:
    return [devices.launch(stage.program, stage.io, estimate=estimate).stats]


def _summary(results: list[emulator.RunResult], wall_s: float, out: torch.Tensor,
             ref: torch.Tensor) -> dict[str, Any]:
    """One path's row: figures summed over its Programs (they run one after another)."""
    return {"programs": [r.program_name for r in results],
            "max_abs_err_vs_float64": float((out.to(torch.float64) - ref).abs().max()),
            "dram_bytes_read": sum(r.dram_bytes_read for r in results),
            "dram_bytes_written": sum(r.dram_bytes_written for r in results),
            "noc_transactions": sum(r.noc_transactions for r in results),
            "kernels": sum(r.compiled + r.cache_hits for r in results),
            "kernels_compiled_first_run": sum(r.compiled for r in results),
            "emulator_wall_s": wall_s,
            "device_us": sum(r.estimate.summary()["device_us"] for r in results if r.estimate is not None),
            "device_us_per_program": [round(r.estimate.summary()["device_us"], 1) for r in results
                                      if r.estimate is not None]}


def _measure(run: Any, read_out: Any, ref: torch.Tensor) -> dict[str, Any]:
    """First run: estimate on (counts, events, builds); second run timed with a warm kernel cache."""
    first = run(True)
    start = time.perf_counter()
    run(False)
    wall = time.perf_counter() - start
    return _summary(first, wall, read_out(), ref)


def side_by_side_row(device: Any, shape: list[int], dtype: str) -> dict[str, Any]:
    """Both paths on one case; a path ttnn cannot take here carries `not_runnable` and its reason."""
    x, gamma, beta = inputs(shape, dtype)
    ref = reference(x, gamma, beta)
    row: dict[str, Any] = {"shape": shape, "dtype": dtype}
    try:
        stages = ttnn_stages(device, x, gamma, beta)
    except NotRunnable as e:
        row["ttnn"] = {"not_runnable": str(e)}
    else:
        out = stages[-1].io[-1]
        try:
            row["ttnn"] = _measure(lambda est: run_ttnn(device, stages, est),
                                   lambda: from_raw(out.read(), dtype).reshape(shape), ref)
        except emulator.EmulatorError as e:  # reported in the row, as the conformance suite lists it
            row["ttnn"] = {"not_runnable": "the emulator stopped it: " + " ".join(str(e).splitlines()[:2])}
    ours = ours_stage(device, x, gamma, beta)
    row["ours"] = _measure(lambda est: run_ours(ours, est), lambda: devices.to_torch(ours.io[-1]), ref)
    return row


def print_side_by_side(rows: list[dict[str, Any]]) -> None:
    print("\n== side by side: ttnn's ROW_MAJOR path (wheel tilize -> layernorm -> untilize, mirrored) vs "
          "layer_norm_rm, gamma and beta on")
    print("   bytes and NOC transactions counted by the emulator's runtime; wall: a second run, warm kernel "
          "cache; device: Wormhole n150 estimate (sum over the path's programs)")
    print(f"{'shape':16} {'dtype':9} {'path':5} {'max|err|':>9} {'DRAM rd MB':>10} {'DRAM wr MB':>10} "
          f"{'NOC txns':>9} {'kernels':>7} {'wall s':>7} {'device us':>10}  per program")
    for r in rows:
        for path in PATHS:
            p = r[path]
            head = f"{'x'.join(map(str, r['shape'])):16} {r['dtype']:9} {path:5}"
            if "not_runnable" in p:
                print(f"{head} not runnable: {p['not_runnable']}")
                continue
            print(f"{head} {p['max_abs_err_vs_float64']:9.3g} {p['dram_bytes_read'] / 1e6:10.2f} "
                  f"{p['dram_bytes_written'] / 1e6:10.2f} {p['noc_transactions']:9} {p['kernels']:7} "
                  f"{p['emulator_wall_s']:7.2f} {p['device_us']:10.1f}  "
                  + " + ".join(f"{us:.1f}" for us in p["device_us_per_program"]))



def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.side_by_side [--shapes ...] [--dtypes ...] [--json-out FILE]`: this section
    alone (`python -m benchmarks --side-by-side` runs it with the others)."""
    import argparse
    from pathlib import Path

    from .options import DtypeList, ShapeList
    from .results import DEFAULT_PATH, write_json

    parser = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side")
    parser.add_argument("--shapes", default="1x1x1024x1024,1x1x4096x1024,8x1x512x4096")
    parser.add_argument("--dtypes", default="bfloat16,float32")
    parser.add_argument("--json-out", type=Path, default=DEFAULT_PATH.with_name("side_by_side.json"))
    args = parser.parse_args(argv)
    shapes, dtypes = ShapeList().convert(args.shapes, None, None), DtypeList().convert(args.dtypes, None, None)
    device = devices.open_emulated_device()
    try:
        rows = [side_by_side_row(device, s, d) for s in shapes for d in dtypes]
    finally:
        devices.close_device(device)
    print_side_by_side(rows)
    write_json({"side_by_side": rows}, args.json_out)
    print(f"\nwrote {args.json_out}")


if __name__ == "__main__":
    main()
