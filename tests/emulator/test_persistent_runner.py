"""The persistent runner (emulator/runner_process.py, runtime/runner.cpp --serve): one live process per
device runs every plan of that device, and each run behaves exactly as in a new process: kernel
globals fresh, L1 fresh, faults reported as before and followed by a new process; closing the device
ends the process and reaps it."""
from __future__ import annotations

import gc
import importlib
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import emulator
from emulator import build, settings
from fault_programs import FAULTS, expect, fault_program, run
from harness import run_tile_op

run_module = importlib.import_module("emulator.run")
from program import TILE_BYTES, TILE_HW, AccessorArgs, BufferAddress, CircularBuffer, CoreRange, Kernel, Program, TensorSlot

PERSIST = Path(__file__).parent / "kernels" / "persist"
CORE = [CoreRange((0, 0), (0, 0))]
TILE = TILE_BYTES["bfloat16"]


@pytest.fixture
def device() -> Iterator[emulator.EmulatedDevice]:
    """A device of its own: these tests follow one device's runner process from its first run."""
    d = emulator.EmulatedDevice()
    yield d
    d.close()


@pytest.fixture(autouse=True)
def persistent(monkeypatch) -> None:
    monkeypatch.delenv(settings.PERSISTENT_RUNNER_ENV, raising=False)


def gone(pid: int) -> bool:
    """True once `pid` is neither running nor a zombie (exited and reaped)."""
    return not Path(f"/proc/{pid}").exists()


