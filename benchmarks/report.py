"""The printed tables: one per section of the report, the same figures the JSON holds."""
from __future__ import annotations

from typing import Any

from .side_by_side import print_side_by_side
from .silicon_estimate import SOURCE, STAGES
from .timing import SETTLE_SECONDS, TIMED_CALLS, WARMUP_CALLS


def _shape(shape: list[int]) -> str:
    return "x".join(map(str, shape))


def print_header(report: dict[str, Any]) -> None:
    m, c = report["machine"], report["commit"]
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[c["dirty"]]
    print(f"machine: {m['cpu_model']}, {m['usable_cores']} of {m['logical_cores']} cores usable, "
          f"load {m['load_average_at_start'][0]} -> {m['load_average_at_end'][0]}, "
          f"torch {m['torch']} on {m['torch_threads']} threads")
    print(f"commit {c['sha']}{dirty}; emulator numerics: {report['numerics']}")


def print_throughput(rows: list[dict[str, Any]], repeats: int) -> None:
    print(f"\n== emulator vs warm torch CPU layer_norm, gamma and beta on (medians of {repeats} interleaved rounds)")
    print(f"   emulator: one call a round, upload + op + read-back + device synchronize, warm kernel cache, "
          f"started {SETTLE_SECONDS * 1e3:g} ms after the torch calls (outside the clock); torch: mean of "
          f"{TIMED_CALLS} calls right after {WARMUP_CALLS} untimed ones")
    print("   emulator CPU: of this process and the runner per call (load inflates wall time far more)")
    print(f"{'shape':16} {'dtype':9} {'emulator ms':>12} {'emu CPU ms':>11} {'torch ms':>9} {'ratio':>8} "
          f"{'max|err| vs f64':>16}")
    for r in rows:
        print(f"{_shape(r['shape']):16} {r['dtype']:9} {r['emulator_s'] * 1e3:12.1f} {r['emulator_cpu_s'] * 1e3:11.1f} "
              f"{r['torch_warm_s'] * 1e3:9.3f} {r['ratio']:8.1f} {r['max_abs_err_vs_float64']:16.3g}")


def print_seed_matrix(m: dict[str, Any]) -> None:
    print(f"\n== seed matrix ({m['cases']} cases, fresh kernel cache; wall s, CPU s of this process and its "
          "children, 1-min load)")
    r = m["runner_build"]
    print(f"runner build: {r['seconds']:7.2f} s, CPU {r['cpu_seconds']:6.2f} s, load {r['load_average']}")
    for label in ("cold", "warm"):
        f = m[label]
        print(f"{label:5} cache: {f['seconds']:7.2f} s, CPU {f['cpu_seconds']:6.2f} s, load {f['load_average']}, "
              f"kernels compiled {f['compiled']}, cache hits {f['cache_hits']}")
    print(f"cold including the runner build: {m['cold_with_runner_build_s']:.2f} s")


def print_traffic(rows: list[dict[str, Any]]) -> None:
    print("\n== traffic and balance, counted by the emulator's runtime (read/min, written/min: x the least possible)")
    print(f"{'shape':16} {'dtype':9} {'cores':>5} {'read/min':>9} {'written/min':>11} {'NOC txns':>9} "
          f"{'tile-rows max/mean':>18}")
    for r in rows:
        print(f"{_shape(r['shape']):16} {r['dtype']:9} {r['cores']:5} {r['dram_read'] / r['dram_read_min']:9.3f} "
              f"{r['dram_written'] / r['dram_written_min']:11.3f} {r['noc_transactions']:9} "
              f"{r['tile_rows_max']:>9}/{r['tile_rows_mean']:<8.2f}")


def print_estimate(rows: list[dict[str, Any]]) -> None:
    print(f"\n== estimated Wormhole n150 device time, {SOURCE}")
    print("   busy us per stage on the slowest core; device = max(slowest core, DRAM floor); bound = what limits it")
    stage_heads = "".join(f"{s:>11}" for s in STAGES)
    print(f"{'shape':16} {'dtype':9} {'DRAM MB':>8} {'floor us':>9}{stage_heads} {'device us':>10} "
          f"{'x floor':>8}  {'bound':14} {'no-RISC us':>10}  bound")
    for r in rows:
        stages = "".join(f"{r['stage_us'][s]:11.1f}" if s in r["stage_us"] else f"{'-':>11}" for s in STAGES)
        bare = r["without_riscv"]
        print(f"{_shape(r['shape']):16} {r['dtype']:9} {r['dram_bytes'] / 1e6:8.2f} {r['dram_floor_us']:9.1f}{stages} "
              f"{r['device_us']:10.1f} {r['device_us'] / r['dram_floor_us']:8.1f}  {r['bound']:14} "
              f"{bare['device_us']:10.1f}  {bare['bound']}")
    print("(DRAM MB counted by the emulator's runtime in the same run. RISC-V loops: bytes a reader/writer\n"
          " pushes that no NOC read delivered count as its own stores, 10 cycles a datum (an estimate);\n"
          " 'no-RISC' leaves them out)")


def print_report(report: dict[str, Any]) -> None:
    """Every section the report holds, in the order they ran."""
    print_header(report)
    print_throughput(report["throughput"], report["repeats"])
    if "seed_matrix" in report:
        print_seed_matrix(report["seed_matrix"])
    print_traffic(report["traffic"])
    print_estimate(report["silicon_estimate"])
    if "side_by_side" in report:
        print_side_by_side(report["side_by_side"])
