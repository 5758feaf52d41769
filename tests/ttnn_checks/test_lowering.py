"""The Program lowered to a real ttnn.ProgramDescriptor, read back field by field.

No device exists here, so tensor-dependent values go through a resolver returning known sentinels
(ttnn.TensorAccessorArgs and buffer_address need a tensor on a device); everything else is what
ttnn.generic_op would receive on hardware. Grids: an n150's 8x8 (row dispatch) and 7x9 (column
dispatch, the wheel's core_descriptors/wormhole_b0_80_arch.yaml), 8x7 and a single core.
"""
from __future__ import annotations

import importlib.util
import itertools
import re
import subprocess
from pathlib import Path

import pytest
import ttnn

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import AccessorArgs, PageSize, cores_of
from tests.ttnn_checks.readback import GRIDS, SHAPES, SentinelResolver, lower, lowering_mismatches
from ttnn_backend.lowering import NUM_CIRCULAR_BUFFERS

TTNN_DIR = Path(importlib.util.find_spec("ttnn").submodule_search_locations[0])
CB_CONSTANTS = TTNN_DIR / "tt_metal" / "api" / "tt-metalium" / "circular_buffer_constants.h"
CASES = list(itertools.product(GRIDS, SHAPES, ["bfloat16", "float32"], [False, True], [False, True]))


@pytest.mark.parametrize("grid,shape,dtype,gamma,beta", CASES,
                         ids=[f"{gx}x{gy}-{'x'.join(map(str, s))}-{d}-g{int(g)}-b{int(b)}"
                              for (gx, gy), s, d, g, b in CASES])
def test_lowering_matches_the_program(grid, shape, dtype, gamma, beta):
    program = build_program(shape, dtype, gamma, beta, grid=grid)
    assert all(x < grid[0] and y < grid[1] for k in program.kernels for x, y in cores_of(k.core_ranges))
    desc = lower(program)
    assert isinstance(desc, ttnn.ProgramDescriptor)
    assert lowering_mismatches(program, desc) == []


@pytest.mark.parametrize("words", [1, 2, 3])
def test_lowering_places_accessor_words_of_any_length(words):
    program = build_program([1, 1, 64, 128], "float32", True, True)
    for kernel in program.kernels:  # every word of each accessor (the op's take a runtime page size, whose
        # page-size runtime args need an interleaved tensor's two words: zeros here, as placement is the point)
        kernel.compile_time_args = [AccessorArgs(a.tensor) if isinstance(a, AccessorArgs) else a
                                    for a in kernel.compile_time_args]
        kernel.runtime_args = {core: [0 if isinstance(a, PageSize) else a for a in args]
                               for core, args in kernel.runtime_args.items()}
    resolver = SentinelResolver(words)
    assert lowering_mismatches(program, lower(program, resolver), resolver) == []


def test_runtime_page_sizes_lower_to_the_config_word_and_a_runtime_arg():
    """RuntimePageSize (128) set in the config word; the aligned page size (word 1) is a runtime arg."""
    program = build_program([1, 1, 64, 128], "float32", False, True)
    desc = lower(program)
    resolver = SentinelResolver()
    writer = next(i for i, k in enumerate(program.kernels) if k.name == "writer")
    output = len(program.tensors) - 1
    config, page = resolver.accessor_args(output)
    assert list(desc.kernels[writer].compile_time_args)[-1] == config | 128
    assert list(desc.kernels[writer].runtime_args[0][0])[-1] == page


def host_num_circular_buffers() -> int:
    """NUM_CIRCULAR_BUFFERS as a host build sees it: the wheel's header through the host preprocessor
    (ARCH_WORMHOLE undefined, as in every host compilation, per the header's own comment)."""
    text = subprocess.run(["g++", "-E", "-P", "-x", "c++", str(CB_CONSTANTS)], capture_output=True, text=True,
                          check=True).stdout
    values = re.findall(r"\bNUM_CIRCULAR_BUFFERS\s*=\s*(\d+)", text)
    assert len(values) == 1, f"{CB_CONSTANTS}: expected one host NUM_CIRCULAR_BUFFERS, found {values}"
    return int(values[0])


def test_unpack_to_dest_mode_has_one_entry_per_host_cb_slot():
    """tt-metal's JIT build checks unpack_to_dest_mode.size() against its host CB table; 32 entries fail it."""
    assert NUM_CIRCULAR_BUFFERS == host_num_circular_buffers() == 64
    for dtype in ("bfloat16", "float32"):
        program = build_program([1, 1, 64, 128], dtype, True, True)
        compute = next(i for i, k in enumerate(program.kernels) if k.kind == "compute")
        assert len(lower(program).kernels[compute].config.unpack_to_dest_mode) == NUM_CIRCULAR_BUFFERS


