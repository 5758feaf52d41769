"""Running a Program on an emulated device: lay out L1, compile, write the plan, launch the runner.

The runner is a separate process so that a crash or a hang in kernel code ends with a report and
a Python exception, never with a dead or frozen interpreter.
"""
from __future__ import annotations

import json
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator import build, errata, settings
from emulator.codes import FIDELITY_CODE, FORMAT_CODE
from emulator.cost_model import Estimate, estimate as estimate_cost, read_core_logs
from emulator.contract import check_plan, decode_report, plan_document
from emulator.device import EmulatedDevice, EmulatedTensor
from emulator.errors import EmulatorError, KernelCrashError, L1OverflowError, PlanError, error_from_report
from program import (NUM_CIRCULAR_BUFFERS, ArgValues, CircularBuffer, CoreRange, Corners, Kernel, Program,
                     ProgramError, corners_of, cores_of_corners, round_up)

PLAN_REFUSED_EXIT = 4  # runtime/runner.cpp main(): the plan did not load
DRAM_IS_DRAM_FLAG = 2  # tensor_accessor::ArgConfig::IsDram (clear for an L1-interleaved tensor)
ACCESSOR_WORD_COUNT = 2  # compile-time words per interleaved tensor: [ArgConfig bits, aligned page size]
# Compact JSON for the plan, one encoder for every run; no cycle check: _plan builds the plan of fresh lists
# and dicts (json.dumps sets up the same encoder on every call, a fifth of its time on a 64-core plan).
PLAN_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


@dataclass
class RunResult:
    """What one run produced and counted: the output tensors, the cores used, DRAM traffic and NOC
    transactions (from the runner's report), and the kernel builds of this call (compiled / cached)."""

    outputs: list[EmulatedTensor]
    stats: dict[str, Any]
    cores: list[tuple[int, int]]
    compiled: int
    cache_hits: int
    trace: Path | None = None
    watchdog: dict[str, Any] = field(default_factory=dict)  # the settings the runner ran with, as it read them
    # hardware errata the program runs into (errata.py), then the runner's own (unreserved CB writes, cb.cpp)
    warnings: list[str] = field(default_factory=list)
    program_name: str = ""  # which program ran (ops name their plan and L1 use there)
    events: Path | None = None  # the recorded cost-model event log, when run(events=...) named one
    estimate: Estimate | None = None  # the Wormhole n150 device-time estimate, when run(estimate=True)

    @property
    def dram_bytes_read(self) -> int:
        return int(self.stats["dram_bytes_read"])

    @property
    def dram_bytes_written(self) -> int:
        return int(self.stats["dram_bytes_written"])

    @property
    def noc_transactions(self) -> int:
        return int(self.stats["noc_transactions"])


def run(program: Program, io_tensors: list[EmulatedTensor], *, trace: Path | None = None,
        hang_timeout: float | None = None, include_dirs: tuple[Path, ...] = (), events: Path | None = None,
        estimate: bool = False) -> RunResult:
    """Run `program` with `io_tensors` (generic_op order, output last) on their emulated device.

    Kernel sources must be absolute paths (the launcher anchors relative ones: program.anchor_sources).
    Compiled kernels are cached in the device's `cache_dir`; `hang_timeout` defaults to settings;
    `include_dirs` go on every kernel's include path first (see build.kernel_object). `events` names a
    file for the runner's cost-model event log (runtime/events.cpp); `estimate` replays that log (a
    temporary one when `events` is None) into `result.estimate` (emulator/cost_model).
    """
    program.validate()
    if events is not None and (Path(events).is_dir() or not Path(events).resolve().parent.is_dir()):
        raise ValueError(f"events={str(events)!r}: expected a file path in an existing folder for the event log")
    device = _check_io(program, io_tensors)
    cores = _used_cores(program, device)
    layout = _l1_layout(program, device)
    builds = _compile_kernels(program, io_tensors, device.cache_dir, tuple(include_dirs))
    runner = build.runner_path(device.cache_dir)
    with tempfile.TemporaryDirectory(prefix="emulator-run-", dir=settings.memory_dir()) as tmp:
        plan_path = Path(tmp) / "plan.json"
        report_path = Path(tmp) / "report.json"
        kept = Path(events).resolve() if events is not None else None
        events_path = Path(tmp) / "events.jsonl" if kept is None and estimate else kept
        timeout = hang_timeout if hang_timeout is not None else settings.hang_seconds()
        plan = _plan(program, io_tensors, device, layout, [b.path for b in builds], report_path, trace, timeout,
                     events_path)
        if settings.validate_contract():
            check_plan(plan)
        plan_path.write_text(PLAN_ENCODER.encode(plan))
        report = _launch(device, runner, plan_path, report_path, timeout)
        modelled = _estimate(program, events_path, report["stats"]) if estimate else None
    outputs = [t for slot, t in zip(program.tensors, io_tensors) if slot.role == "output"]
    cached = sum(b.cached for b in builds)
    return RunResult(outputs, report["stats"], cores, len(builds) - cached, cached, trace, report["watchdog"],
                     errata.warnings_for(program, getattr(device, "arch", errata.WORMHOLE)) + report["warnings"],
                     program.name,
                     kept, modelled)