def dead(pid: int) -> bool:
    """True once `pid` has exited (a zombie not yet reaped counts as exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def counter_program(n: int = 2, cores: int = 1) -> Program:
    """persist/reader.cpp -> CB 0 -> the fault tests' writer, on `cores` cores in a row (each copies the
    same pages): the output's first datums are what the reader saw (its counters and the stale scratch
    word), the rest the input."""
    grid = [CoreRange((0, 0), (cores - 1, 0))]
    cbs = [CircularBuffer(0, "bfloat16", TILE, 2, grid)]
    kernels = [Kernel("reader", "reader", str(PERSIST / "reader.cpp"), grid, [AccessorArgs("in")],
                      {(x, 0): [n, BufferAddress("in"), TILE] for x in range(cores)}),
               Kernel("writer", "writer", str(FAULTS / "writer.cpp"), grid, [0, AccessorArgs("out")],
                      {(x, 0): [n, BufferAddress("out"), TILE] for x in range(cores)})]
    tensors = [TensorSlot("in", [n, TILE_HW], "bfloat16", "input"), TensorSlot("out", [n, TILE_HW], "bfloat16", "output")]
    return Program("persist", cbs, kernels, tensors)


def seen_by_reader(device: emulator.EmulatedDevice) -> list[int]:
    """[global, thread_local, static counters, stale scratch word] of one run of counter_program."""
    out = run(device, counter_program()).outputs[0].read()
    first = [int(v) for v in out[0, :5]]
    return first[:3] + [first[3] | first[4] << 16]


def test_one_process_serves_every_run_of_a_device(device):
    assert device.runner.pid is None  # started lazily, at the first run
    run(device, fault_program())
    pid = device.runner.pid
    assert pid is not None and not dead(pid)
    run(device, fault_program(n=3))
    assert device.runner.pid == pid


def test_kernel_globals_and_l1_are_fresh_in_every_run(device):
    """Run 2 on the same process sees counters of 1 and a zero scratch word, as a new process does,
    though run 1 incremented them and stored a marker there."""
    first = seen_by_reader(device)
    pid = device.runner.pid
    second = seen_by_reader(device)
    assert device.runner.pid == pid
    assert first == second == [1, 1, 1, 0]


def test_a_kernel_object_that_stays_loaded_ends_its_runner(device):
    """A kernel with an STB_GNU_UNIQUE symbol stays loaded after dlclose: its statics would not be fresh,
    so the runner answers its run and ends; the next run gets a new process and a fresh counter."""
    program = counter_program()
    program.kernels[0].defines["UNIQUE_STATIC"] = "1"
    pids, counters = [], []
    for _ in range(2):
        out = run(device, program).outputs[0].read()
        counters.append(int(out[0, 5]))
        pids.append(device.runner.pid)
    assert counters == [1, 1]
    assert pids == [None, None]  # each run's runner ended after answering


def test_kernel_fiber_stacks_are_fresh_in_every_run(device):
    """Run 1's reader leaves a marker deep in its fiber stack; run 2's reader gets that stack again from
    the pool and must find zero there, as on a new stack (a stack is zeroed once its kernel ends)."""
    program = counter_program()
    program.kernels[0].defines["STACK_PROBE"] = "1"
    stale = []
    for _ in range(2):
        out = run(device, program).outputs[0].read()
        stale.append(int(out[0, 6]) | int(out[0, 7]) << 16)
    assert stale == [0, 0]


def test_the_fresh_process_path_sees_the_same(device, monkeypatch):
    monkeypatch.setenv(settings.PERSISTENT_RUNNER_ENV, "0")
    assert seen_by_reader(device) == seen_by_reader(device) == [1, 1, 1, 0]
    assert device.runner.pid is None


@pytest.mark.parametrize("raw,expected", [(None, True), ("", True), ("1", True), ("on", True), ("0", False),
                                          ("OFF", False), ("no", False)])
def test_persistent_runner_setting_reads_the_usual_spellings(raw, expected):
    environ = {} if raw is None else {settings.PERSISTENT_RUNNER_ENV: raw}
    assert settings.parse_switch(environ, settings.PERSISTENT_RUNNER_ENV, True) is expected


def test_bad_persistent_runner_setting_is_refused_by_name(monkeypatch):
    monkeypatch.setenv(settings.PERSISTENT_RUNNER_ENV, "sometimes")
    with pytest.raises(ValueError, match="EMULATOR_PERSISTENT_RUNNER='sometimes': expected 1/true/yes/on"):
        settings.persistent_runner()


def test_a_page_written_in_run_one_is_uninitialised_in_run_two(device):
    """Run 1 fills CB 0's pages; run 2 pushes a page of CB 0 (same L1 address) that nothing wrote in
    run 2: on a new process that is an uninitialised read, so it must be on the live one too."""
    run(device, fault_program(n=2, with_compute=False))
    pid = device.runner.pid
    expect(device, fault_program("FAULT_UNWRITTEN_PAGE", n=1), emulator.UninitialisedReadError)
    assert pid is not None and dead(pid)  # the fault ended the process that served run 1


def test_l1_blocks_written_in_run_one_are_unwritten_in_run_two(device):
    """Run 1 fills CB 0's first page; run 2 sends a whole written-map block of it (no edge of a partly
    written block to look at) to DRAM without writing it: undefined data, as on a new process."""
    seen_by_reader(device)
    program = counter_program()
    program.kernels[0].defines["SEND_UNWRITTEN"] = "1"
    expect(device, program, emulator.UninitialisedReadError, "noc_async_write sends undefined data to DRAM")


def test_a_block_run_two_writes_in_part_has_its_other_bytes_unwritten(device):
    """Run 1 fills CB 0's first page; run 2 writes 32 bytes of one of its 256-byte blocks and sends the
    whole block to DRAM: the block's other bytes are undefined in run 2, as on a new process, though run 1
    wrote them (the written-map block is brought up to date before a partial write lands in it)."""
    seen_by_reader(device)
    program = counter_program()
    program.kernels[0].defines["SEND_PART_WRITTEN"] = "1"
    expect(device, program, emulator.UninitialisedReadError, "byte 32 of the 256-byte write")


def test_l1_of_a_core_the_run_does_not_use_is_not_mapped(device):
    """Run 1 uses two cores; run 2 one core, whose reader stores into the second core index's L1: in a
    new process nothing is mapped there (SIGSEGV), so the live runner must fault the same way."""
    run(device, counter_program(cores=2))
    program = counter_program()
    program.kernels[0].defines["POKE_NEXT_CORE"] = "1"
    expect(device, program, emulator.KernelCrashError, "SIGSEGV", "kernel 'reader'")
    assert seen_by_reader(device) == [1, 1, 1, 0]


def _two_ops(device: emulator.EmulatedDevice, a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    return [run_tile_op(device, {"OP_BINARY_INIT": "mul_init", "OP_BINARY": "mul_tiles"}, [a, b], "bfloat16",
                        "bfloat16"),
            run_tile_op(device, {"OP_COPY": "1"}, [a], "float32", "bfloat16", fp32_dest=False)]


def _resident_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))


def test_a_serving_runner_does_not_grow_run_over_run(device):
    """What a run allocates (compute states, fiber stacks, L1 mappings) is reused by the next, not kept
    beside it: 40 more runs of one program leave the runner's resident memory where it was. (A compute
    state is ~70 KB, so keeping one per run would grow it by ~2.8 MB.)"""
    a = np.random.default_rng(21).normal(0, 1, (2, 32, 32)).astype(np.float32)
    for _ in range(10):
        _two_ops(device, a, a)
    before = _resident_kib(device.runner.pid)
    for _ in range(20):
        _two_ops(device, a, a)
    assert _resident_kib(device.runner.pid) - before < 1024


def test_two_programs_back_to_back_match_two_fresh_devices(device):
    rng = np.random.default_rng(15)
    a = rng.normal(0, 3, (3, 32, 32)).astype(np.float32)
    b = rng.normal(1, 2, (3, 32, 32)).astype(np.float32)
    shared = _two_ops(device, a, b)
    pids = {device.runner.pid}
    fresh = []
    for i in range(2):
        d = emulator.EmulatedDevice()
        try:
            fresh.append(_two_ops(d, a, b)[i])
        finally:
            d.close()
    assert len(pids) == 1 and None not in pids
    for got, want in zip(shared, fresh):
        assert got.view(np.uint32).tolist() == want.view(np.uint32).tolist()


def test_a_crash_in_run_one_does_not_break_run_two(device):
    expect(device, fault_program("FAULT_NULL_DEREF"), emulator.KernelCrashError, "signal 11", "kernel 'reader'")
    out = run(device, fault_program()).outputs[0].read()
    assert (out == 0x3F80).all()  # the fault pipeline copies its input of 1.0
    assert seen_by_reader(device) == [1, 1, 1, 0]


def test_a_bad_plan_keeps_its_error_and_the_next_run_works(device, monkeypatch):
    original = run_module._plan

    def unknown_key(*args: Any, **kwargs: Any) -> dict[str, Any]:
        plan = original(*args, **kwargs)
        plan["device"]["surprise"] = 1
        return plan

    monkeypatch.setenv("EMULATOR_VALIDATE_CONTRACT", "0")
    monkeypatch.setattr(run_module, "_plan", unknown_key)
    expect(device, fault_program(), emulator.PlanError, "surprise")
    monkeypatch.setattr(run_module, "_plan", original)
    assert seen_by_reader(device) == [1, 1, 1, 0]


def test_kernel_output_never_answers_and_a_failed_run_shows_only_its_own_log(device, monkeypatch):
    program = counter_program()
    program.kernels[0].defines["PRINT"] = "1"
    run(device, program)  # the line the kernel prints on stdout is not taken for the runner's answer
    pid = device.runner.pid
    original = run_module._plan

    def unknown_key(*args: Any, **kwargs: Any) -> dict[str, Any]:
        plan = original(*args, **kwargs)
        plan["surprise"] = 1
        return plan

    monkeypatch.setenv("EMULATOR_VALIDATE_CONTRACT", "0")
    monkeypatch.setattr(run_module, "_plan", unknown_key)
    error = expect(device, fault_program(), emulator.PlanError, "surprise")
    assert pid is not None and dead(pid)
    assert "bad plan" in error.report["stderr"] and "persist-reader-was-here" not in error.report["stderr"]


def test_close_ends_and_reaps_the_runner(device):
    run(device, fault_program())
    pid = device.runner.pid
    device.close()
    assert gone(pid)
    assert device.runner.pid is None


def test_an_unclosed_device_ends_its_runner_when_collected():
    d = emulator.EmulatedDevice()
    run(d, fault_program())
    pid = d.runner.pid
    del d
    gc.collect()
    assert gone(pid)


def test_a_killed_runner_is_restarted_transparently(device):
    run(device, fault_program())
    pid = device.runner.pid
    os.kill(pid, 9)
    deadline = time.monotonic() + 10
    while not dead(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert seen_by_reader(device) == [1, 1, 1, 0]
    assert device.runner.pid not in (None, pid)
    assert gone(pid)


def test_the_runner_answers_a_run_before_its_reset_and_says_when_the_reset_is_done(device, tmp_path, monkeypatch):
    """The serve protocol itself: `ok` once the report is written, then `ready` after the reset."""
    plan = tmp_path / "plan.json"
    launch = run_module._launch

    def launch_keeping_the_plan(dev: Any, runner: Path, plan_path: Path, *rest: Any) -> dict[str, Any]:
        shutil.copy2(plan_path, plan)
        return launch(dev, runner, plan_path, *rest)

    monkeypatch.setattr(run_module, "_launch", launch_keeping_the_plan)
    run(device, fault_program())
    proc = subprocess.Popen([str(build.runner_path(device.cache_dir)), "--serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        lines = []
        for _ in range(2):
            proc.stdin.write(f"{plan}\n".encode())
            proc.stdin.flush()
            lines += [proc.stdout.readline(), proc.stdout.readline()]
    finally:
        proc.stdin.close()
        proc.wait(10)
    assert lines == [b"ok\n", b"ready\n"] * 2
    assert proc.returncode == 0


def test_synchronize_waits_for_the_reset_and_the_runner_serves_on(device):
    run(device, fault_program())
    process = device.runner._process
    device.synchronize()
    assert not process.resetting and process.alive()
    run(device, fault_program(n=3))
    assert device.runner._process is process


def test_a_runner_that_dies_during_its_reset_is_replaced_at_the_next_run(device):
    """The run before had ended well (its results are read); the next run just gets a new runner."""
    run(device, fault_program())
    process = device.runner._process
    assert process.resetting
    process.proc.kill()
    process.proc.wait()  # dead before the next run looks (a kill is delivered asynchronously)
    out = run(device, fault_program()).outputs[0].read()
    assert (out == 0x3F80).all()
    assert device.runner.pid not in (None, process.proc.pid)


def test_a_runner_killed_during_a_run_is_a_crash_without_report(device):
    """A kernel that SIGKILLs its own process: no report, as before -> KernelCrashError; then a new one."""
    seen_by_reader(device)
    program = counter_program()
    program.kernels[0].defines["SELF_KILL"] = "1"
    expect(device, program, emulator.KernelCrashError, "died from signal 9 before reporting")
    assert seen_by_reader(device) == [1, 1, 1, 0]


def test_a_new_runner_executable_replaces_the_live_runner(device, tmp_path, monkeypatch):
    run(device, fault_program())
    pid = device.runner.pid
    copy = tmp_path / "runner-copy"
    shutil.copy2(build.runner_path(device.cache_dir), copy)
    monkeypatch.setattr(build, "runner_path", lambda cache_dir: copy)
    assert seen_by_reader(device) == [1, 1, 1, 0]
    assert device.runner.pid not in (None, pid)
    assert gone(pid)


def test_a_runner_that_does_not_answer_in_time_is_killed(device, monkeypatch):
    """The subprocess timeout path: no answer within the timeout -> killed, a clear error; next run works."""
    original = run_module._launch

    def short_timeout(dev, runner, plan, report, hang):
        return dev.runner.request(runner, plan, 0.5)

    monkeypatch.setattr(run_module, "_launch", short_timeout)
    with pytest.raises(emulator.EmulatorError, match="did not finish within 0.5 s and was killed"):
        run(device, fault_program("FAULT_SPIN"), hang_timeout=30)
    assert device.runner.pid is None
    monkeypatch.setattr(run_module, "_launch", original)
    assert seen_by_reader(device) == [1, 1, 1, 0]


def test_runs_from_two_threads_on_one_device_take_turns(device):
    """The device's runner serves one run at a time (a lock): each thread gets its own, fresh run."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        seen = list(pool.map(lambda _: seen_by_reader(device), range(16)))
    assert seen == [[1, 1, 1, 0]] * 16


