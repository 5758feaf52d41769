"""The Python part of the dependency closure: modules outside an op's folder that the op imports (as
rms_norm_rm imports layer_norm_rm's) are recorded by the phases, so editing one makes them stale and
fails the audit naming the file."""
from __future__ import annotations

import json
from pathlib import Path

from agents.core.python_imports import imported_files, imported_modules
from agents.orchestration import state
from builder_helpers import cli

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_imports_are_followed_transitively_under_the_root_only(tmp_path):
    root = tmp_path
    op = root / "ops" / "mine"
    write(op / "mine.py", "import os\nimport torch\nfrom ops.other import helpers\nfrom . import local\n"
                          "from .local import THING\n")
    write(op / "local.py", "THING = 1\n")
    write(root / "ops" / "__init__.py", "")
    write(root / "ops" / "other" / "__init__.py", "")
    write(root / "ops" / "other" / "helpers.py", "from ..shared.deep import X\nfrom ops.recorded.model import Y\n")
    write(root / "ops" / "shared" / "deep.py", "import ops.shared.deeper\nX = 1\n")
    write(root / "ops" / "shared" / "deeper.py", "Z = 3\n")
    write(root / "ops" / "recorded" / "model.py", "Y = 2\n")
    write(root / "ops" / "unused.py", "U = 0\n")
    write(op / "broken.py", "def (:\n")  # unparsable: its own bytes are hashed with the op folder
    found = [p.relative_to(root).as_posix() for p in imported_files(op, root, (root / "ops" / "recorded",))]
    assert found == ["ops/__init__.py", "ops/other/__init__.py", "ops/other/helpers.py", "ops/shared/deep.py",
                     "ops/shared/deeper.py"]


def test_relative_imports_resolve_against_the_files_package(tmp_path):
    source = write(tmp_path / "a" / "b" / "c.py", "from .. import x\nfrom ...too_far import y\nfrom .d import *\n")
    assert imported_modules(source, tmp_path) == ["a", "a.x", "a.b.d"]


def test_rms_norm_rm_reaches_layer_norm_rm_modules():
    from agents.phases.shared import BUILDER_OWN
    found = {p.relative_to(REPO).as_posix() for p in imported_files(REPO / "operations" / "rms_norm_rm", REPO,
                                                                     BUILDER_OWN)}
    assert {"operations/layer_norm_rm/layer_norm_rm_program_descriptor.py", "operations/layer_norm_rm/op_checks.py",
            "operations/layer_norm_rm/layer_norm_rm.py", "operations/device.py"} <= found
    assert not any(f.startswith(("program/", "emulator/", "agents/", "ttnn_backend/")) for f in found)
    assert not any(f.startswith("operations/rms_norm_rm/") for f in found)


def test_a_module_the_op_imports_from_outside_is_recorded_and_its_edit_makes_the_phases_stale(built):
    shared = write(built.root / "fakeops" / "sizes.py", "PAGES = 2\n")
    descriptor = built.op_dir / "copy_op_program_descriptor.py"
    text = descriptor.read_text().replace("import math\n", "import math\n\nfrom fakeops.sizes import PAGES\n")
    descriptor.write_text(text.replace("stick_bytes, 2, list(CORE)", "stick_bytes, PAGES, list(CORE)"))
    result = cli("run", "--op", str(built.op_dir))
    assert result.exit_code == 0, result.output + result.stderr
    records = state.load(built)
    for phase in ("descriptor", "kernels", "tests"):
        assert "fakeops/sizes.py" in {a.path for a in records[phase].depends_on + records[phase].artifacts}, phase
    assert cli("audit", "--op", str(built.op_dir)).exit_code == 0
    shared.write_text("PAGES = 2  # same value, other bytes\n")
    status = {s["phase"]: s for s in json.loads(cli("status", "--op", str(built.op_dir), "--json").output)["phases"]}
    assert status["descriptor"]["status"] == "stale"
    assert any("fakeops/sizes.py changed since it was recorded" in r for r in status["descriptor"]["reasons"])
    audit = cli("audit", "--op", str(built.op_dir))
    assert audit.exit_code == 1 and "fakeops/sizes.py changed since it was recorded" in audit.output
