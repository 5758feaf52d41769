"""Running a Program on an emulated device: lay out L1, compile, write the plan, launch the runner.

The runner is a separate process so that a crash or a hang in kernel code ends with a report and
a Python exception, never with a dead or frozen interpreter.
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator import build, settings
from emulator.device import EmulatedDevice, EmulatedTensor
from emulator.errors import EmulatorError, KernelCrashError, L1OverflowError, error_from_report
from program import AccessorArgs, BufferAddress, Kernel, Program, cores_of

FORMAT_CODE = {"float32": 0, "bfloat16": 5}
FIDELITY_CODE = {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}
DRAM_IS_DRAM_FLAG = 2  # tensor_accessor::ArgConfig::IsDram


@dataclass
class RunResult:
    """What the runtime counted: DRAM traffic, NOC transactions, time per kernel, compiles."""

    stats: dict[str, Any]
    cores: list[tuple[int, int]]
    compiled: int
    cache_hits: int
    trace: Path | None = None
    program_name: str = ""

    @property
    def dram_bytes_read(self) -> int:
        return int(self.stats["dram_bytes_read"])

    @property
    def dram_bytes_written(self) -> int:
        return int(self.stats["dram_bytes_written"])

    @property
    def noc_transactions(self) -> int:
        return int(self.stats["noc_transactions"])


def hang_seconds() -> float:
    return float(os.environ.get("EMULATOR_HANG_SECONDS", "60"))


def run(program: Program, io_tensors: list[EmulatedTensor], *, trace: Path | None = None,
        hang_timeout: float | None = None) -> RunResult:
    program.validate()
    device = _check_io(program, io_tensors)
    cores = _cores(program, device)
    layout = _l1_layout(program, device)
    before = (build.COUNTS.compiled, build.COUNTS.cache_hits)
    objects = _compile_kernels(program, io_tensors)
    with tempfile.TemporaryDirectory(prefix="emulator-run-") as tmp:
        plan = Path(tmp) / "plan.txt"
        report_path = Path(tmp) / "report.json"
        timeout = hang_timeout if hang_timeout is not None else hang_seconds()
        plan.write_text(_plan_text(program, io_tensors, device, layout, objects, report_path, trace, timeout))
        report = _launch(plan, report_path, timeout)
    result = RunResult(report["stats"], cores, build.COUNTS.compiled - before[0],
                       build.COUNTS.cache_hits - before[1], trace, program.name)
    device.last_run = result
    return result


def _check_io(program: Program, io: list[EmulatedTensor]) -> EmulatedDevice:
    if len(io) != len(program.tensors):
        raise ValueError(f"io_tensors: {len(io)} given, program {program.name!r} expects {len(program.tensors)} "
                         f"({', '.join(t.name for t in program.tensors)})")
    for slot, tensor in zip(program.tensors, io):
        if not isinstance(tensor, EmulatedTensor):
            raise TypeError(f"io tensor {slot.name!r}: expected an EmulatedTensor, got {type(tensor).__name__}")
        if list(tensor.shape) != list(slot.shape) or tensor.dtype != slot.dtype:
            raise ValueError(f"io tensor {slot.name!r}: {tensor.dtype} {list(tensor.shape)} given, program expects "
                             f"{slot.dtype} {list(slot.shape)}")
        if tensor.device is not io[0].device:
            raise ValueError(f"io tensor {slot.name!r} lives on another device")
    return io[0].device


def _cores(program: Program, device: EmulatedDevice) -> list[tuple[int, int]]:
    used: dict[tuple[int, int], None] = {}
    for k in program.kernels:
        for core in cores_of(k.core_ranges):
            used.setdefault(core, None)
    for core in used:
        if not (0 <= core[0] < device.grid[0] and 0 <= core[1] < device.grid[1]):
            raise ValueError(f"program {program.name!r} uses core {core} outside the {device.grid} grid")
    return list(used)


def _l1_layout(program: Program, device: EmulatedDevice) -> dict:
    """CB offsets per core, from the unreserved base up in index order; refuses what does not fit."""
    layout: dict[tuple[int, int], dict[int, int]] = {}
    per_core: dict[tuple[int, int], list] = {}
    for cb in program.cbs:
        for core in cores_of(cb.core_ranges):
            per_core.setdefault(core, []).append(cb)
    available = device.l1_size - device.l1_unreserved_base
    for core, cbs in per_core.items():
        offset, placed = device.l1_unreserved_base, {}
        for cb in sorted(cbs, key=lambda c: c.index):
            offset = -(-offset // device.l1_alignment) * device.l1_alignment
            placed[cb.index] = offset
            offset += cb.total_size
        used = offset - device.l1_unreserved_base
        if offset > device.l1_size:
            listing = "\n".join(f"  CB {cb.index}: {cb.num_pages} pages x {cb.page_size} B = {cb.total_size} B"
                                for cb in sorted(cbs, key=lambda c: c.index))
            raise L1OverflowError(f"circular buffers of core {core} need {used} bytes of L1, {available} are "
                                  f"available (L1 {device.l1_size} B from the unreserved base "
                                  f"{device.l1_unreserved_base}):\n{listing}",
                                  {"core": list(core), "used": used, "available": available})
        layout[core] = placed
    return layout


def accessor_words(tensor: EmulatedTensor) -> list[int]:
    """tt-metal's compile-time encoding for an interleaved DRAM tensor: [ArgConfig bits, aligned page size]."""
    return [DRAM_IS_DRAM_FLAG, tensor.buffer_aligned_page_size()]


