"""The four schemas: well-formed, accept what the builder writes, and report errors with file,
JSON pointer and rule."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from agents.core import schemas
from builder_helpers import FIXTURE

REPO = Path(__file__).resolve().parents[2]
SPEC = json.loads((FIXTURE / "spec.json").read_text())


@pytest.mark.parametrize("name", sorted(schemas.SCHEMA_FILES))
def test_schema_is_valid_draft_2020_12(name):
    data = json.loads(schemas.schema_path(name).read_text())
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(data)


def test_layer_norm_rm_spec_validates():
    data = json.loads((REPO / "operations" / "layer_norm_rm" / "spec.json").read_text())
    assert schemas.validate(data, "op_spec", "spec.json") == []


def test_missing_property_names_file_pointer_and_rule():
    spec = copy.deepcopy(SPEC)
    del spec["kernels"][1]["loop_count_arg"]
    [issue] = schemas.validate(spec, "op_spec", "ops/x/spec.json")
    assert (issue.file, issue.pointer, issue.rule) == ("ops/x/spec.json", "/kernels/1", "required")
    assert "'loop_count_arg' is a required property" in issue.message
    assert str(issue).startswith("ops/x/spec.json: /kernels/1: ")


def test_every_error_is_listed_in_pointer_order():
    spec = copy.deepcopy(SPEC)
    spec["circular_buffers"][0]["index"] = 40
    spec["circular_buffers"][0]["page"] = "row"
    spec["inputs"][0]["dtypes"] = ["int32"]
    issues = schemas.validate(spec, "op_spec", "spec.json")
    assert [(i.pointer, i.rule) for i in issues] == [
        ("/circular_buffers/0/index", "maximum"), ("/circular_buffers/0/page", "enum"),
        ("/inputs/0/dtypes/0", "enum")]


def test_spec_rejects_unknown_keys_and_absolute_kernel_sources():
    spec = copy.deepcopy(SPEC)
    spec["extra"] = 1
    spec["kernels"][0]["source"] = "/etc/reader.cpp"
    pointers = {(i.pointer, i.rule) for i in schemas.validate(spec, "op_spec", "spec.json")}
    assert pointers == {("", "additionalProperties"), ("/kernels/0/source", "pattern")}


def test_breadcrumb_events_require_their_fields():
    base = {"timestamp": "2026-01-01T00:00:00.000000Z", "run_id": "20260101T000000Z-1-abcdef", "seq": 1,
            "op": "x", "phase": "spec", "agent": "builtin", "prev": "0" * 64}
    assert schemas.validate({**base, "event": "error", "message": "m"}, "breadcrumb", "l") == []
    unchained = {k: v for k, v in base.items() if k != "prev"}
    [issue] = schemas.validate({**unchained, "event": "error", "message": "m"}, "breadcrumb", "l")
    assert issue.rule == "required" and "'prev'" in issue.message
    [issue] = schemas.validate({**base, "event": "gate_failed", "gate": "g", "duration_s": 1.0}, "breadcrumb", "l")
    assert issue.rule == "required" and "'message'" in issue.message
    [issue] = schemas.validate({**base, "event": "validation_failed", "schema": "s", "subject": "x", "errors": []},
                               "breadcrumb", "l")
    assert (issue.pointer, issue.rule) == ("/errors", "minItems")
    assert schemas.validate({**base, "event": "celebrated"}, "breadcrumb", "l")[0].pointer == "/event"


@pytest.mark.parametrize("relative,data,expected", [
    ("a/spec.json", {}, "op_spec"),
    ("a/.builder/state.json", {}, "builder_state"),
    ("a/programs/case.json", {}, "program"),
    ("a/anything.json", {"cbs": [], "kernels": [], "tensors": []}, "program"),
    ("a/other.json", {"circular_buffers": [], "kernels": [], "descriptor": {}}, "op_spec"),
])
def test_schema_is_guessed_from_name_then_keys(tmp_path, relative, data, expected):
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))
    used, _ = schemas.validate_file(path)
    assert used == expected


def test_unknown_file_kind_asks_for_schema(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{}")
    used, [issue] = schemas.validate_file(path)
    assert used is None and issue.rule == "schema" and "--schema" in issue.message


def test_jsonl_is_validated_line_by_line(tmp_path):
    path = tmp_path / "run.jsonl"
    good = {"timestamp": "2026-01-01T00:00:00.000000Z", "run_id": "20260101T000000Z-1-abcdef", "seq": 1,
            "op": "x", "phase": "spec", "agent": "builtin", "event": "error", "message": "m",
            "prev": "0" * 64}
    path.write_text(json.dumps(good) + "\n" + '{"timestamp": "2026' + "\n")
    used, [issue] = schemas.validate_file(path)
    assert used == "breadcrumb" and issue.file == f"{path}:2" and issue.rule == "json"


def test_unknown_schema_name_is_refused():
    with pytest.raises(ValueError, match=r"schema 'nope': expected one of op_spec, program"):
        schemas.schema_path("nope")
