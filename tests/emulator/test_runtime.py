"""The runtime end to end on a fixture program of its own (a multi-core page copy): bit-exact data
movement, traffic counted, the run result, the compile cache in the folder the device names, the
CLI replay of a Program dump, and the trace timeline."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import emulator
from emulator import build, settings
from emulator.host_values import from_raw, quantize, to_raw
from program import (ELEMENT_SIZE, AccessorArgs, BufferAddress, CircularBuffer, CoreRange, Kernel, Program,
                     ProgramError, TensorSlot, cores_of)

HERE = Path(__file__).resolve().parent
WIDTH = 64


def kernel_source(name: str, root: Path | None) -> str:
    """A test kernel's path: absolute, or relative to `root` as a dump names it."""
    path = HERE / "kernels" / name
    return str(path if root is None else path.relative_to(root))


def copy_program(rows: int, cores: tuple[int, int], dtype: str = "bfloat16", *, reader_rows: int | None = None,
                 root: Path | None = None) -> Program:
    """rows x WIDTH copied page by page by a `cores` (x, y) rectangle of cores; each core copies a
    contiguous run of pages. `reader_rows` (per core) lets the reader push fewer pages than the writer
    waits for."""
    ranges = [CoreRange((0, 0), (cores[0] - 1, cores[1] - 1))]
    page = WIDTH * ELEMENT_SIZE[dtype]
    per_core = rows // (cores[0] * cores[1])
    source = lambda name: kernel_source(name, root)  # noqa: E731
    first = {core: i * per_core for i, core in enumerate(cores_of(ranges))}
    reader_args = {core: [BufferAddress("in"), start, per_core if reader_rows is None else reader_rows, page]
                   for core, start in first.items()}
    writer_args = {core: [BufferAddress("out"), start, per_core, page] for core, start in first.items()}
    kernels = [Kernel("reader", "reader", source("copy_reader.cpp"), ranges, [AccessorArgs("in")], reader_args),
               Kernel("writer", "writer", source("copy_writer.cpp"), ranges, [AccessorArgs("out")], writer_args)]
    tensors = [TensorSlot("in", [rows, WIDTH], dtype, "input"), TensorSlot("out", [rows, WIDTH], dtype, "output")]
    return Program("copy", [CircularBuffer(0, dtype, page, 2, ranges)], kernels, tensors)


def run_copy(device: emulator.EmulatedDevice, program: Program, **kwargs):
    rows, dtype = program.tensors[0].shape[0], program.tensors[0].dtype
    values = quantize(np.random.default_rng(rows).standard_normal((rows, WIDTH)), dtype)
    x, out = device.allocate([rows, WIDTH], dtype), device.allocate([rows, WIDTH], dtype)
    x.write(to_raw(values, dtype))
    return values, emulator.run(program, [x, out], **kwargs)


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_copy_over_12_cores_moves_every_byte_once(emu, dtype):
    """The output equals the input bit for bit, and DRAM traffic equals the minimum."""
    values, result = run_copy(emu, copy_program(12 * 4, (4, 3), dtype))
    assert len(result.cores) == 12 and len(result.stats["per_core"]) == 12
    np.testing.assert_array_equal(from_raw(result.outputs[0].read(), dtype), values)
    nbytes = values.size * ELEMENT_SIZE[dtype]
    assert result.dram_bytes_read == nbytes and result.dram_bytes_written == nbytes
    assert result.noc_transactions == 2 * 12 * 4


def test_result_names_the_output_tensors(emu):
    x, out = emu.allocate([2, WIDTH], "bfloat16"), emu.allocate([2, WIDTH], "bfloat16")
    result = emulator.run(copy_program(2, (1, 1)), [x, out])
    assert result.outputs == [out]


def test_compiles_are_counted_per_call_in_the_devices_cache(tmp_path):
    device = emulator.EmulatedDevice(grid=(2, 1), cache_dir=tmp_path)
    try:
        _, first = run_copy(device, copy_program(4, (2, 1)))
        _, second = run_copy(device, copy_program(4, (2, 1)))
    finally:
        device.close()
    assert (first.compiled, first.cache_hits) == (2, 0)
    assert (second.compiled, second.cache_hits) == (0, 2)
    assert len(list(tmp_path.glob("kernel-*.so"))) == 2


def test_runtime_args_do_not_change_the_cache_key(emu):
    run_copy(emu, copy_program(4, (2, 1)))
    _, again = run_copy(emu, copy_program(6, (3, 1)))
    assert again.compiled == 0


def test_relative_or_missing_kernel_sources_are_refused(emu):
    relative = copy_program(2, (1, 1), root=HERE)
    x, out = emu.allocate([2, WIDTH], "bfloat16"), emu.allocate([2, WIDTH], "bfloat16")
    with pytest.raises(ProgramError, match=r"kernel 'reader': source 'kernels/copy_reader.cpp' is relative"):
        emulator.run(relative, [x, out])
    missing = copy_program(2, (1, 1))
    missing.kernels[1].source = str(HERE / "kernels" / "no_such_writer.cpp")
    with pytest.raises(ProgramError, match=r"kernel 'writer': source .*no_such_writer.cpp does not exist"):
        emulator.run(missing, [x, out])


