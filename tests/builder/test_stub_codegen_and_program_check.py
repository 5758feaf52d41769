"""Stub generation from the CB table, and the descriptor gate's spec-vs-Program checks, on fixture programs
of their own: copy_op (one CB) and tile_rows (conditional CBs, per-core pages, a compute-internal CB,
multi-pass traffic), never on a real op's spec, so the op can change without these tests noticing."""
from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

from agents.core import schemas
from agents.spec_tools import program_check, rules
from agents.spec_tools import stub_codegen
from agents.phases.descriptor import load_program
from builder_helpers import FIXTURE

TILE_ROWS = Path(__file__).resolve().parent / "fixtures" / "tile_rows"
RICH_SPEC = json.loads((TILE_ROWS / "spec.json").read_text())
COPY_SPEC = json.loads((FIXTURE / "spec.json").read_text())


def descriptor(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_program(shape=(4, 64), dtype="bfloat16"):
    return descriptor(FIXTURE / "copy_op_program_descriptor.py").build_program(list(shape), dtype)


def build_rich(shape, dtype, has_weight, streamed):
    return descriptor(TILE_ROWS / "tile_rows_program_descriptor.py").build_program(list(shape), dtype, has_weight,
                                                                                 streamed)


def body(spec, name):
    kernel = next(k for k in spec["kernels"] if k["name"] == name)
    text = stub_codegen.generate(spec, kernel, "x/spec.json")
    return text[text.index("void kernel_main()"):]


def test_the_rich_fixture_spec_is_a_valid_spec():
    assert schemas.validate(RICH_SPEC, "op_spec", "tile_rows/spec.json") == []
    assert rules.check(RICH_SPEC, "tile_rows/spec.json", "tile_rows") == []


def test_stub_reads_args_by_name_at_spec_indices():
    text = body(RICH_SPEC, "writer")
    assert "constexpr uint32_t cb_out = get_compile_time_arg_val(0);" in text
    assert "constexpr uint32_t B = get_compile_time_arg_val(1);" in text
    assert "const uint32_t num_tile_rows = get_arg_val<uint32_t>(2);" in text
    assert "for (uint32_t stub_row = 0; stub_row < num_tile_rows; ++stub_row) {" in text


def test_stub_moves_pages_in_table_order_with_conditions():
    lines = [line.strip() for line in body(RICH_SPEC, "reader").splitlines()]
    start = lines.index("// per-core pages, produced once at the start")
    loop = next(i for i, line in enumerate(lines) if line.startswith("for (uint32_t stub_row"))
    end = lines.index("// per-core pages, consumed once at the end")
    assert lines[start + 1:loop - 1] == [
        "#if defined(FUSE_WEIGHT)",
        "stub_produce(3, (2 - passes), (2 - passes));  // CB 3 cb_weight_rm: reader -> reader", "#endif",
        "stub_produce(9, (1), (1));  // CB 9 cb_scaler: reader -> compute"]
    assert lines[loop + 1:end - 2] == [
        "stub_produce(0, (passes*Wt), (B));  // CB 0 cb_in: reader -> compute",
        "#if defined(FUSE_WEIGHT)", "stub_produce(1, (Wt), (B));  // CB 1 cb_weight: reader -> compute", "#endif",
        "#if defined(FUSE_WEIGHT)",
        "stub_cycle(3, ((passes - 1)*Wt/B), (1));  // CB 3 cb_weight_rm: reader -> reader", "#endif"]
    assert "stub_consume(3, (2 - passes), (2 - passes));  // CB 3 cb_weight_rm: reader -> reader" in lines[end:]


def test_compute_internal_cbs_cycle_and_consumers_consume():
    text = body(RICH_SPEC, "compute")
    assert "stub_cycle(24, (Wt), (1));  // CB 24 cb_acc: compute -> compute" in text
    assert "stub_consume(0, (passes*Wt), (B));  // CB 0 cb_in: reader -> compute" in text
    assert "stub_produce(16, (Wt), (B));  // CB 16 cb_out: compute -> writer" in text
    assert text.rindex("stub_consume(9, (1), (1))") > text.index("for (uint32_t stub_row")
    header = stub_codegen.generate(RICH_SPEC, RICH_SPEC["kernels"][1], "x/spec.json")
    assert '#include "api/compute/cb_api.h"' in header and "dataflow_api.h" not in header


def test_fixture_programs_agree_with_their_spec():
    for case in RICH_SPEC["descriptor"]["representative_cases"]:
        assert program_check.check(RICH_SPEC, build_rich(**case["kwargs"]), TILE_ROWS) == [], case["name"]


def test_a_conditional_cb_left_in_the_program_is_named():
    program = build_rich([1, 1, 64, 64], "bfloat16", True, False)
    program.kernels[0].defines.pop("FUSE_WEIGHT")
    problems = program_check.check(RICH_SPEC, program, TILE_ROWS)
    assert problems[0] == ("CB 1 (cb_weight): present in the Program, but its condition (defined(FUSE_WEIGHT)) is "
                           "false for kernel 'reader'")


def test_traffic_counts_pages_per_cb():
    program = build_rich([1, 1, 64, 128], "float32", True, False)
    pages = program_check.traffic(RICH_SPEC, program)
    assert pages[0] == {"pages": 8, "cores": 2}  # 2 tile-rows x Wt=4, one tile-row per core
    assert pages[24]["pages"] == 8 and pages[9] == {"pages": 2, "cores": 2}  # cb_acc per row; the scaler per core
    assert 1 not in program_check.traffic(RICH_SPEC, build_rich([1, 1, 64, 128], "float32", False, False))
    streamed = program_check.traffic(RICH_SPEC, build_rich([1, 1, 64, 128], "float32", True, True))
    assert streamed[0]["pages"] == 16 and streamed[3]["pages"] == 2 * (4 // 2)  # input twice; a weight block per block


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
    data = build_rich([1, 1, 32, 32], "bfloat16", False, False).to_dict()
    for kernel in data["kernels"]:
        kernel["source"] = "fakeops/tile_rows/kernels/" + Path(kernel["source"]).name
    program = load_program(tmp_path, data)
    assert Path(program.kernels[0].source) == tmp_path / "fakeops/tile_rows/kernels/tile_rows_reader.cpp"
    absolute = build_rich([1, 1, 32, 32], "bfloat16", False, False).to_dict()
    assert load_program(tmp_path, absolute).kernels[0].source == absolute["kernels"][0]["source"]
