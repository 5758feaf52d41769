"""The JSON report is written atomically: the old file survives a failed write, no temporary is left."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.results import write_json


def test_writes_the_report_creating_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "results" / "latest.json"
    write_json({"a": [1, 2.5]}, path)
    assert json.loads(path.read_text()) == {"a": [1, 2.5]}
    assert [p.name for p in path.parent.iterdir()] == ["latest.json"]


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    write_json({"run": 1}, path)
    with pytest.raises(TypeError):
        write_json({"run": 2, "bad": object()}, path)
    assert json.loads(path.read_text()) == {"run": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["latest.json"]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    write_json({"run": 1}, path)
    write_json({"run": 2}, path)
    assert json.loads(path.read_text()) == {"run": 2}
