"""The runtime end to end: bit-exact data movement over many cores, traffic counted, the compile
cache, the CLI replay of a Program dump, and the trace timeline."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import emulator
from emulator import build
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import REPO_ROOT
from tests.emulator.test_faults import fault_program, run


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
def test_layer_norm_program_moves_every_byte_once(emu, dtype):
    """Dataflow over 12 cores: the output equals torch, and DRAM traffic equals the minimum."""
    shape = [1, 1, 12 * 32, 64]
    program = build_program(shape, dtype, False, False)
    x = torch.randn(shape).to(torch.bfloat16 if dtype == "bfloat16" else torch.float32)
    t_in, t_out = emu.allocate(shape, dtype), emu.allocate(shape, dtype)
    t_in.write(x.view(torch.int16).numpy().view(np.uint16) if dtype == "bfloat16" else x.numpy())
    result = emulator.run(program, [t_in, t_out])
    assert len(result.cores) == 12
    nbytes = x.numel() * x.element_size()
    assert result.dram_bytes_read == nbytes and result.dram_bytes_written == nbytes
    assert len(result.stats["per_core"]) == 12


def test_second_run_compiles_nothing(emu, tmp_path, monkeypatch):
    monkeypatch.setenv("EMULATOR_CACHE_DIR", str(tmp_path))
    first = run(emu, fault_program())
    second = run(emu, fault_program())
    assert first.compiled == 3 and first.cache_hits == 0
    assert second.compiled == 0 and second.cache_hits == 3


def test_runtime_args_do_not_change_the_cache_key(emu):
    run(emu, fault_program(n=2))
    again = run(emu, fault_program(n=3))
    assert again.compiled == 0


def test_trace_is_a_chrome_trace(emu, tmp_path):
    trace = tmp_path / "trace.json"
    run(emu, fault_program(), trace=trace)
    events = json.loads(trace.read_text())["traceEvents"]
    names = {e["args"]["name"] for e in events if e["ph"] == "M"}
    assert {"core (0,0) reader", "core (0,0) compute", "core (0,0) writer"} <= names
    assert any(e["ph"] == "X" and e["name"] == "noc transfers" for e in events)


def test_cli_replays_a_program_dump(tmp_path):
    shape = [1, 1, 64, 128]
    program = build_program(shape, "float32", True, False)
    dump = tmp_path / "program.json"
    dump.write_text(program.to_json())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    gamma = np.random.default_rng(1).uniform(0.5, 1.5, [128]).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "g.npy", gamma)
    trace = tmp_path / "t.json"
    cmd = [sys.executable, "-m", "emulator", "run", str(dump), "--tensor", f"input={tmp_path / 'x.npy'}",
           "--tensor", f"gamma={tmp_path / 'g.npy'}", "--out", str(tmp_path / "out"), "--trace", str(trace)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert program.name.startswith("layer_norm_rm[resident, L1 ")  # the name says the plan and its L1
    assert f"{program.name}: ok on 2 cores" in result.stdout
    out = np.load(tmp_path / "out" / "output.npy")
    ref = torch.nn.functional.layer_norm(torch.from_numpy(x).double(), (128,), torch.from_numpy(gamma).double())
    np.testing.assert_allclose(out, ref.numpy(), atol=1e-5, rtol=1e-5)
    assert json.loads(trace.read_text())["traceEvents"]


def test_cli_reports_faults_and_exits_nonzero(tmp_path):
    dump = tmp_path / "program.json"
    dump.write_text(fault_program("FAULT_SILENT_READER", "FAULT_WAIT_FOREVER").to_json())
    result = subprocess.run([sys.executable, "-m", "emulator", "run", str(dump), "--out", str(tmp_path / "o")],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 1
    assert "DeadlockError" in result.stderr and "cb_wait_front(cb=0, n=1)" in result.stderr


def test_runner_version_tracks_sources():
    assert build.runner_path().name.endswith(build.emulator_version()[:16])
