"""layer_norm_rm on the emulator, measured against baselines taken in the same run.

1. throughput: emulator vs torch CPU layer_norm on the same shape, dtype, gamma and beta; medians of
   interleaved runs, reported as the ratio emulator / torch;
2. the 64-case seed matrix: wall time and kernel compiles with a cold and with a warm kernel cache;
3. traffic and balance counted by the emulator's runtime: DRAM bytes against the minimum, NOC
   transactions, tile-rows per core (max / mean);
4. a roofline estimate from the counted bytes for Wormhole n150 and Blackhole p150 DRAM bandwidth.

Prints a table and writes the same figures as JSON (benchmarks/results/latest.json by default).
"""
from __future__ import annotations

import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import click
import torch

import emulator
from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program

THROUGHPUT_SHAPES = [[1, 1, 1024, 1024], [1, 1, 4096, 1024], [8, 1, 512, 4096]]
SEED_SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
               [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
DTYPES = {"bfloat16": torch.bfloat16, "float32": torch.float32}
DRAM_BANDWIDTH = {"Wormhole n150": 288e9, "Blackhole p150": 512e9}


def inputs(shape: list[int], dtype: str, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    t = DTYPES[dtype]
    return (torch.randn(shape, generator=g).to(t), torch.rand(shape[-1], generator=g).to(t),
            torch.randn(shape[-1], generator=g).to(t))


def median_seconds(fns: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Interleaved: each round runs every candidate once, so drift on a noisy machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def run_op(device: emulator.EmulatedDevice, x, gamma, beta) -> None:
    """The op as users call it (argument checks included): what the throughput figures time."""
    dev = [devices.from_torch(t, device) for t in (x, gamma, beta)]
    layer_norm_rm(*dev, epsilon=1e-5)


def launch_program(device: emulator.EmulatedDevice, x, gamma, beta) -> emulator.RunResult:
    """The op's Program launched directly, for what the emulator counted in this run."""
    dtype = str(x.dtype).split(".")[-1]
    params = [t for t in (gamma, beta) if t is not None]
    program = build_program(list(x.shape), dtype, gamma is not None, beta is not None, grid=device.grid,
                            l1_budget=devices.l1_budget(device))
    io = [devices.from_torch(t, device) for t in (x, *params)] + [devices.allocate(list(x.shape), dtype, device)]
    return devices.launch(program, io).stats


def throughput(device: emulator.EmulatedDevice, repeats: int) -> list[dict[str, Any]]:
    rows = []
    for shape, dtype in itertools.product(THROUGHPUT_SHAPES, DTYPES):
        x, gamma, beta = inputs(shape, dtype)
        run_op(device, x, gamma, beta)  # warm the kernel cache
        medians = median_seconds({
            "emulator": lambda: run_op(device, x, gamma, beta),
            "torch": lambda: torch.nn.functional.layer_norm(x, shape[-1:], gamma, beta, 1e-5),
        }, repeats)
        rows.append({"shape": shape, "dtype": dtype, "emulator_s": medians["emulator"], "torch_s": medians["torch"],
                     "ratio": medians["emulator"] / medians["torch"]})
    return rows


def seed_matrix() -> dict[str, Any]:
    """The 64 cases of the op's test matrix, once with an empty kernel cache and once warm; the
    device is given the empty cache folder, so nothing else sees it."""
    cases = list(itertools.product(SEED_SHAPES, DTYPES, [False, True], [False, True]))
    out: dict[str, Any] = {"cases": len(cases)}
    with tempfile.TemporaryDirectory() as cache:
        device = emulator.EmulatedDevice(cache_dir=Path(cache))
        try:
            for label in ("cold", "warm"):
                start = time.perf_counter()
                results = []
                for shape, dtype, g, b in cases:
                    x, gamma, beta = inputs(shape, dtype)
                    results.append(launch_program(device, x, gamma if g else None, beta if b else None))
                out[label] = {"seconds": time.perf_counter() - start,
                              "compiled": sum(r.compiled for r in results),
                              "cache_hits": sum(r.cache_hits for r in results)}
        finally:
            device.close()
    return out


def traffic(device: emulator.EmulatedDevice) -> list[dict[str, Any]]:
    rows = []
    for shape, dtype in itertools.product(THROUGHPUT_SHAPES, DTYPES):
        x, gamma, beta = inputs(shape, dtype)
        result = launch_program(device, x, gamma, beta)
        cores = len(result.cores)
        element = x.element_size()
        minimum_read = x.numel() * element + 2 * shape[-1] * element * cores
        minimum_written = x.numel() * element
        program = build_program(shape, dtype, True, True, grid=device.grid)
        compute = next(k for k in program.kernels if k.kind == "compute")
        per_core = [args[0] for args in compute.runtime_args.values()]
        moved = result.dram_bytes_read + result.dram_bytes_written
        rows.append({
            "shape": shape, "dtype": dtype, "cores": cores,
            "dram_read": result.dram_bytes_read, "dram_read_min": minimum_read,
            "dram_written": result.dram_bytes_written, "dram_written_min": minimum_written,
            "noc_transactions": result.noc_transactions,
            "tile_rows_max": max(per_core), "tile_rows_mean": statistics.mean(per_core),
            "roofline_us": {name: moved / bw * 1e6 for name, bw in DRAM_BANDWIDTH.items()},
        })
    return rows


def print_report(report: dict[str, Any]) -> None:
    print("\n== emulator vs torch CPU layer_norm (median of interleaved runs, warm kernel cache)")
    print(f"{'shape':18} {'dtype':9} {'emulator s':>11} {'torch s':>9} {'ratio':>8}")
    for r in report["throughput"]:
        print(f"{'x'.join(map(str, r['shape'])):18} {r['dtype']:9} {r['emulator_s']:11.3f} {r['torch_s']:9.4f} "
              f"{r['ratio']:8.1f}")
    m = report["seed_matrix"]
    print(f"\n== seed matrix ({m['cases']} cases)")
    for label in ("cold", "warm"):
        print(f"{label:5} cache: {m[label]['seconds']:7.2f} s, kernels compiled {m[label]['compiled']}, "
              f"cache hits {m[label]['cache_hits']}")
    print("\n== traffic and balance (counted by the emulator runtime) and roofline estimate (DRAM-bound)")
    print(f"{'shape':18} {'dtype':9} {'cores':>5} {'DRAM read/min':>14} {'written/min':>12} {'NOC txns':>9} "
          f"{'rows max/mean':>14} {'n150 us':>8} {'p150 us':>8}")
    for r in report["traffic"]:
        print(f"{'x'.join(map(str, r['shape'])):18} {r['dtype']:9} {r['cores']:5} "
              f"{r['dram_read'] / r['dram_read_min']:14.3f} {r['dram_written'] / r['dram_written_min']:12.3f} "
              f"{r['noc_transactions']:9} {r['tile_rows_max']:>6}/{r['tile_rows_mean']:<7.2f} "
              f"{r['roofline_us']['Wormhole n150']:8.1f} {r['roofline_us']['Blackhole p150']:8.1f}")
    print("(roofline: counted DRAM bytes / peak DRAM bandwidth, an estimate, not a measurement)")


@click.command()
@click.option("--repeats", default=3, show_default=True, help="Interleaved runs per throughput figure.")
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path(__file__).parent / "results" / "latest.json", show_default=True)
def main(repeats: int, json_out: Path) -> None:
    """Measure layer_norm_rm on the emulator; print a table and write JSON."""
    device = emulator.EmulatedDevice()
    try:
        report = {"throughput": throughput(device, repeats), "seed_matrix": seed_matrix(),
                  "traffic": traffic(device)}
    finally:
        device.close()
    print_report(report)
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {json_out}")


if __name__ == "__main__":
    main()
