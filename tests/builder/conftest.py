"""Fixtures of the builder tests: copy_op in a scratch repository, fresh or built through every phase."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import agents
from agents.core.paths import OpPaths, resolve_op
from builder_helpers import cli, make_repo

collect_ignore_glob = ["fixtures/*"]

# The folder this process imported `agents` from: the work tree under test, or mutmut's mutants/ copy.
IMPORT_ROOT = Path(agents.__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def children_import_the_same_code():
    """Builder processes the tests start (`python -m agents.orchestration.cli`, the gates' pytest) must
    run the code this process imported, not whatever the editable install points at: otherwise a
    mutant (mutmut's, under mutants/) would never reach them and would survive falsely."""
    inherited = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join([str(IMPORT_ROOT), *inherited]))
        yield


@pytest.fixture
def op(tmp_path: Path) -> OpPaths:
    """copy_op, no phase run yet."""
    return make_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch repository whose copy_op went through every phase once (real emulator, real pytest)."""
    root = tmp_path_factory.mktemp("built") / "repo"
    paths = make_repo(root)
    result = cli("run", "--op", str(paths.op_dir))
    assert result.exit_code == 0, result.output + result.stderr
    return root


@pytest.fixture
def built(built_template: Path, tmp_path: Path) -> OpPaths:
    """A private copy of the built repository: every phase done, logs clean."""
    root = tmp_path / "repo"
    shutil.copytree(built_template, root)
    return resolve_op(root / "fakeops" / "copy_op")
