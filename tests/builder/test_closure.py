"""The dependency closure: a phase goes stale, and the audit fails naming the file, when anything its
outputs depend on moves — a header included (transitively) from outside the op folder, a new file in
the op folder, the emulator's kernel API — and `status` and `audit` agree."""
from __future__ import annotations

import json

from agents.core.fingerprints import Artifact, describe_change
from agents.core.paths import EMULATOR_API
from agents.orchestration import audit, state
from builder_helpers import cli

SHARED = "#pragma once\n#include \"stick_bytes.h\"\ninline uint32_t stick_pages() { return 1; }\n"


def advance(paths, phase, *extra):
    return cli("advance", "--phase", phase, "--op", str(paths.op_dir), *extra)


def statuses(paths):
    return {s["phase"]: s for s in json.loads(cli("status", "--op", str(paths.op_dir), "--json").output)["phases"]}


def with_shared_header(built):
    """The reader includes ../../../shared/stick_io.h (outside the op), which includes stick_bytes.h."""
    shared = built.root / "shared"
    shared.mkdir()
    (shared / "stick_io.h").write_text(SHARED)
    (shared / "stick_bytes.h").write_text("#pragma once\n#include <stdint.h>\n")
    reader = built.op_dir / "kernels" / "copy_op_reader.cpp"
    reader.write_text(reader.read_text().replace('#include "api/dataflow/dataflow_api.h"',
                                                 '#include "api/dataflow/dataflow_api.h"\n'
                                                 '#include "../../../shared/stick_io.h"'))
    for phase in ("kernels", "tests"):
        result = advance(built, phase)
        assert result.exit_code == 0, result.output + result.stderr
    return shared


def test_kernels_phase_records_transitive_includes_and_the_compiler(built):
    with_shared_header(built)
    record = state.load(built)["kernels"]
    paths = {a.path for a in record.artifacts}
    assert {"shared/stick_io.h", "shared/stick_bytes.h"} <= paths
    assert "@builder/emulator/include/api/dataflow/dataflow_api.h" in paths
    assert any(a.kind == "compiler" and a.path.startswith("compiler:") for a in record.artifacts)
    assert not any(a.path.startswith("/usr/") for a in record.artifacts)  # system headers: by compiler version
    trees = {a.path: a for a in record.artifacts if a.kind == "tree"}
    assert {"fakeops/copy_op", "@builder/emulator/include", "@builder/program"} <= set(trees)
    assert "kernels/copy_op_reader.cpp" in dict(trees["fakeops/copy_op"].files)


def test_editing_a_transitively_included_header_makes_kernels_stale_and_fails_the_audit(built):
    shared = with_shared_header(built)
    assert cli("audit", "--op", str(built.op_dir)).exit_code == 0
    (shared / "stick_bytes.h").write_text("#pragma once\n#include <stdint.h>\n// edited\n")
    status = statuses(built)
    assert status["kernels"]["status"] == "stale" and status["tests"]["status"] == "stale"
    assert any("shared/stick_bytes.h changed since it was recorded" in r for r in status["kernels"]["reasons"])
    result = cli("audit", "--op", str(built.op_dir))
    assert result.exit_code == 1
    assert "[artifact_changed] shared/stick_bytes.h changed since it was recorded" in result.output


def test_a_new_file_in_the_op_folder_makes_kernels_and_tests_stale(built):
    (built.op_dir / "helpers.py").write_text("SCALE = 2\n")
    status = statuses(built)
    for phase in ("kernels", "tests"):
        assert status[phase]["status"] == "stale"
        assert any("new file(s) fakeops/copy_op/helpers.py" in r for r in status[phase]["reasons"]), phase
    assert status["descriptor"]["status"] == "done" and status["stubs"]["status"] == "done"
    result = cli("audit", "--op", str(built.op_dir))
    assert result.exit_code == 1 and "new file(s) fakeops/copy_op/helpers.py" in result.output


def test_an_emulator_api_change_is_detected_by_version_hash(built):
    record = state.load(built)["stubs"]
    [api] = [a for a in record.artifacts if a.path == "@builder/emulator/include"]
    assert describe_change(built, api) is None
    header = "api/dataflow/dataflow_api.h"
    assert (EMULATOR_API / header).is_file() and header in dict(api.files)
    # As if the header had had other content when the phase ran: the version hash and the file differ.
    recorded = tuple((f, "0" * 64 if f == header else sha) for f, sha in api.files)
    change = describe_change(built, Artifact(api.path, "0" * 64, api.role, api.kind, recorded, api.exclude))
    assert change is not None and f"changed @builder/emulator/include/{header}" in change.text


def test_the_compiler_version_is_checked(built):
    record = state.load(built)["kernels"]
    [cxx] = [a for a in record.artifacts if a.kind == "compiler"]
    assert describe_change(built, cxx) is None
    older = Artifact(cxx.path, "0" * 64, cxx.role, cxx.kind)
    assert "changed version" in describe_change(built, older).text