def _estimate(program: Program, events_path: Path, stats: dict[str, Any]) -> Estimate:
    """The recorded log replayed per core; the DRAM floor from the runtime's own byte count."""
    cb_pages: dict[tuple[int, int], dict[int, int]] = {}
    for cb in program.cbs:
        for core in _cores(cb.core_ranges):
            cb_pages.setdefault(core, {})[cb.index] = cb.num_pages
    for kernel in program.kernels:
        for core in _cores(kernel.core_ranges):
            cb_pages.setdefault(core, {})
    logs = read_core_logs(events_path, cb_pages)
    return estimate_cost(logs, dram_bytes=int(stats["dram_bytes_read"]) + int(stats["dram_bytes_written"]))


def _kernel_sources(program: Program) -> list[Path]:
    """Each kernel's source file, which must be given as an absolute path to an existing file."""
    paths = []
    for k in program.kernels:
        path = Path(k.source)
        if not path.is_absolute():
            raise ProgramError(f"kernel {k.name!r}: source {k.source!r} is relative; anchor kernel sources at "
                               "their root before running (program.anchor_sources)")
        if not path.is_file():
            raise ProgramError(f"kernel {k.name!r}: source {path} does not exist")
        paths.append(path)
    return paths


Run = tuple[dict[int, int], list[int]]  # consecutive cores of one placement (CB index -> L1 offset), flattened
L1Layout = dict[Corners, list[Run]]  # a program's CB range lists, each as runs of its cores


def _cores(ranges: list[CoreRange]) -> tuple[tuple[int, int], ...]:
    """cores_of, remembered per distinct range list (program.cores_of_corners): a program's CBs and kernels
    mostly share one, which a launch would otherwise expand once per CB and kernel."""
    return cores_of_corners(corners_of(ranges))


def _check_io(program: Program, io: list[EmulatedTensor]) -> EmulatedDevice:
    if len(io) != len(program.tensors):
        raise ValueError(f"io_tensors: {len(io)} given, program {program.name!r} expects {len(program.tensors)} "
                         f"({', '.join(t.name for t in program.tensors)})")
    for slot, tensor in zip(program.tensors, io):
        if not isinstance(tensor, EmulatedTensor):
            raise TypeError(f"io tensor {slot.name!r}: expected an EmulatedTensor, got {type(tensor).__name__}")
        tensor.require_usable(f"launch of program {program.name!r} with io tensor {slot.name!r}")
        if list(tensor.shape) != list(slot.shape) or tensor.dtype != slot.dtype:
            raise ValueError(f"io tensor {slot.name!r}: {tensor.dtype} {list(tensor.shape)} given, program expects "
                             f"{slot.dtype} {list(slot.shape)}")
        if tensor.device is not io[0].device:
            raise ValueError(f"io tensor {slot.name!r} lives on another device")
    return io[0].device


