"""Stub generation from the CB table, and the descriptor gate's spec-vs-Program checks."""
from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

from agents.spec_tools import program_check
from agents.spec_tools import stub_codegen
from agents.phases.descriptor import load_program
from builder_helpers import FIXTURE
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program as build_layer_norm

REPO = Path(__file__).resolve().parents[2]
LN_DIR = REPO / "operations" / "layer_norm_rm"
LN_SPEC = json.loads((LN_DIR / "spec.json").read_text())
COPY_SPEC = json.loads((FIXTURE / "spec.json").read_text())


def copy_program(shape=(4, 64), dtype="bfloat16"):
    spec = importlib.util.spec_from_file_location("copy_desc", FIXTURE / "copy_op_program_descriptor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_program(list(shape), dtype)


def body(spec, name):
    kernel = next(k for k in spec["kernels"] if k["name"] == name)
    text = stub_codegen.generate(spec, kernel, "x/spec.json")
    return text[text.index("void kernel_main()"):]


def test_stub_reads_args_by_name_at_spec_indices():
    text = body(LN_SPEC, "writer")
    assert "constexpr uint32_t cb_out_rm = get_compile_time_arg_val(0);" in text
    assert "constexpr uint32_t B = get_compile_time_arg_val(1);" in text
    assert "const uint32_t W = get_arg_val<uint32_t>(3);" in text
    assert "for (uint32_t stub_row = 0; stub_row < num_tile_rows; ++stub_row) {" in text


def test_stub_moves_pages_in_table_order_with_conditions():
    lines = [line.strip() for line in body(LN_SPEC, "reader").splitlines()]
    start = lines.index("// per-core pages, produced once at the start")
    loop = next(i for i, line in enumerate(lines) if line.startswith("for (uint32_t stub_row"))
    end = lines.index("// per-core pages, consumed once at the end")
    assert lines[start + 1:loop - 1] == [
        "#if defined(FUSE_GAMMA)",
        "stub_produce(3, (2 - passes), (2 - passes));  // CB 3 cb_gamma_rm: reader -> reader", "#endif",
        "#if defined(FUSE_BETA)",
        "stub_produce(4, (2 - passes), (2 - passes));  // CB 4 cb_beta_rm: reader -> reader", "#endif",
        "stub_produce(9, (1), (1));  // CB 9 cb_eps: reader -> compute",
        "#if defined(PARTIAL_W)", "stub_produce(11, (1), (1));  // CB 11 cb_mask: reader -> compute", "#endif"]
    assert lines[loop + 1] == "stub_produce(0, (passes*Wt), (B));  // CB 0 cb_in_rm: reader -> compute"
    assert "stub_consume(3, (2 - passes), (2 - passes));  // CB 3 cb_gamma_rm: reader -> reader" in lines[end:]


def test_compute_internal_cbs_cycle_and_consumers_consume():
    text = body(LN_SPEC, "compute")
    assert "stub_cycle(25, (Wt), (1));  // CB 25 cb_d: compute -> compute" in text
    assert "stub_consume(0, (passes*Wt), (B));  // CB 0 cb_in_rm: reader -> compute" in text
    assert "stub_produce(16, (Wt), (B));  // CB 16 cb_out_rm: compute -> writer" in text
    assert text.rindex("stub_consume(9, (1), (1))") > text.index("for (uint32_t stub_row")
    header = stub_codegen.generate(LN_SPEC, LN_SPEC["kernels"][1], "x/spec.json")
    assert '#include "api/compute/cb_api.h"' in header and "dataflow_api.h" not in header


def test_layer_norm_programs_agree_with_their_spec():
    for case in LN_SPEC["descriptor"]["representative_cases"]:
        assert program_check.check(LN_SPEC, build_layer_norm(**case["kwargs"]), LN_DIR) == [], case["name"]


def test_traffic_counts_pages_per_cb():
    program = build_layer_norm([1, 1, 64, 128], "float32", True, False)
    pages = program_check.traffic(LN_SPEC, program)
    assert pages[0] == {"pages": 8, "cores": 2}  # 2 tile-rows x Wt=4, one tile-row per core
    assert pages[25]["pages"] == 8 and 2 not in pages  # cb_d: Wt per row; no beta CB without beta


def test_kernel_name_and_source_mismatches_are_named():
    spec = copy.deepcopy(COPY_SPEC)
    spec["kernels"][1]["name"] = "sink"
    spec["circular_buffers"][0]["consumer"] = "sink"
    [problem] = program_check.check(spec, copy_program(), FIXTURE)
    assert problem == "kernel names differ: spec has ['reader', 'sink'], the Program has ['reader', 'writer']"
    spec = copy.deepcopy(COPY_SPEC)
    spec["kernels"][0]["source"] = "kernels/other.cpp"
    [problem] = program_check.check(spec, copy_program(), FIXTURE)
    assert problem.startswith("kernel 'reader': source ") and "other.cpp" in problem


def test_cb_size_format_and_presence_are_checked():
    spec = copy.deepcopy(COPY_SPEC)
    spec["circular_buffers"][0]["pages"] = "3"
    spec["circular_buffers"][0]["format"] = "float32"
    assert program_check.check(spec, copy_program(), FIXTURE) == [
        "CB 0 (cb_sticks): data format bfloat16 in the Program, the spec says float32 (= float32)",
        "CB 0 (cb_sticks): 2 pages in the Program, the spec's pages '3' = 3"]
    spec = copy.deepcopy(COPY_SPEC)
    spec["circular_buffers"][0]["condition"] = "defined(NEVER)"
    [problem] = program_check.check(spec, copy_program(), FIXTURE)
    assert "CB 0 (cb_sticks): present in the Program, but its condition (defined(NEVER)) is false" in problem


def test_unbalanced_traffic_and_bad_chunks_are_named():
    program = copy_program()
    program.kernels[1].runtime_args[(0, 0)][1] = 3  # the writer would pop 3 sticks of 4
    [problem] = program_check.check(COPY_SPEC, program, FIXTURE)
    assert problem == "CB 0 (cb_sticks) on core (0, 0): the producer moves 0 + 4 pages, the consumer 0 + 3"
    spec = copy.deepcopy(COPY_SPEC)
    spec["circular_buffers"][0]["traffic"].update(per_tile_row="3", chunk="3")
    [problem] = program_check.check(spec, copy_program(), FIXTURE)
    assert "chunk 3 must be > 0 and divide the capacity 2" in problem


def test_arg_counts_and_accessor_position_are_checked():
    spec = copy.deepcopy(COPY_SPEC)
    spec["kernels"][0]["runtime_args"].append({"name": "extra", "description": "x"})
    spec["kernels"][0]["compile_time_args"].append({"name": "after", "description": "x"})
    assert program_check.check(spec, copy_program(), FIXTURE) == [
        "kernel 'reader': 2 compile-time args in the Program, the spec names 3 (cb_sticks, input_accessor, after)",
        "kernel 'reader': compile-time arg 1 (input_accessor) is a tensor accessor; only the spec's last "
        "compile-time arg may name an accessor block (it shifts the indices after it)",
        "kernel 'reader': core (0, 0) gets 3 runtime args, the spec names 4"]


@pytest.mark.parametrize("kernel", ["reader", "writer"])
def test_copy_op_stub_moves_one_page_per_stick(kernel):
    text = stub_codegen.generate(COPY_SPEC, next(k for k in COPY_SPEC["kernels"] if k["name"] == kernel),
                                 "fakeops/copy_op/spec.json")
    call = "stub_produce" if kernel == "reader" else "stub_consume"
    assert f"        {call}(0, (1), (1));  // CB 0 cb_sticks: reader -> writer" in text
    assert "per-core pages" not in text


def test_dumped_relative_sources_are_anchored_at_the_op_root(tmp_path):
    data = build_layer_norm([1, 1, 32, 32], "bfloat16", False, False).to_dict()
    assert data["kernels"][0]["source"] == "operations/layer_norm_rm/kernels/layer_norm_rm_reader.cpp"
    program = load_program(tmp_path, data)
    assert Path(program.kernels[0].source) == tmp_path / "operations/layer_norm_rm/kernels/layer_norm_rm_reader.cpp"
