"""The runner's cost-model event log (plan key "events", runtime/events.cpp) and run(..., estimate=True).

The program: a reader moving N bf16 tiles from DRAM into CB 0, a compute kernel doing copy_tile +
rsqrt_tile + pack_tile per tile into CB 16, a writer moving CB 16 to DRAM (tests/emulator/kernels/).
Its log is written out below by hand from those three sources, call by call.
"""
from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import emulator
from emulator import build, settings
from emulator.cost_model import CoreLog, Event, KernelLog, estimate, read_core_logs, write_trace
from program import TILE_BYTES, TILE_HW, AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, Kernel, Program, \
    TensorSlot
from tests.emulator.harness import CORE, KERNELS

run_module = importlib.import_module("emulator.run")  # the module; `emulator.run` is also the function
TILES = 3
BF16_TILE = TILE_BYTES["bfloat16"]
CB_PAGES = {0: 2, 16: 2}


SFPU = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "rsqrt_tile_init", "OP_SFPU(i)": "rsqrt_tile(i)"}
REDUCE = {"OP_REDUCE": "1", "OP_POOL": "PoolType::SUM", "OP_DIM": "ReduceDim::REDUCE_ROW"}


def _program(defines: dict[str, str] = SFPU) -> Program:
    reduce = "OP_REDUCE" in defines
    kernels = [
        Kernel("reader", "reader", str(KERNELS / "reader_tiles.cpp"), CORE, [1, AccessorArgs("a"), AccessorArgs("a")],
               {(0, 0): [TILES, BufferAddress("a"), BufferAddress("a"), BF16_TILE, 0x3F800000]},
               defines={"SCALER": "1"} if reduce else {}),
        Kernel("compute", "compute", str(KERNELS / "compute_tile_op.cpp"), CORE, [1], {(0, 0): [TILES]},
               defines=defines, compute_config=ComputeConfig("HiFi4", True, False, False, [])),
        Kernel("writer", "writer", str(KERNELS / "writer_tiles.cpp"), CORE, [AccessorArgs("out")],
               {(0, 0): [TILES, BufferAddress("out"), BF16_TILE]}),
    ]
    pages_of = {**CB_PAGES, 8: 1} if reduce else CB_PAGES
    cbs = [CircularBuffer(cb, "bfloat16", BF16_TILE, pages, CORE) for cb, pages in pages_of.items()]
    slots = [TensorSlot("a", [TILES, TILE_HW], "bfloat16", "input"),
             TensorSlot("out", [TILES, TILE_HW], "bfloat16", "output")]
    return Program("events_copy_rsqrt", cbs, kernels, slots)


def _io(device: emulator.EmulatedDevice) -> list[emulator.EmulatedTensor]:
    a = device.allocate([TILES, TILE_HW], "bfloat16")
    a.write(np.full((TILES, TILE_HW), 0x3F80, dtype=np.uint16))  # bf16 1.0 everywhere
    return [a, device.allocate([TILES, TILE_HW], "bfloat16")]


def _hand_log() -> tuple[KernelLog, KernelLog, KernelLog]:
    """reader_tiles.cpp, compute_tile_op.cpp (OP_SFPU_UNARY), writer_tiles.cpp, per tile."""
    read = [Event("cb_reserve_back", cb=0, pages=1), Event("noc_read", bytes=BF16_TILE, target="dram"),
            Event("noc_read_barrier"), Event("cb_push_back", cb=0, pages=1)]
    write = [Event("cb_wait_front", cb=16, pages=1), Event("noc_write", bytes=BF16_TILE, target="dram"),
             Event("noc_write_barrier"), Event("cb_pop_front", cb=16, pages=1)]
    start = [Event("init", call="compute_kernel_hw_startup", threads=("unpack", "math", "pack")),
             Event("init", call="sfpu_init", threads=("math",))]
    tile = [Event("cb_wait_front", cb=0, pages=1), Event("tile_regs_acquire"),
            Event("init", call="copy_init", threads=("unpack", "math")), Event("compute", call="copy_tile"),
            Event("compute", call="rsqrt_tile"), Event("tile_regs_commit"), Event("tile_regs_wait"),
            Event("cb_reserve_back", cb=16, pages=1), Event("compute", call="pack_tile"),
            Event("cb_push_back", cb=16, pages=1), Event("tile_regs_release"), Event("cb_pop_front", cb=0, pages=1)]
    return (KernelLog("reader", "reader", tuple(read * TILES)),
            KernelLog("compute", "compute", tuple(start + tile * TILES)),
            KernelLog("writer", "writer", tuple(write * TILES)))


@pytest.fixture(scope="module")
def recorded(emu, tmp_path_factory) -> tuple[Path, emulator.RunResult]:
    path = tmp_path_factory.mktemp("events") / "events.jsonl"
    result = emulator.run(_program(), _io(emu), events=path, estimate=True)
    return path, result


def test_recorded_log_is_the_hand_count(recorded) -> None:
    path, result = recorded
    assert result.events == path.resolve()
    logs = read_core_logs(path, {(0, 0): CB_PAGES})
    assert len(logs) == 1 and logs[0].core == (0, 0) and logs[0].cb_pages == CB_PAGES
    assert logs[0].kernels == _hand_log()