def _used_cores(program: Program, device: EmulatedDevice) -> list[tuple[int, int]]:
    used: dict[tuple[int, int], None] = {}
    for k in program.kernels:
        for core in _cores(k.core_ranges):
            used.setdefault(core, None)
    for core in used:
        if not (0 <= core[0] < device.grid[0] and 0 <= core[1] < device.grid[1]):
            raise ValueError(f"program {program.name!r} uses core {core} outside the {device.grid} grid")
    return list(used)


def _l1_layout(program: Program, device: EmulatedDevice) -> L1Layout:
    """CB offsets, from the unreserved base up in index order; refuses what does not fit. For each distinct
    core-range list of the program's CBs: its cores in order, as runs of consecutive cores sharing one
    placement (CB index -> offset) with their flattened coordinates, as the plan lists them. Cores holding the
    same CBs share one placement (computed once); work is per range list and core, never per CB and core."""
    ranges: dict[Corners, list[CircularBuffer]] = {}
    for cb in program.cbs:
        ranges.setdefault(corners_of(cb.core_ranges), []).append(cb)
    held: dict[tuple[int, int], list[Corners]] = {}  # each core's range lists, in the order of first use
    for corners in ranges:
        for core in cores_of_corners(corners):
            held.setdefault(core, []).append(corners)
    placements: dict[tuple[Corners, ...], dict[int, int]] = {}
    placement_of: dict[tuple[int, int], dict[int, int]] = {}
    for core, lists in held.items():
        key = tuple(lists)
        if key not in placements:
            placements[key] = _place(core, [cb for corners in lists for cb in ranges[corners]], device)
        placement_of[core] = placements[key]
    return {corners: _runs(corners, placement_of) for corners in ranges}


def _runs(corners: Corners, placement_of: dict[tuple[int, int], dict[int, int]]) -> list[Run]:
    """The cores of `corners` in order, cut where their placement changes: (placement, [x0, y0, x1, ...])."""
    runs: list[Run] = []
    for core in cores_of_corners(corners):
        placement = placement_of[core]
        if not runs or runs[-1][0] is not placement:
            runs.append((placement, []))
        runs[-1][1].extend(core)
    return runs


def _place(core: tuple[int, int], cbs: list, device: EmulatedDevice) -> dict[int, int]:
    offset, placed = device.l1_unreserved_base, {}
    for cb in sorted(cbs, key=lambda c: c.index):
        offset = round_up(offset, device.l1_alignment)
        placed[cb.index] = offset
        offset += cb.total_size
    lowest = device.lowest_l1_buffer()
    if offset <= device.l1_size and lowest is not None and lowest < offset:
        # tt-metal refuses the program the same way (tenstorrent/tt-metal tt_metal/impl/program/program.cpp,
        # validate_circular_buffer_region: "circular buffers ... clash with L1 buffers").
        raise L1OverflowError(f"circular buffers of core {core} end at L1 address {offset}, above the lowest L1 "
                              f"buffer at {lowest} (L1-interleaved tensors take L1 from the top down): "
                              f"{offset - lowest} bytes short",
                              {"core": list(core), "used": offset - device.l1_unreserved_base,
                               "available": lowest - device.l1_unreserved_base})
    if offset > device.l1_size:
        used, available = offset - device.l1_unreserved_base, device.l1_size - device.l1_unreserved_base
        listing = "\n".join(f"  CB {cb.index}: {cb.num_pages} pages x {cb.page_size} B = {cb.total_size} B"
                            for cb in sorted(cbs, key=lambda c: c.index))
        raise L1OverflowError(f"circular buffers of core {core} need {used} bytes of L1, {available} are "
                              f"available (L1 {device.l1_size} B from the unreserved base "
                              f"{device.l1_unreserved_base}):\n{listing}",
                              {"core": list(core), "used": used, "available": available})
    return placed


