"""The project as a user installs it: a wheel, installed non-editable into a fresh venv (no system
site-packages), must carry everything the builder reads (schemas, templates, emulator headers and
runtime, the op's kernels) and run `builder validate` and `builder status`.

Slow (a venv and a torch install), so marked `wheel`: deselected by default, run by scripts/test.sh.
torch 2.13.0 is installed first, alone, from the machine's local wheels (pip's find-links), so the
wheel's `torch>=2.1` is already met and nothing pulls a CUDA build.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".git", ".venv*", "__pycache__", "build", "*.egg-info", ".builder", "logs", "dist",
                              ".pytest_cache", "results")
OP = "operations/layer_norm_rm"

pytestmark = pytest.mark.wheel


# PYTHONPATH would put a checkout ahead of the installed wheel: the venv runs without it.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def _run(cmd: list, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, env=CLEAN_ENV)
    command = " ".join(map(str, cmd))
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(venv, source copy): the wheel is built from a copy, so the checkout gets no build/ or egg-info."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(REPO, source, ignore=SKIP)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", tmp / "dist", source], tmp)
    wheel = next((tmp / "dist").glob("ttnn_opbuilder-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    _run([*pip, "torch==2.13.0"], tmp)
    _run([*pip, wheel], tmp)
    return venv, source


def test_our_packages_come_from_the_venv_not_the_checkout(installed):
    venv, source = installed
    out = _run([venv / "bin" / "python", "-c", "import agents, emulator, program, schemas; "
                "print(agents.__file__, emulator.__file__, program.__file__)"], source.parent)
    assert all("/site-packages/" in path for path in out.split()), out


def test_builder_validates_the_spec(installed):
    venv, source = installed
    out = _run([venv / "bin" / "builder", "validate", f"{OP}/spec.json"], source)
    assert "valid" in out.lower(), out


def test_builder_status_reads_the_op(installed):
    venv, source = installed
    out = _run([venv / "bin" / "builder", "status", "--op", OP], source)
    assert "spec" in out and "kernels" in out, out


def test_package_data_is_complete(installed):
    venv, _ = installed
    site = next((venv / "lib").glob("python3*/site-packages"))
    for path in ["program/program.schema.json", "schemas/op_spec.schema.json", "schemas/breadcrumb.schema.json",
                 "schemas/builder_state.schema.json", "agents/templates/README_template.md",
                 "emulator/include/api/dataflow/dataflow_api.h", "emulator/runtime/runner.cpp",
                 f"{OP}/kernels/layer_norm_rm_compute.cpp", f"{OP}/spec.json"]:
        assert (site / path).is_file(), f"{path} is missing from the installed wheel"
