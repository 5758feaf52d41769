"""Errors are one clear line with a documented exit code and leave the state as it was; every command
speaks JSON, documents its exit codes and has a version; progress names every test id."""
from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from agents.orchestration import breadcrumbs
from agents.runners.pytest_runner import run_pytest
from builder_helpers import cli

COMMANDS = ["status", "advance", "run", "audit", "validate", "new"]


def state_bytes(paths):
    return paths.state_file.read_bytes() if paths.state_file.exists() else None


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def test_unwritable_logs_folder_is_one_line_exit_5_and_state_untouched(op):
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 0
    before = state_bytes(op)
    shutil.rmtree(op.root / "logs")
    (op.root / "logs").write_text("not a folder\n")
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--force")
    assert result.exit_code == 5
    assert "cannot work here: cannot create the log folder" in one_line(result.stderr)
    assert state_bytes(op) == before
    assert "spec        done" in cli("status", "--op", str(op.op_dir)).output


def test_full_disk_while_logging_is_one_line_exit_5_and_state_untouched(op, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(breadcrumbs.os, "write", full)
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir))
    assert result.exit_code == 5 and "No space left on device" in one_line(result.stderr)
    assert state_bytes(op) is None


@pytest.mark.parametrize("content,expected", [
    (b"\x00\xff\xfe binary \x89PNG", "not UTF-8 text"),
    (b"[" * 600_000 + b"]" * 600_000, "more than the 1048576 accepted"),
    (b"[" * 5_000 + b"]" * 5_000, "nested deeper than 64 levels"),
    (b"[" * 100 + b"]" * 100, "nested deeper than 64 levels"),
    (json.dumps({"summary": "x" * 2_000_000}).encode(), "more than the 1048576 accepted"),
], ids=["binary", "huge", "very-deep", "deep", "huge-summary"])
def test_bad_spec_files_fail_the_spec_phase_naming_the_file(op, content, expected):
    op.spec.write_bytes(content)
    result = cli("advance", "--phase", "spec", "--op", str(op.op_dir))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "fakeops/copy_op/spec.json" in result.stderr and expected in result.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\x02\xff", b"[" * 100_000, b"{}", b"\xef\xbb\xbf{}", b""],
                         ids=["binary", "deep", "no-schema", "bom", "empty"])
def test_validate_takes_any_file(tmp_path, content):
    path = tmp_path / "thing.json"
    path.write_bytes(content)
    result = cli("validate", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.stderr and str(path) in result.stderr
    report = json.loads(cli("validate", str(path), "--json").stdout)
    assert report["ok"] is False and report["issues"]


def test_op_must_be_an_op_folder_and_nothing_is_left_behind(tmp_path):
    folder = tmp_path / "repo" / "pkg" / "notop"
    folder.mkdir(parents=True)
    (tmp_path / "repo" / "pyproject.toml").write_text("")
    for command in (["status"], ["advance", "--phase", "spec"], ["run"], ["audit"]):
        result = cli(*command, "--op", str(folder))
        assert result.exit_code == 2, command
        assert "is not an op folder (it has no spec.json" in one_line(result.stderr)
    assert sorted(p.name for p in folder.iterdir()) == [] and not (tmp_path / "repo" / "logs").exists()


@pytest.mark.parametrize("name", ["class", "import", "None", "My-Op", "9lives", "with"])
def test_new_accepts_only_valid_non_keyword_names(tmp_path, name):
    (tmp_path / "pyproject.toml").write_text("")
    result = cli("new", name, "--dir", str(tmp_path / "ops"))
    assert result.exit_code == 2
    assert "expected lowercase letters, digits and '_', starting with a letter, and not a Python keyword" \
        in one_line(result.stderr)
    assert not (tmp_path / "ops" / name).exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_documents_its_exit_codes(command):
    text = cli(command, "--help").output
    assert "Exit codes:" in text and "  0  success" in text


def test_every_command_speaks_json(op, tmp_path):
    docs = {
        "status": cli("status", "--op", str(op.op_dir), "--json"),
        "advance": cli("advance", "--phase", "spec", "--op", str(op.op_dir), "--json"),
        "run": cli("run", "--op", str(op.op_dir), "--json"),
        "audit": cli("audit", "--op", str(op.op_dir), "--json"),
        "validate": cli("validate", str(op.spec), "--json"),
        "new": cli("new", "other_op", "--dir", str(op.op_dir.parent), "--json"),
    }
    for command, result in docs.items():
        data = json.loads(result.stdout)
        assert data["ok"] is True, (command, data)
    refused = json.loads(cli("advance", "--phase", "tests", "--op", str(tmp_path), "--json").stdout)
    assert refused["ok"] is False and refused["exit_code"] == 2


def test_status_exits_1_when_a_phase_failed(op):
    spec = json.loads(op.spec.read_text())
    spec["kernels"][0]["loop_count_arg"] = "nothing"
    op.spec.write_text(json.dumps(spec))
    assert cli("advance", "--phase", "spec", "--op", str(op.op_dir)).exit_code == 1
    result = cli("status", "--op", str(op.op_dir))
    assert result.exit_code == 1 and "spec        failed" in result.output
    assert cli("status", "--op", str(op.op_dir), "--json").exit_code == 1


def test_version():
    result = cli("--version")
    assert result.exit_code == 0 and result.output.startswith("builder (ttnn-opbuilder) ")


def test_progress_names_test_ids_with_spaces(tmp_path):
    test_file = tmp_path / "test_spaces.py"
    test_file.write_text("import pytest\n\n"
                         "@pytest.mark.parametrize('x', [1, 2, 3], ids=['one word', 'two  words', 'plain'])\n"
                         "def test_x(x):\n    assert x\n")
    seen: list[str] = []
    outcome = run_pytest(test_file, [], tmp_path, seen.append)
    assert outcome.counts["passed"] == 3
    assert sorted(line.split(" ", 1)[1] for line in seen) == [
        "PASSED test_x[one word]", "PASSED test_x[plain]", "PASSED test_x[two  words]"]
    assert sorted(outcome.passed) == ["test_x[one word]", "test_x[plain]", "test_x[two  words]"]


def test_log_failing_mid_phase_restores_the_state(built, monkeypatch):
    """The disk fills while the phase runs: exit 5, and the phase is done as before, not failed."""
    before = json.loads(built.state_file.read_text())["phases"]["spec"]
    real_write = breadcrumbs.os.write
    writes = []

    def fill_after_first(fd, data):
        writes.append(data)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(breadcrumbs.os, "write", fill_after_first)
    result = cli("advance", "--phase", "spec", "--op", str(built.op_dir), "--force")
    assert result.exit_code == 5 and "No space left on device" in one_line(result.stderr)
    assert json.loads(built.state_file.read_text())["phases"]["spec"] == before