class EmulatorResolver:
    """The program.TensorResolver of emulated tensors (_check_io has found them usable). It remembers
    nothing: program.ArgValues resolves each placeholder of a launch once."""

    def accessor_args(self, tensor: EmulatedTensor) -> list[int]:
        """tt-metal's compile-time words for an interleaved tensor: [ArgConfig bits, aligned page size]."""
        words = [DRAM_IS_DRAM_FLAG if tensor.is_dram else 0, tensor.buffer_aligned_page_size()]
        assert len(words) == ACCESSOR_WORD_COUNT
        return words

    def buffer_address(self, tensor: EmulatedTensor) -> int:
        return tensor.buffer_address()


def _compute_defines(kernel: Kernel) -> dict[str, str]:
    c = kernel.compute_config
    if c is None:
        return {}
    return {"DST_ACCUM_MODE": "true" if c.fp32_dest_acc_en else "false", "MATH_FIDELITY": str(FIDELITY_CODE[c.math_fidelity]),
            "APPROX": "true" if c.math_approx_mode else "false", "DST_SYNC_MODE": "1" if c.dst_full_sync_en else "0"}


def cb_format_define(program: Program, kernel: Kernel) -> str:
    """EMU_CB_DATA_FORMATS for a kernel: the format code of each CB index on its first core (0xff: none).
    tt-metal's JIT compiles CB formats into the kernel, so a format change is a recompile here too."""
    x, y = kernel.core_ranges[0].start
    codes = ["0xff"] * NUM_CIRCULAR_BUFFERS
    for cb in program.cbs:
        if any(r.start[0] <= x <= r.end[0] and r.start[1] <= y <= r.end[1] for r in cb.core_ranges):
            codes[cb.index] = str(FORMAT_CODE[cb.data_format])
    return ",".join(codes)


def kernel_jobs(program: Program, io: list[EmulatedTensor], cache_dir: Path,
                include_dirs: tuple[Path, ...] = ()) -> list[build.KernelJob]:
    """The build of each kernel of `program` with `io` (nothing compiled): a job's path names its build key,
    so distinct paths are the distinct kernel builds the program needs."""
    values = ArgValues(program, io, EmulatorResolver())
    return [build.kernel_job(cache_dir, source, k.kind, k.name, values.compile_time_args(k),
                             {"EMU_CB_DATA_FORMATS": cb_format_define(program, k), **k.defines}, _compute_defines(k),
                             include_dirs)
            for k, source in zip(program.kernels, _kernel_sources(program))]


def _compile_kernels(program: Program, io: list[EmulatedTensor], cache_dir: Path,
                     include_dirs: tuple[Path, ...]) -> list[build.KernelBuild]:
    """Each kernel's object: cached ones at once, the rest compiled in parallel, each distinct build once."""
    jobs = kernel_jobs(program, io, cache_dir, include_dirs)
    missing = list({job.path: job for job in jobs if not job.path.exists()}.values())
    if len(missing) > 1:
        with ThreadPoolExecutor(max_workers=build.compile_jobs()) as pool:
            compiled = list(pool.map(build.build_kernel, missing))
    else:
        compiled = [build.build_kernel(job) for job in missing]
    fresh = {b.path for b in compiled if not b.cached}
    builds = []
    for job in jobs:
        builds.append(build.KernelBuild(job.path, cached=job.path not in fresh))
        fresh.discard(job.path)
    return builds


def _plan(program: Program, io: list[EmulatedTensor], device: EmulatedDevice, layout: L1Layout,
          objects: list[Path], report: Path, trace: Path | None, hang: float,
          events: Path | None = None) -> dict[str, Any]:
    """The runner's plan (schemas/plan.schema.json): the Program with tensors resolved to addresses."""
    device_section = {"l1_size": device.l1_size, "l1_unreserved_base": device.l1_unreserved_base,
                      "num_dram_banks": device.num_dram_banks, "dram_bank_size": device.dram_bank_size,
                      "dram_alignment": device.dram_alignment, "noc_alignment": dict(device.noc_alignment),
                      "dram_path": str(device.dram_path), "numerics": device.numerics or settings.numerics_variant(),
                      "l1_interleaved": _l1_interleaved(device)}
    watchdog = {"hang_seconds": float(hang), "tick_ms": settings.WATCHDOG_TICK_MS,
                "deadlock_ticks": settings.DEADLOCK_TICKS}
    cbs = [{"cores": cores, "index": cb.index, "data_format": cb.data_format,
            "page_size": cb.page_size, "num_pages": cb.num_pages, "offset": offset}
           for cb in program.cbs for offset, cores in _cores_by_offset(cb, layout).items()]
    values = ArgValues(program, io, EmulatorResolver())
    kernels = [_kernel_plan(kernel, obj, values) for kernel, obj in zip(program.kernels, objects)]
    return plan_document(report=str(report), trace=str(Path(trace).resolve()) if trace is not None else None,
                         events=str(events) if events is not None else None,
                         watchdog=watchdog, device=device_section,
                         buffers=[{"address": a, "size": n} for a, n in device.buffers.items()],
                         cbs=cbs, kernels=kernels)


