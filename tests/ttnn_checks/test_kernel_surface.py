"""Our kernels and the emulator's API against the ttnn 0.81.1 wheel's own headers."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.ttnn_checks import kernel_surface as surface

TTNN_DIR = Path(importlib.util.find_spec("ttnn").submodule_search_locations[0])
REPO = surface.REPO
KERNELS = sorted(REPO.glob("operations/*/kernels/*.cpp")) + sorted(REPO.glob("operations/*/stubs/*.cpp"))


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda p: str(p.relative_to(REPO)))
def test_kernel_includes_resolve_in_the_wheel(kernel):
    assert surface.check_includes(kernel, TTNN_DIR) == []


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda p: str(p.relative_to(REPO)))
def test_kernel_api_calls_exist_with_their_arity(kernel):
    assert surface.check_kernel_calls(kernel, TTNN_DIR) == []


def test_every_emulator_api_function_exists_in_tt_metal():
    assert surface.check_emulator(TTNN_DIR) == []


def test_the_emulator_surface_is_seen_whole():
    names = {d.name for d in surface.emulator_declarations()}
    assert {"noc_async_read", "cb_wait_front", "tilize_block", "pack_untilize_block", "reduce_tile",
            "add_tiles_bcast_rows", "mul_bcast_cols_init", "sfpu_sub_bcast_col", "rsqrt_tile",
            "prepare_reduce_scaler", "generate_bcast_col_scalar"} <= names


def test_a_kernel_calling_what_tt_metal_lacks_is_named(tmp_path):
    bad = tmp_path / "bad_kernel.cpp"
    bad.write_text('#include "api/dataflow/dataflow_api.h"\n#include "api/dataflow/no_such_header.h"\n'
                   "void kernel_main() {\n  cb_wait_front(0);\n  noc_async_read_barrier();\n"
                   "  noc_async_read_magic(0, 1);\n}\n")
    includes = surface.check_includes(bad, TTNN_DIR)
    calls = surface.check_kernel_calls(bad, TTNN_DIR)
    assert len(includes) == 1 and "bad_kernel.cpp:2" in includes[0] and "no_such_header.h" in includes[0]
    assert len(calls) == 2
    assert "bad_kernel.cpp:4: calls cb_wait_front with 1 arguments" in calls[0]
    assert "bad_kernel.cpp:6: calls noc_async_read_magic(), which tt-metal 0.81 does not declare" in calls[1]


def test_calls_under_an_ifdef_and_macro_calls_are_checked(tmp_path):
    """`#ifdef FUSE_GAMMA` followed by a call once read as a declaration and hid the call."""
    bad = tmp_path / "ifdef_kernel.cpp"
    bad.write_text("constexpr uint32_t a = get_compile_time_arg_val(0, 1);\n"
                   "void kernel_main() {\n#ifdef FUSE_GAMMA\n  cb_pop_front(1);\n#endif\n  cb_pop_front(1, 1);\n}\n")
    problems = surface.check_kernel_calls(bad, TTNN_DIR)
    assert len(problems) == 2
    assert problems[0].startswith(f"{bad}:1: calls get_compile_time_arg_val with 2 arguments; "
                                  "tt-metal 0.81 declares 1..1 at tt_metal/hw/inc/api/compile_time_args.h")
    assert problems[1].startswith(f"{bad}:4: calls cb_pop_front with 1 arguments; tt-metal 0.81 declares 2..2")


def test_own_code_lambdas_and_std_are_not_api(tmp_path):
    good = tmp_path / "good_kernel.cpp"
    good.write_text("#define TWICE(x) ((x) * 2)\n"
                    "inline uint32_t helper(uint32_t v) { return TWICE(v); }\n"
                    "void kernel_main() {\n  auto step = [](uint32_t v) { return v + 1; };\n"
                    "  uint32_t n = std::min(helper(1), step(2));\n  cb_pop_front(0, n);\n}\n")
    assert surface.check_kernel_calls(good, TTNN_DIR) == []


def test_an_emulator_function_tt_metal_lacks_is_named(monkeypatch):
    fake = surface.Declaration("noc_async_read_magic", 1, 1, "emulator")
    monkeypatch.setattr(surface, "emulator_declarations", lambda: (fake,))
    assert surface.check_emulator(TTNN_DIR) == [
        "the emulator offers noc_async_read_magic(), which tt-metal 0.81 does not declare"]


def test_an_emulator_function_with_another_arity_is_named(monkeypatch):
    fake = surface.Declaration("cb_wait_front", 3, 3, "emulator")
    monkeypatch.setattr(surface, "emulator_declarations", lambda: (fake,))
    problems = surface.check_emulator(TTNN_DIR)
    assert len(problems) == 1
    assert problems[0].startswith("the emulator's cb_wait_front takes 3..3 arguments; tt-metal 0.81: 2..2 at ")


def test_headers_beside_a_kernel_are_checked_and_their_functions_known(tmp_path):
    """tt-metal's JIT build includes the kernel's own folder, so a helper header there is the kernel's code:
    its functions may be called, and its own calls must exist in tt-metal."""
    (tmp_path / "helpers.h").write_text('#include "more_helpers.h"\ninline void fill(uint32_t cb) {\n'
                                        "  cb_reserve_back(cb, 1);\n  cb_push_back(cb, 1);\n}\n")
    (tmp_path / "more_helpers.h").write_text("inline void drain(uint32_t cb) {\n  not_in_tt_metal(cb);\n}\n")
    kernel = tmp_path / "kernel.cpp"
    kernel.write_text('#include "api/dataflow/dataflow_api.h"\n#include "helpers.h"\n'
                      "void kernel_main() {\n  fill(0);\n  drain(0);\n}\n")
    problems = surface.check_kernel_calls(kernel, TTNN_DIR)
    assert len(problems) == 1 and "more_helpers.h:2: calls not_in_tt_metal()" in problems[0], problems
