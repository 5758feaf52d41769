"""Cross-references of a spec that the schema cannot express, and the rendered spec document."""
from __future__ import annotations

import copy
import json

from agents.spec_tools import render as spec_render
from agents.spec_tools import rules as spec_rules
from builder_helpers import FIXTURE

SPEC = json.loads((FIXTURE / "spec.json").read_text())


def rules(spec, op="copy_op"):
    return [(i.pointer, i.rule) for i in spec_rules.check(spec, "spec.json", op)]


def test_fixture_spec_is_consistent():
    assert rules(SPEC) == []


def test_op_must_match_its_folder():
    assert rules(SPEC, op="other") == [("/op", "op-name")]


def test_duplicates_are_refused():
    spec = copy.deepcopy(SPEC)
    spec["circular_buffers"].append(copy.deepcopy(spec["circular_buffers"][0]))
    spec["kernels"][1]["runtime_args"][2]["name"] = "num_sticks"
    assert rules(spec) == [("/circular_buffers/1/index", "unique"), ("/circular_buffers/1/name", "unique"),
                           ("/kernels/1/runtime_args/2/name", "unique")]


def test_producer_and_loop_count_must_exist():
    spec = copy.deepcopy(SPEC)
    spec["circular_buffers"][0]["consumer"] = "compute"
    spec["kernels"][0]["loop_count_arg"] = "rows"
    issues = spec_rules.check(spec, "spec.json", "copy_op")
    assert [(i.pointer, i.rule) for i in issues] == [("/kernels/0/loop_count_arg", "arg-exists"),
                                                     ("/circular_buffers/0/consumer", "kernel-exists")]
    assert "'compute' is not a kernel of this spec (reader, writer)" in issues[1].message


def test_traffic_names_must_be_args_of_both_ends():
    spec = copy.deepcopy(SPEC)
    spec["kernels"][1]["runtime_args"][2]["name"] = "bytes"
    spec["circular_buffers"][0]["traffic"]["chunk"] = "stick_bytes/stick_bytes"
    spec["circular_buffers"][0]["pages"] = "2*nothing"
    issues = spec_rules.check(spec, "spec.json", "copy_op")
    assert [(i.pointer, i.rule) for i in issues] == [("/circular_buffers/0/traffic/chunk", "expression-names"),
                                                     ("/circular_buffers/0/pages", "expression-names")]
    assert "'stick_bytes' in 'stick_bytes/stick_bytes' must be an arg of both the producer" in issues[0].message


def test_bad_expression_and_condition_are_reported_with_pointers():
    spec = copy.deepcopy(SPEC)
    spec["circular_buffers"][0]["traffic"]["per_tile_row"] = "1 +"
    spec["circular_buffers"][0]["condition"] = "FUSE > 1"
    assert rules(spec) == [("/circular_buffers/0/traffic/per_tile_row", "expression"),
                           ("/circular_buffers/0/condition", "condition")]


def test_rendered_document_covers_the_spec_and_is_deterministic():
    text = spec_render.render(SPEC)
    assert text == spec_render.render(copy.deepcopy(SPEC))
    for needle in ("# copy_op", "## API", "## Inputs", "## Outputs", "## Parameters", "## Circular buffers",
                   "| 0 | cb_sticks | input | stick | 2 | reader -> writer | 0 | 1 | 1 | always |",
                   "### reader (reader)", "| runtime | 1 | num_sticks | sticks to copy |", "## Work distribution",
                   "1. the reader reads stick i into cb_sticks", "| bf16_4x64 | shape=[4, 64], dtype='bfloat16' |",
                   "kernels gate: `pytest test_copy_op.py -m numeric`"):
        assert needle in text, needle