def _cores_by_offset(cb: CircularBuffer, layout: L1Layout) -> dict[int, list[int]]:
    """The cores of `cb` (flattened coordinates, in core order), grouped by the L1 offset the layout gives it
    there (one plan entry per group)."""
    groups: dict[int, list[int]] = {}
    for placement, flat in layout[corners_of(cb.core_ranges)]:
        groups.setdefault(placement[cb.index], []).extend(flat)
    return groups


def _l1_interleaved(device: EmulatedDevice) -> dict[str, Any] | None:
    """The L1 file and its buffers when L1-interleaved tensors exist (None: each core's L1 is private)."""
    if not device.l1_buffers:
        return None
    return {"path": str(device.l1_path), "bank_stride": device.l1_bank_stride,
            "banks": [c for core in device.l1_banks for c in core],
            "buffers": [{"address": a, "size": n} for a, n in sorted(device.l1_buffers.items())]}


def _kernel_plan(kernel: Kernel, obj: Path, values: ArgValues) -> dict[str, Any]:
    c = kernel.compute_config
    config = None if c is None else {
        "math_fidelity": c.math_fidelity, "fp32_dest_acc_en": bool(c.fp32_dest_acc_en),
        "math_approx_mode": bool(c.math_approx_mode), "dst_full_sync_en": bool(c.dst_full_sync_en),
        "unpack_to_dest_fp32": [int(i) for i in c.unpack_to_dest_fp32]}
    per_core, resolved = kernel.runtime_args, values.resolved
    launches = [{"core": [x, y], "args": resolved(per_core.get((x, y), []))} for x, y in _cores(kernel.core_ranges)]
    return {"name": kernel.name, "kind": kernel.kind, "object": str(obj),
            "common_args": values.common_runtime_args(kernel), "compute_config": config,
            "launches": launches}


def _launch(device: EmulatedDevice, runner: Path, plan: Path, report_path: Path, hang: float) -> dict[str, Any]:
    """Runs the plan on the device's live runner (runner_process), or on a new runner process when
    settings.persistent_runner() is off; either way a fault is the same error from the same report."""
    timeout = hang + 60
    if settings.persistent_runner():
        outcome = device.runner.request(runner, plan, timeout)
        returncode, stderr = (0 if outcome.returncode is None else outcome.returncode), outcome.stderr
    else:
        try:
            proc = subprocess.run([str(runner), str(plan)], capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise EmulatorError(f"the emulator runner did not finish within {timeout:g} s and was killed") from e
        returncode, stderr = proc.returncode, proc.stderr
    validate = settings.validate_contract()
    report = decode_report(report_path.read_text(), validate) if report_path.exists() else None
    if returncode == 0 and report and report["status"] == "ok":
        return report
    if report and report["status"] == "fault":
        raise error_from_report(report)
    if returncode == PLAN_REFUSED_EXIT:
        raise PlanError(f"the emulator runner refused its plan: {stderr.strip()[:2000]}", {"stderr": stderr})
    if returncode < 0:
        raise KernelCrashError(f"the emulator runner died from signal {-returncode} before reporting",
                               {"stderr": stderr})
    raise EmulatorError(f"the emulator runner failed (exit {returncode}): {stderr.strip()[:2000]}",
                        {"stderr": stderr})