def test_a_closed_device_refuses_runs(device):
    run(device, fault_program())
    device.close()
    with pytest.raises(emulator.DeviceClosedError):
        run(device, fault_program())


# Every writable global of the runner (nm: .data / .bss, thread-locals included), each with how a served
# run starts from what a new process has: reset (by unload_run / clear_run / unload_plan /
# release_cores), set by every plan, a pool or mapping kept on purpose, fault-only, or a constant table.
RUNTIME_GLOBALS = {
    "emu::g_device": "unload_plan (per-plan fields), release_cores (cores); mappings kept",
    "emu::g_threads": "unload_run",
    "emu::t_self": "thread-local of a per-run worker thread",
    "emu::g_progress": "clear_run",
    "emu::events::g_on": "unload_plan",
    "emu::(anonymous namespace)::g_blocked": "clear_run",
    "emu::(anonymous namespace)::g_live": "clear_run",
    "emu::(anonymous namespace)::g_all_done": "clear_run",
    "emu::(anonymous namespace)::g_dog_mutex": "unlocked after every run",
    "emu::(anonymous namespace)::g_dog_wake": "stateless between runs",
    "emu::(anonymous namespace)::g_reporting": "set only by a fault, which ends the process",
    "emu::(anonymous namespace)::g_crash_buf": "written only by the crash handler, which ends the process",
    "emu::(anonymous namespace)::t_worker": "thread-local of a per-run worker thread",
    "emu::(anonymous namespace)::t_starting": "thread-local, set before every first switch",
    "emu::(anonymous namespace)::g_signal_stacks": "pool of signal stacks per worker index",
    "emu::(anonymous namespace)::g_free_stacks": "pool of zeroed fiber stacks",
    "emu::(anonymous namespace)::g_numerics": "set by every plan (device.numerics is required)",
    "emu::(anonymous namespace)::g_common_args": "unload_plan",
    "emu::(anonymous namespace)::g_compute_configs": "unload_plan",
    "emu::(anonymous namespace)::g_kernel_objects": "unload_plan",
    "emu::(anonymous namespace)::g_dram_path": "the DRAM mapping, kept while the plan names the same file",
    "emu::(anonymous namespace)::g_dram_bytes": "the DRAM mapping, kept while the plan names the same file",
    "emu::(anonymous namespace)::g_slots": "L1 mappings per core index, zeroed by release_cores",
    "emu::(anonymous namespace)::g_populated_buffers": "what stays mapped in (populate_used_memory)",
    "emu::(anonymous namespace)::g_populated_dram": "what stays mapped in (populate_used_memory)",
    "emu::(anonymous namespace)::g_pool": "pool of compute states, each reset by start_compute",
    "emu::(anonymous namespace)::g_pool_mutex": "unlocked after every use",
}


def test_every_runtime_global_is_known_to_the_reset(emu):
    """A new global in emulator/runtime must say how a served run starts fresh: add it above once its
    reset is in place (runner.cpp unload_run / clear_run, plan.cpp unload_plan, l1.cpp release_cores)."""
    runner = build.runner_path(emu.cache_dir)
    listing = subprocess.run(["nm", "-C", str(runner)], capture_output=True, text=True, check=True).stdout
    found = {parts[2] for parts in (line.split(" ", 2) for line in listing.splitlines())
             if len(parts) == 3 and parts[1] in "bBdD" and parts[2].startswith("emu::")}
    # functions' `static const char* names[]` tables of call names: written by nobody
    constant_tables = {name for name in found if re.search(r"\)::(names|calls|inits|bcast|binary)$", name)}
    assert found - constant_tables == set(RUNTIME_GLOBALS), "runtime globals changed; see RUNTIME_GLOBALS"
