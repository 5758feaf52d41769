"""layer_norm_rm's estimated device time on a Wormhole n150 (issue #16), from the events of a real run.

The op's Program runs on the emulator with `estimate=True`: the runtime records every kernel API call
(emulator/runtime/events.cpp) and emulator.cost_model replays the per-core logs as a pipeline. The DRAM
floor uses the bytes the runtime counted in that run.

A kernel's own RISC-V loops are invisible to the runtime. What they leave behind is not: bytes a
data-movement kernel pushes into a CB that no NOC read delivered were stored by its own code, and are
counted as `riscv` datums at the cost model's per-datum estimate (wormhole_costs `riscv_datum`). Loops
that only read L1, or compute kernels' own stores, are not counted. Because that per-datum cost is an
estimate, each row also carries the estimate with the `riscv` events left out.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from emulator.cost_model import CoreLog, Estimate, estimate

from .workload import inputs, launch_program

SOURCE = "modelled from the events the emulator's runtime recorded in a real run"
STAGES = ("unpack", "math", "pack", "reader", "writer", "NOC reader", "NOC writer")


def _without_riscv(logs: list[CoreLog]) -> list[CoreLog]:
    """The same logs minus `riscv` events; kernels shared between cores stay shared (one replay each)."""
    cache: dict[int, Any] = {}

    def strip(kernel: Any) -> Any:
        if id(kernel) not in cache:
            cache[id(kernel)] = replace(kernel, events=tuple(e for e in kernel.events if e.op != "riscv"))
        return cache[id(kernel)]

    return [replace(log, kernels=tuple(strip(k) for k in log.kernels)) for log in logs]


def run_estimate(device: Any, shape: list[int], dtype: str) -> Estimate:
    """One run of the op's Program (gamma and beta on), recording its events; their replay."""
    x, gamma, beta = inputs(shape, dtype)
    return launch_program(device, x, gamma, beta, estimate=True).estimate


def estimate_row(device: Any, shape: list[int], dtype: str, est: Estimate | None = None) -> dict[str, Any]:
    """Bytes, floor, stages, device time and bound of one case (`est`: an estimate already run)."""
    est = est if est is not None else run_estimate(device, shape, dtype)
    summary = est.summary()
    no_riscv = estimate(_without_riscv(est.logs), dram_bytes=est.dram_bytes)
    slowest = next(log for log in est.logs if log.core == est.slowest.core)
    riscv = sum(e.datums for k in slowest.kernels for e in k.events if e.op == "riscv")
    return {"shape": shape, "dtype": dtype, "source": SOURCE, "cores": len(est.cores),
            "dram_bytes": est.dram_bytes, "dram_bytes_counted_by": "runtime",
            "dram_floor_us": summary["dram_floor_us"], "stage_us": summary["stage_us"],
            "slowest_core": summary["slowest_core"], "slowest_core_us": summary["slowest_core_us"],
            "device_us": summary["device_us"], "bound": summary["bound"],
            "riscv_datums_slowest_core": riscv,
            "without_riscv": {"device_us": no_riscv.device_s * 1e6, "bound": no_riscv.bound,
                              "stage_us": no_riscv.summary()["stage_us"]}}


def main(argv: list[str] | None = None) -> None:
    """`python -m benchmarks.silicon_estimate [--shape 1 1 4096 1024] [--dtype bfloat16] [--trace FILE]`:
    one case's row as JSON; --trace writes the slowest core's modelled pipeline (Chrome trace / Perfetto)."""
    import argparse
    import json

    from emulator.cost_model import write_trace
    from operations import device as devices

    parser = argparse.ArgumentParser(prog="python -m benchmarks.silicon_estimate")
    parser.add_argument("--shape", type=int, nargs=4, default=[1, 1, 4096, 1024])
    parser.add_argument("--dtype", choices=["bfloat16", "float32"], default="bfloat16")
    parser.add_argument("--trace", help="write the slowest core's modelled pipeline to this file")
    args = parser.parse_args(argv)
    device = devices.open_emulated_device()
    try:
        est = run_estimate(device, args.shape, args.dtype)
        print(json.dumps(estimate_row(device, args.shape, args.dtype, est), indent=1))
        if args.trace:
            write_trace(est, args.trace, [est.slowest.core])
    finally:
        devices.close_device(device)


if __name__ == "__main__":
    main()