def test_an_undersized_unpack_to_dest_mode_is_named(monkeypatch):
    from ttnn_backend import lowering

    monkeypatch.setattr(lowering, "NUM_CIRCULAR_BUFFERS", 32)
    program = build_program([1, 1, 64, 128], "float32", True, True)
    compute = next(i for i, k in enumerate(program.kernels) if k.kind == "compute")
    assert f"kernels[{compute}] (compute).config.len(unpack_to_dest_mode): ttnn has 32, tt-metal's host builds " \
           f"need one per CB slot (64)" in lowering_mismatches(program, lower(program))


def test_an_unpack_to_dest_cb_out_of_range_is_refused():
    program = build_program([1, 1, 64, 128], "float32", True, True)
    compute = next(k for k in program.kernels if k.kind == "compute")
    compute.compute_config.unpack_to_dest_fp32.append(NUM_CIRCULAR_BUFFERS)
    with pytest.raises(ValueError, match=r"kernel 'compute': unpack_to_dest_fp32 names CB 64; expected a CB "
                                         r"index in 0\.\.63"):
        lower(program)


def test_a_tampered_field_is_named():
    program = build_program([1, 1, 64, 128], "float32", True, True)
    desc = lower(program)
    desc.cbs[2].format_descriptors[0].page_size = 1234
    desc.kernels[0].runtime_args[0][0][0] = 7
    problems = lowering_mismatches(program, desc)
    assert any(p.startswith("cbs[2].format_descriptors[0].page_size: ttnn has 1234") for p in problems)
    assert any(p.startswith("kernels[0] (reader).runtime_args[0][0]") for p in problems)


def test_a_lowering_bug_is_named(monkeypatch):
    """Bugs in the lowering itself, not a tampered descriptor: every CB lowered as bfloat16, the last core
    of each kernel left without runtime args, the compute kernel's fidelity dropped to LoFi."""
    from ttnn_backend import lowering as ttnn_lowering

    program = build_program([1, 1, 64, 128], "float32", True, True)
    monkeypatch.setattr(ttnn_lowering, "_data_format", lambda name: ttnn.bfloat16)
    monkeypatch.setattr(ttnn_lowering, "cores_of", lambda ranges: cores_of(ranges)[:-1])
    real_compute_config = ttnn.ComputeConfigDescriptor

    def lofi(**fields):
        return real_compute_config(**{**fields, "math_fidelity": ttnn.MathFidelity.LoFi})

    monkeypatch.setattr(ttnn, "ComputeConfigDescriptor", lofi)
    problems = lowering_mismatches(program, lower(program))
    float32_cb = next(i for i, cb in enumerate(program.cbs) if cb.data_format == "float32")
    assert any(p.startswith(f"cbs[{float32_cb}].format_descriptors[0].data_format: ttnn has 5") for p in problems)
    reader = program.kernels[0]
    x, y = cores_of(reader.core_ranges)[-1]
    cores = len(cores_of(reader.core_ranges))
    assert f"kernels[0] (reader).runtime_args: ttnn has args for {cores - 1} cores, the Program's ranges " \
           f"hold {cores}" in problems
    assert any(p.startswith(f"kernels[0] (reader).runtime_args[{x}][{y}]: ttnn has none") for p in problems)
    compute = next(i for i, k in enumerate(program.kernels) if k.kind == "compute")
    assert program.kernels[compute].compute_config.math_fidelity != "LoFi"
    assert any(p.startswith(f"kernels[{compute}] ({program.kernels[compute].name}).config.math_fidelity")
               for p in problems)


COMPUTE_SETTINGS = [(fidelity, approx) for fidelity in ("LoFi", "HiFi2", "HiFi3", "HiFi4") for approx in (False, True)]


@pytest.mark.parametrize("fidelity,approx", COMPUTE_SETTINGS, ids=[f"{f}-approx{int(a)}" for f, a in COMPUTE_SETTINGS])
def test_every_compute_setting_reaches_ttnn(fidelity, approx):
    """Each math fidelity and approximation mode the Program asks for is what ttnn receives."""
    program = build_program([1, 1, 64, 128], "float32", True, True)
    for kernel in program.kernels:
        if kernel.compute_config is not None:
            kernel.compute_config.math_fidelity = fidelity
            kernel.compute_config.math_approx_mode = approx
    assert lowering_mismatches(program, lower(program)) == []


def test_a_wrong_number_of_io_tensors_is_refused():
    from ttnn_backend.lowering import to_ttnn

    program = build_program([1, 1, 64, 128], "bfloat16", False, False)
    with pytest.raises(ValueError, match=r"io_tensors: 1 given, program '.*' expects 2"):
        to_ttnn(program, [0], SentinelResolver())