def test_trace_is_a_chrome_trace(emu, tmp_path):
    trace = tmp_path / "trace.json"
    run_copy(emu, copy_program(4, (2, 1)), trace=trace)
    events = json.loads(trace.read_text())["traceEvents"]
    names = {e["args"]["name"] for e in events if e["ph"] == "M"}
    assert {"core (0,0) reader", "core (1,0) writer"} <= names
    assert any(e["ph"] == "X" and e["name"] == "noc transfers" for e in events)


def test_cli_replays_a_dump_with_sources_relative_to_root(tmp_path):
    dump = tmp_path / "program.json"
    dump.write_text(copy_program(8, (2, 1), "float32", root=HERE.parent).to_json())
    assert json.loads(dump.read_text())["kernels"][0]["source"] == "emulator/kernels/copy_reader.cpp"
    x = np.random.default_rng(0).standard_normal([8, WIDTH]).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    trace = tmp_path / "t.json"
    cmd = [sys.executable, "-m", "emulator", "run", str(dump), "--root", str(HERE.parent), "--tensor",
           f"in={tmp_path / 'x.npy'}", "--out", str(tmp_path / "out"), "--trace", str(trace)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "copy: ok on 2 cores" in result.stdout
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "out.npy"), x)
    assert json.loads(trace.read_text())["traceEvents"]


def test_cli_reports_faults_and_exits_nonzero(tmp_path):
    dump = tmp_path / "program.json"
    dump.write_text(copy_program(2, (1, 1), reader_rows=0).to_json())
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(dump), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "DeadlockError" in result.stderr and "cb_wait_front(cb=0, n=1)" in result.stderr


@pytest.mark.parametrize("argument,message", [
    (["--tensor", "in"], "'in': expected NAME=FILE.npy"),
    (["--grid", "8by8"], "'8by8': expected XxY"),
])
def test_cli_names_the_bad_argument(tmp_path, argument, message):
    dump = tmp_path / "program.json"
    dump.write_text(copy_program(2, (1, 1)).to_json())
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(dump), "--out", str(tmp_path / "o"),
                             *argument], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr


def test_runner_version_tracks_sources(tmp_path):
    assert build.runner_path(tmp_path).name.endswith(build.emulator_version()[:16])


def test_settings_read_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(settings.HANG_SECONDS_ENV, "7.5")
    assert settings.cache_dir() == tmp_path and settings.hang_seconds() == 7.5
    device = emulator.EmulatedDevice(grid=(1, 1))
    assert device.cache_dir == tmp_path
    device.close()
    monkeypatch.setenv(settings.HANG_SECONDS_ENV, "soon")
    with pytest.raises(ValueError, match=r"EMULATOR_HANG_SECONDS='soon': expected a finite number of seconds > 0"):
        settings.hang_seconds()


def test_a_kernel_is_rebuilt_when_a_header_it_reaches_changes(tmp_path):
    """A shared kernel library included by relative path, and what it includes in turn, are part of the
    kernel's build key: editing either rebuilds the kernel; an unrelated header beside it does not."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "op" / "kernels").mkdir(parents=True)
    (tmp_path / "lib" / "outer.h").write_text('#pragma once\n#include "inner.h"\n')
    (tmp_path / "lib" / "inner.h").write_text("#pragma once\nconstexpr int kValue = 1;\n")
    source = tmp_path / "op" / "kernels" / "k.cpp"
    source.write_text('#include "api/dataflow/dataflow_api.h"\n#include "../../lib/outer.h"\n'
                      "void kernel_main() { (void)kValue; }\n")
    cache = tmp_path / "cache"
    build_once = lambda: build.kernel_object(cache, source, "reader", "k", [], {}, {})  # noqa: E731
    first = build_once()
    assert not first.cached and build_once().cached
    (tmp_path / "op" / "kernels" / "unrelated.h").write_text("#pragma once\n")
    assert build_once().cached
    (tmp_path / "lib" / "inner.h").write_text("#pragma once\nconstexpr int kValue = 2;\n")
    second = build_once()
    assert not second.cached and second.path != first.path


def test_a_remembered_include_closure_notices_a_new_shadowing_header(tmp_path):
    """The per-process memory of a kernel's include hash is dropped when a folder of the closure changes:
    a header created beside the kernel that now wins the include is part of the next build key."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "k").mkdir()
    (tmp_path / "lib" / "h.h").write_text("#pragma once\nconstexpr int kValue = 1;\n")
    source = tmp_path / "k" / "k.cpp"
    source.write_text('#include "api/dataflow/dataflow_api.h"\n#include "h.h"\nvoid kernel_main() { (void)kValue; }\n')
    job = lambda: build.kernel_job(tmp_path / "cache", source, "reader", "k", [], {}, {},  # noqa: E731
                                   include_dirs=(tmp_path / "lib",))
    first = job().path
    assert job().path == first
    (tmp_path / "k" / "h.h").write_text("#pragma once\nconstexpr int kValue = 2;\n")
    assert job().path != first
