"""The runner contract (issue 10 item 4): the plan and the report are versioned JSON documents checked
on both sides, and the format and fidelity codes come from one table that Python and C++ both read.
Every plan key is provoked missing, mistyped and unknown, against the schema and against the runner."""
from __future__ import annotations

import copy
import importlib
import json
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

import emulator
from emulator import build, codes, contract, settings
from tests.emulator.fault_programs import fault_program, run

run_module = importlib.import_module("emulator.run")  # the module; `emulator.run` is also the function
INCLUDE = Path(emulator.__file__).resolve().parent / "include"


# --- one table of codes -----------------------------------------------------------------------------

def test_cpp_compiles_the_same_codes_python_reads(tmp_path):
    """A C++ program built against emu/core.h prints every enumerator's value and datum size."""
    lines = [f'std::printf("{name} %d %u\\n", int(emu::DataFormat::{enumerator}), '
             f"emu::data_format_datum_bytes(emu::DataFormat::{enumerator}));"
             for name, enumerator in codes.FORMAT_ENUMERATOR.items()]
    source = tmp_path / "codes.cpp"
    source.write_text('#include <cstdio>\n#include "emu/core.h"\nint main() {\n' + "\n".join(lines) + "\n}\n")
    exe = tmp_path / "codes"
    subprocess.run([settings.compiler(), "-std=c++17", f"-I{INCLUDE}", str(source), "-o", str(exe)], check=True)
    printed = {line.split()[0]: (int(line.split()[1]), int(line.split()[2]))
               for line in subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()}
    assert printed == {name: (codes.FORMAT_CODE[name], codes.DATUM_BYTES[name]) for name in codes.FORMAT_CODE}
    assert codes.FORMAT_CODE == {"float32": 0, "bfloat16": 5}  # tt::DataFormat's values
    assert codes.FIDELITY_CODE == {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


def test_data_format_is_defined_once_in_the_headers():
    definitions = [p for p in INCLUDE.rglob("*.h*") if "enum class DataFormat" in p.read_text()]
    assert [p.relative_to(INCLUDE).as_posix() for p in definitions] == ["emu/core.h"]


# --- the plan ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plan_and_device() -> Iterator[tuple[dict[str, Any], emulator.EmulatedDevice]]:
    """A plan the runner accepted, captured from a real run, and the device whose DRAM it maps."""
    device = emulator.EmulatedDevice()
    captured: list[dict[str, Any]] = []
    original = run_module._launch

    def capture(device: emulator.EmulatedDevice, runner: Path, plan: Path, report: Path,
                hang: float) -> dict[str, Any]:
        captured.append(json.loads(plan.read_text()))
        return original(device, runner, plan, report, hang)

    run_module._launch = capture
    try:
        run(device, fault_program())
    finally:
        run_module._launch = original
    yield captured[0], device
    device.close()


def key_paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every object key of the plan (list items by their index)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,)
            yield from key_paths(value, path + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from key_paths(item, path + (i,))


def parent(plan: dict[str, Any], path: tuple) -> Any:
    node = plan
    for step in path[:-1]:
        node = node[step]
    return node


def run_runner(plan: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess:
    plan = copy.deepcopy(plan)
    if isinstance(plan.get("report"), str):
        plan["report"] = str(tmp_path / "report.json")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return subprocess.run([str(build.runner_path(settings.cache_dir())), str(path)], capture_output=True, text=True, timeout=60)


def test_captured_plan_is_valid_and_runs(plan_and_device, tmp_path):
    plan, _ = plan_and_device
    contract.check_plan(plan)
    result = run_runner(plan, tmp_path)
    assert result.returncode == 0, result.stderr
    assert contract.decode_report((tmp_path / "report.json").read_text())["status"] == "ok"


PLAN_KEYS = [
    ("format",), ("version",), ("report",), ("trace",), ("events",), ("watchdog",), ("watchdog", "hang_seconds"),
    ("watchdog", "tick_ms"), ("watchdog", "deadlock_ticks"), ("device",), ("device", "l1_size"),
    ("device", "l1_unreserved_base"), ("device", "num_dram_banks"), ("device", "dram_bank_size"),
    ("device", "dram_alignment"), ("device", "noc_alignment"), ("device", "noc_alignment", "l1_read"),
    ("device", "noc_alignment", "l1_write"), ("device", "noc_alignment", "dram_read"),
    ("device", "noc_alignment", "dram_write"), ("device", "dram_path"), ("device", "numerics"), ("device", "l1_interleaved"), ("buffers",), ("buffers", 0, "address"),
    ("buffers", 0, "size"), ("cbs",), ("cbs", 0, "cores"), ("cbs", 0, "index"), ("cbs", 0, "data_format"),
    ("cbs", 0, "page_size"), ("cbs", 0, "num_pages"), ("cbs", 0, "offset"), ("kernels",), ("kernels", 0, "name"),
    ("kernels", 0, "kind"), ("kernels", 0, "object"), ("kernels", 0, "common_args"), ("kernels", 0, "compute_config"),
    ("kernels", 0, "launches"), ("kernels", 0, "launches", 0, "core"), ("kernels", 0, "launches", 0, "args"),
    ("kernels", 1, "compute_config", "math_fidelity"), ("kernels", 1, "compute_config", "fp32_dest_acc_en"),
    ("kernels", 1, "compute_config", "math_approx_mode"), ("kernels", 1, "compute_config", "dst_full_sync_en"),
    ("kernels", 1, "compute_config", "unpack_to_dest_fp32"),
]


def test_every_plan_key_is_listed_here(plan_and_device):
    """A new plan field must come with its line in PLAN_KEYS (and so with its tests)."""
    plan, _ = plan_and_device
    normalise = lambda path: tuple(0 if isinstance(step, int) else step for step in path)  # noqa: E731
    found = {normalise(p) for p in key_paths(plan)}
    listed = {normalise(p) for p in PLAN_KEYS}
    assert found == listed


@pytest.mark.parametrize("path", PLAN_KEYS, ids=lambda p: ".".join(map(str, p)))
def test_missing_plan_key_is_named_on_both_sides(plan_and_device, tmp_path, path):
    plan, _ = plan_and_device
    broken = copy.deepcopy(plan)
    del parent(broken, path)[path[-1]]
    with pytest.raises(contract.ContractError, match=f"'{path[-1]}' is a required property"):
        contract.check_plan(broken)
    result = run_runner(broken, tmp_path)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert f"missing key '{path[-1]}'" in result.stderr


@pytest.mark.parametrize("path", [p for p in PLAN_KEYS if p not in {("format",), ("version",)}],
                         ids=lambda p: ".".join(map(str, p)))
def test_mistyped_plan_value_is_named_on_both_sides(plan_and_device, tmp_path, path):
    plan, _ = plan_and_device
    broken = copy.deepcopy(plan)
    value = parent(broken, path)[path[-1]]
    parent(broken, path)[path[-1]] = {"unexpected": "object"} if not isinstance(value, dict) else "text"
    with pytest.raises(contract.ContractError):
        contract.check_plan(broken)
    result = run_runner(broken, tmp_path)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert str(path[-1]) in result.stderr and "expected" in result.stderr, result.stderr


@pytest.mark.parametrize("path", [()] + [p for p in PLAN_KEYS if p[-1] in {"watchdog", "device", "noc_alignment"}]
                         + [("cbs", 0), ("buffers", 0), ("kernels", 0), ("kernels", 0, "launches", 0),
                            ("kernels", 1, "compute_config")], ids=lambda p: ".".join(map(str, p)) or "plan")
def test_unknown_plan_key_is_named_on_both_sides(plan_and_device, tmp_path, path):
    plan, _ = plan_and_device
    broken = copy.deepcopy(plan)
    node = broken
    for step in path:
        node = node[step]
    node["surprise"] = 1
    with pytest.raises(contract.ContractError, match="'surprise' was unexpected"):
        contract.check_plan(broken)
    result = run_runner(broken, tmp_path)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert "unknown key 'surprise'" in result.stderr


def test_other_plan_version_is_refused_on_both_sides(plan_and_device, tmp_path):
    plan, _ = plan_and_device
    broken = {**plan, "version": 3}
    with pytest.raises(contract.ContractError, match="version"):
        contract.check_plan(broken)
    result = run_runner(broken, tmp_path)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert "plan.version: this runner reads version 2, got 3" in result.stderr


@pytest.mark.parametrize("path,value,message", [
    (("cbs", 0, "data_format"), "bfloat8_b", "unknown data format 'bfloat8_b'"),
    (("kernels", 1, "compute_config", "math_fidelity"), "HiFi5", "unknown math fidelity 'HiFi5'"),
    (("kernels", 0, "kind"), "writer2", "unknown kernel kind 'writer2'"),
    (("cbs", 0, "index"), 32, "is not a CB index"),
    (("cbs", 0, "cores"), [0, 0, 1], "cores: expected [x0, y0, x1, y1, ...]"),
    (("cbs", 0, "cores"), [0, 256], "cores: a coordinate above 255"),
    (("device", "noc_alignment", "dram_read"), 24, "expected a power of two, got 24"),
    (("kernels", 0, "launches", 0, "args"), [-1], "expected an unsigned 32-bit integer, got -1"),
])
def test_runner_refuses_values_it_cannot_use(plan_and_device, tmp_path, path, value, message):
    plan, _ = plan_and_device
    broken = copy.deepcopy(plan)
    parent(broken, path)[path[-1]] = value
    result = run_runner(broken, tmp_path)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert message in result.stderr


def test_runner_refuses_malformed_json(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"format": "emulator-plan", "version": 1,}')
    result = subprocess.run([str(build.runner_path(settings.cache_dir())), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == run_module.PLAN_REFUSED_EXIT
    assert "JSON syntax at byte" in result.stderr


# --- the report ---------------------------------------------------------------------------------------

OK_REPORT = {"format": "emulator-report", "version": 1, "status": "ok",
             "watchdog": {"hang_seconds": 10, "tick_ms": 20, "deadlock_ticks": 10},
             "stats": {"dram_bytes_read": 0, "dram_bytes_written": 0, "noc_transactions": 0, "seconds": 0.1,
                       "per_core": [], "kernels": []},
             "warnings": []}


def test_report_of_this_version_decodes():
    assert contract.decode_report(json.dumps(OK_REPORT)) == OK_REPORT


@pytest.mark.parametrize("change,message", [
    ({"version": 2}, "has version 2; this emulator reads version 1"),
    ({"format": "other"}, "breaks report.schema.json"),
    ({"status": "maybe"}, "breaks report.schema.json"),
    ({"stats": {"dram_bytes_read": 0}}, "breaks report.schema.json"),
    ({"extra": 1}, "breaks report.schema.json"),
    ({"warnings": [1]}, "breaks report.schema.json"),
])
def test_report_breaking_the_schema_is_refused(change, message):
    with pytest.raises(contract.ContractError, match=message):
        contract.decode_report(json.dumps({**OK_REPORT, **change}))


def test_report_that_is_not_json_is_refused():
    with pytest.raises(contract.ContractError, match="not JSON"):
        contract.decode_report('{"status": "ok"')


# --- when Python validates ----------------------------------------------------------------------------

def test_the_test_suite_validates_the_contract():
    """The root conftest.py turns validation on, so every test run checks every plan and report."""
    assert settings.validate_contract()


@pytest.mark.parametrize("raw,expected", [(None, False), ("", False), ("0", False), ("off", False),
                                          ("FALSE", False), ("1", True), ("true", True), ("On", True)])
def test_validation_setting_reads_the_usual_spellings(raw, expected):
    environ = {} if raw is None else {settings.VALIDATE_CONTRACT_ENV: raw}
    assert settings.parse_validate_contract(environ) is expected


def test_bad_validation_setting_is_refused_by_name():
    with pytest.raises(ValueError, match="EMULATOR_VALIDATE_CONTRACT='maybe': expected 1/true/yes/on"):
        settings.parse_validate_contract({settings.VALIDATE_CONTRACT_ENV: "maybe"})


@pytest.mark.parametrize("on", [False, True], ids=["off", "on"])
def test_runs_check_plan_and_report_schemas_only_when_validation_is_on(emu, monkeypatch, on):
    checked: list[str] = []
    original = contract._problems

    def counting(name: str, document: Any) -> list[str]:
        checked.append(name)
        return original(name, document)

    monkeypatch.setattr(contract, "_problems", counting)
    monkeypatch.setenv(settings.VALIDATE_CONTRACT_ENV, "1" if on else "0")
    run(emu, fault_program())
    assert checked == (["plan", "report"] if on else [])


def test_unvalidated_plan_is_still_refused_by_the_runner(emu, monkeypatch):
    """With validation off, a plan breaking the schema still never runs: the runner names the key."""
    original = run_module._plan

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        plan = original(*args, **kwargs)
        plan["watchdog"]["surprise"] = 1
        return plan

    monkeypatch.setattr(run_module, "_plan", broken)
    monkeypatch.setenv(settings.VALIDATE_CONTRACT_ENV, "0")
    with pytest.raises(emulator.PlanError, match="unknown key 'surprise'"):
        run(emu, fault_program())


@pytest.mark.parametrize("change,message", [
    ({"format": "other"}, "format: expected 'emulator-report', got 'other'"),
    ({"status": "maybe"}, "status: expected 'ok' or 'fault', got 'maybe'"),
    ({"stats": None}, "stats: expected an object, got NoneType"),
    ({"watchdog": [1]}, "watchdog: expected an object, got list"),
])
def test_unvalidated_report_still_needs_the_envelope_run_reads(change, message):
    with pytest.raises(contract.ContractError, match=message):
        contract.decode_report(json.dumps({**OK_REPORT, **change}), validate=False)
    with pytest.raises(contract.ContractError, match="has version 2"):
        contract.decode_report(json.dumps({**OK_REPORT, "version": 2}), validate=False)
