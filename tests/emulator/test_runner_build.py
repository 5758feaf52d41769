"""Guards of the runner build: it is optimised at -O3, and at that level the truncations of the data
path survive. g++ 12.2 once folded bit_cast(float, bit_cast(u32, f) & mask) back to f in inlined loops
(emulator/README.md, "Documented choices"); `float_of` carries an optimisation barrier against it. These
tests feed datums whose dropped mantissa bits are all ones, so a truncation the compiler removed changes
every datum and fails bit-exactly."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from emulator import build
from tests.emulator.harness import pack, run_tile_op, truncate

TF32_MASK, BF16_MASK = 0xFFFFE000, 0xFFFF0000


def low_bits_set(n: int = 2) -> np.ndarray:
    """fp32 tiles in [1, 4) with every mantissa bit below bf16's and TF32's precision set."""
    rng = np.random.default_rng(15)
    bits = rng.integers(0x3F800000, 0x40800000, size=(n, 32, 32), dtype=np.uint32) | np.uint32(0xFFFF)
    return bits.view(np.float32)


def test_runner_data_path_is_built_at_o3():
    """The data path and scheduler at -O3; only the once-per-process sources (plan, report, exits) lower."""
    assert "-O3" in build.RUNNER_FLAGS and "-O2" not in build.RUNNER_FLAGS
    for name in ("compute.cpp", "numerics.cpp", "sfpu_math.cpp", "cb.cpp", "l1.cpp", "noc.cpp", "fiber.cpp",
                 "runner.cpp"):
        assert "-O3" in build.runtime_flags(build.RUNTIME / name), name
    for name in build.COLD_RUNTIME_SOURCES:
        assert (build.RUNTIME / name).is_file(), name
        assert build.COLD_LEVEL in build.runtime_flags(build.RUNTIME / name) and "-O3" not in \
            build.runtime_flags(build.RUNTIME / name)


@pytest.mark.parametrize("fp32_dest,mask", [(True, TF32_MASK), (False, BF16_MASK)])
def test_unpack_truncation_survives_the_runner_optimiser(emu, fp32_dest, mask):
    x = low_bits_set()
    out = run_tile_op(emu, {"OP_COPY": "1"}, [x], "float32", "float32", fp32_dest=fp32_dest)
    expected = truncate(x, mask)
    assert not np.array_equal(expected, x), "the data must make a dropped truncation visible"
    np.testing.assert_array_equal(out, expected)


def test_dst_store_truncation_survives_the_runner_optimiser(emu):
    """A 16-bit DST: the datum arrives exactly (unpack to dest) and the DST store truncates it to bf16."""
    x = low_bits_set()
    out = run_tile_op(emu, {"OP_COPY": "1"}, [x], "float32", "bfloat16", fp32_dest=False, unpack_to_dest=[0])
    expected = pack(truncate(x, BF16_MASK), "bfloat16")
    np.testing.assert_array_equal(out, expected)


def test_kernels_compile_against_the_precompiled_prelude(tmp_path):
    """The standard headers of emu/kernel_prelude.h come from the cache's precompiled header (GCC's -H
    marks a used one with '!'), not parsed again per kernel."""
    source = tmp_path / "k.cpp"
    source.write_text('#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() {}\n')
    job = build.kernel_job(tmp_path / "cache", source, "reader", "k", [], {}, {})
    assert not build.build_kernel(job).cached and build.build_kernel(job).cached
    shown = subprocess.run([*job.command, "-H", "-fsyntax-only"], capture_output=True, text=True, check=True).stderr
    assert f"! {build.prelude_header(tmp_path / 'cache')}.gch" in shown.splitlines()


def test_prelude_keeps_the_standard_names_production_kernels_use_unincluded(tmp_path):
    """ttnn's untilize writer calls std::min with no include of its own; the API headers must provide it."""
    source = tmp_path / "k.cpp"
    source.write_text('#include "api/dataflow/dataflow_api.h"\n'
                      "void kernel_main() { volatile uint32_t n = std::min(3u, 4u); (void)n; }\n")
    job = build.kernel_job(tmp_path / "cache", source, "reader", "k", [], {}, {})
    assert not build.build_kernel(job).cached  # through the precompiled prelude
    at = job.command.index("-include")
    without = [*job.command[:at], *job.command[at + 2:], "-fsyntax-only"]  # through the API headers alone
    result = subprocess.run(without, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