def _compile_time_args(program: Program, kernel: Kernel, io: list[EmulatedTensor]) -> list[int]:
    out: list[int] = []
    for arg in kernel.compile_time_args:
        out += accessor_words(io[program.tensor_index(arg.tensor)]) if isinstance(arg, AccessorArgs) else [int(arg)]
    return out


def _compute_defines(kernel: Kernel) -> dict[str, str]:
    c = kernel.compute_config
    if c is None:
        return {}
    return {"DST_ACCUM_MODE": "true" if c.fp32_dest_acc_en else "false", "MATH_FIDELITY": str(FIDELITY_CODE[c.math_fidelity]),
            "APPROX": "true" if c.math_approx_mode else "false", "DST_SYNC_MODE": "1" if c.dst_full_sync_en else "0"}


def _compile_kernels(program: Program, io: list[EmulatedTensor]) -> list[Path]:
    jobs = [(k.source_path, k.kind, k.name, _compile_time_args(program, k, io), k.defines, _compute_defines(k))
            for k in program.kernels]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: build.kernel_object(*job), jobs))


def _plan_text(program: Program, io: list[EmulatedTensor], device: EmulatedDevice, layout: dict,
               objects: list[Path], report: Path, trace: Path | None, hang: float) -> str:
    lines = [f"device {device.l1_size} {device.l1_unreserved_base} {device.num_dram_banks} {device.dram_bank_size} "
             f"{device.dram_alignment} {device.dram_path}", f"report {report}", f"hang_seconds {hang}",
             f"numerics {settings.NUMERICS_VARIANTS[device.numerics or settings.numerics_variant()]}"]
    if trace is not None:
        lines.append(f"trace {Path(trace).resolve()}")
    lines += [f"buffer {addr} {size}" for addr, size in device.buffers.items()]
    for cb in program.cbs:
        for core in cores_of(cb.core_ranges):
            lines.append(f"cb {core[0]} {core[1]} {cb.index} {FORMAT_CODE[cb.data_format]} {cb.page_size} "
                         f"{cb.num_pages} {layout[core][cb.index]}")
    for i, (kernel, obj) in enumerate(zip(program.kernels, objects)):
        lines.append(f"kernel {i} {kernel.kind} {kernel.name} {obj}")
        if kernel.compute_config is not None:
            c = kernel.compute_config
            lines.append(f"compute_config {i} {FIDELITY_CODE[c.math_fidelity]} {int(c.fp32_dest_acc_en)} "
                         f"{int(c.math_approx_mode)} {int(c.dst_full_sync_en)} {len(c.unpack_to_dest_fp32)} "
                         + " ".join(map(str, c.unpack_to_dest_fp32)))
        lines.append(f"common {i} {len(kernel.common_runtime_args)} " + " ".join(map(str, kernel.common_runtime_args)))
        for core in cores_of(kernel.core_ranges):
            args = [io[program.tensor_index(a.tensor)].buffer_address() if isinstance(a, BufferAddress) else int(a)
                    for a in kernel.runtime_args.get(core, [])]
            lines.append(f"launch {i} {core[0]} {core[1]} {len(args)} " + " ".join(map(str, args)))
    return "\n".join(lines) + "\n"


def _launch(plan: Path, report_path: Path, hang: float) -> dict[str, Any]:
    cmd = [str(build.runner_path()), str(plan)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=hang + 60)
    except subprocess.TimeoutExpired as e:
        raise EmulatorError(f"the emulator runner did not finish within {hang + 60:.0f} s and was killed") from e
    report = json.loads(report_path.read_text()) if report_path.exists() and report_path.stat().st_size else None
    if proc.returncode == 0 and report and report.get("status") == "ok":
        return report
    if report and report.get("status") == "fault":
        raise error_from_report(report)
    if proc.returncode < 0:
        raise KernelCrashError(f"the emulator runner died from signal {-proc.returncode} before reporting",
                               {"stderr": proc.stderr})
    raise EmulatorError(f"the emulator runner failed (exit {proc.returncode}): {proc.stderr.strip()[:2000]}",
                        {"stderr": proc.stderr})