def test_file_format_is_header_then_event_array_per_kernel(recorded) -> None:
    lines = recorded[0].read_text().splitlines()
    headers = [json.loads(line) for line in lines[0::2]]
    assert headers == [{"core": [0, 0], "kernel": k, "kind": k} for k in ("reader", "compute", "writer")]
    noc_bytes = sum(e.get("bytes", 0) for line in lines[1::2] for e in json.loads(line))
    assert noc_bytes == 2 * TILES * BF16_TILE  # every tile read once and written once


def test_estimate_is_the_replay_of_the_hand_log(recorded) -> None:
    _, result = recorded
    expected = estimate([CoreLog((0, 0), CB_PAGES, _hand_log())], dram_bytes=2 * TILES * BF16_TILE)
    assert result.estimate is not None
    assert result.estimate.summary() == expected.summary()
    assert result.estimate.stage_cycles == expected.stage_cycles
    assert result.estimate.dram_bytes == result.dram_bytes_read + result.dram_bytes_written


def test_a_readers_own_stores_count_as_riscv_datums(emu, tmp_path) -> None:
    # reader_tiles.cpp with SCALER fills CB 8 through a pointer (prepare_reduce_scaler): one tile, no NOC
    # read, so all 1024 datums of the pushed page are the kernel's own stores. The input tiles arrive by
    # NOC, so they add none.
    path = tmp_path / "events.jsonl"
    emulator.run(_program(REDUCE), _io(emu), events=path)
    reader, compute, _ = read_core_logs(path, {(0, 0): {**CB_PAGES, 8: 1}})[0].kernels
    assert reader.events[:3] == (Event("cb_reserve_back", cb=8, pages=1), Event("riscv", datums=1024),
                                 Event("cb_push_back", cb=8, pages=1))
    assert reader.events[3:] == _hand_log()[0].events
    assert sum(e.call == "reduce_row_sum" for e in compute.events) == TILES


def test_no_estimate_and_no_events_unless_asked(emu) -> None:
    result = emulator.run(_program(), _io(emu))
    assert result.events is None and result.estimate is None


def _captured_plan(emu, monkeypatch) -> dict[str, Any]:
    plans: list[dict[str, Any]] = []

    def capture(device: emulator.EmulatedDevice, runner: Path, plan: Path, report: Path,
                hang: float) -> dict[str, Any]:
        plans.append(json.loads(plan.read_text()))
        raise RuntimeError("captured")

    monkeypatch.setattr(run_module, "_launch", capture)
    with pytest.raises(RuntimeError, match="captured"):
        emulator.run(_program(), _io(emu))
    return plans[0]


@pytest.mark.parametrize("on", [False, True], ids=["off", "on"])
def test_the_side_file_exists_only_when_the_plan_names_it(emu, monkeypatch, tmp_path, on) -> None:
    plan = _captured_plan(emu, monkeypatch)
    assert plan["events"] is None
    plan["report"] = str(tmp_path / "report.json")
    if on:
        plan["events"] = str(tmp_path / "events.jsonl")
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    runner = build.runner_path(settings.cache_dir())
    done = subprocess.run([str(runner), str(tmp_path / "plan.json")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = {"plan.json", "report.json"} | ({"events.jsonl"} if on else set())
    assert {p.name for p in tmp_path.iterdir()} == expected


@pytest.mark.parametrize("where", ["folder", "missing_parent"])
def test_an_events_path_that_cannot_be_a_file_is_refused(emu, tmp_path, where) -> None:
    path = tmp_path if where == "folder" else tmp_path / "no" / "events.jsonl"
    with pytest.raises(ValueError, match=r"events=.*expected a file path in an existing folder"):
        emulator.run(_program(), _io(emu), events=path)


def test_cores_with_equal_work_share_one_log(tmp_path) -> None:
    text = json.dumps([{"op": "noc_read", "bytes": 64}, {"op": "noc_read_barrier"}])
    lines = [json.dumps({"core": [x, 0], "kernel": "reader", "kind": "reader"}) + "\n" + text for x in range(3)]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    logs = read_core_logs(path, {(x, 0): {} for x in range(3)})
    assert [log.core for log in logs] == [(0, 0), (1, 0), (2, 0)]
    assert logs[0].kernels[0] is logs[2].kernels[0]


def test_bad_events_file_names_the_line(tmp_path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps({"core": [0, 0], "kernel": "reader", "kind": "reader"}) + "\n"
                    + json.dumps([{"op": "noc_read", "bytes": 0}]) + "\n")
    with pytest.raises(ValueError, match=r"line 2 \(reader on core \(0, 0\)\).*bytes=0"):
        read_core_logs(path, {(0, 0): {}})
    path.write_text(json.dumps({"core": [0, 0], "kernel": "reader", "kind": "reader"}) + "\n[]\n")
    with pytest.raises(ValueError, match=r"cores \[\(0, 0\)\] have kernels but no CB capacities"):
        read_core_logs(path, {})


def test_trace_of_the_estimate_has_a_track_per_modelled_thread(recorded, tmp_path) -> None:
    _, result = recorded
    path = tmp_path / "trace.json"
    write_trace(result.estimate, str(path), [result.estimate.slowest.core])
    events = json.loads(path.read_text())["traceEvents"]
    tracks = {e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert tracks == {"reader", "unpack", "math", "pack", "writer"}
    last = max(e["ts"] + e["dur"] for e in events if e["ph"] == "X")
    assert last == pytest.approx(result.estimate.compute_s * 1e6)
