"""Gates that cannot be skipped: a skipped or missing test, no test at all, a TODO placeholder or an
emulator warning fails the gate; the descriptor phase needs no kernel source yet."""
from __future__ import annotations

import json
import shutil

import pytest

from agents.orchestration.builder import Builder, BuildFailed
from builder_helpers import cli


def advance(paths, phase, *extra):
    return cli("advance", "--phase", phase, "--op", str(paths.op_dir), *extra)


def edit_spec(paths, change):
    spec = json.loads(paths.spec.read_text())
    change(spec)
    paths.spec.write_text(json.dumps(spec, indent=2))


def test_kernels_gate_fails_when_every_numeric_test_is_skipped(built):
    test_file = built.op_dir / "test_copy_op.py"
    test_file.write_text(test_file.read_text().replace("    raw, out = run_copy([3, 64], dtype)\n",
                                                       "    pytest.skip('not today')\n"))
    result = advance(built, "kernels", "--force")
    assert result.exit_code == 1
    assert "numeric tests did not pass" in result.stderr
    assert "skipped: test_copy_is_exact[bfloat16], test_copy_is_exact[float32]" in result.stderr


def test_kernels_gate_fails_when_no_test_is_selected(built):
    edit_spec(built, lambda s: s["tests"].update(kernels_gate_pytest_args=["-k", "no_such_test"]))
    for phase in ("spec", "descriptor", "stubs"):
        assert advance(built, phase).exit_code == 0, phase
    result = advance(built, "kernels")
    assert result.exit_code == 1 and "no test was collected" in result.stderr


def test_tests_gate_fails_when_a_test_the_spec_names_is_missing(built):
    edit_spec(built, lambda s: s["tests"].update(required=["test_copy_is_exact", "test_rejects_bad_shapes"]))
    for phase in ("spec", "descriptor", "stubs", "kernels"):
        assert advance(built, phase).exit_code == 0, phase
    result = advance(built, "tests")
    assert result.exit_code == 1
    assert "the spec names test(s) that did not run: test_rejects_bad_shapes" in result.stderr
    assert "required tests: `test_copy_is_exact`, `test_rejects_bad_shapes`" in built.spec_doc.read_text()


def test_spec_gate_fails_on_a_todo_placeholder(op):
    edit_spec(op, lambda s: s["circular_buffers"][0].update(purpose="TODO: say what this CB holds"))
    result = advance(op, "spec")
    assert result.exit_code == 1
    assert "still holds 1 TODO placeholder(s)" in result.stderr
    assert "/circular_buffers/0/purpose: 'TODO: say what this CB holds'" in result.stderr


def test_descriptor_and_stubs_phases_need_no_kernel_source(op):
    shutil.rmtree(op.op_dir / "kernels")
    for phase in ("spec", "descriptor", "stubs"):
        result = advance(op, phase)
        assert result.exit_code == 0, phase + result.stderr
    result = advance(op, "kernels")
    assert result.exit_code == 1 and "real kernel source(s) missing: fakeops/copy_op/kernels/copy_op_reader.cpp" \
        in result.stderr


def test_kernels_gate_fails_on_an_emulator_warning(built):
    def warns(program):
        return {"compiled": 0, "cores": 1, "warnings": ["HiFi4 with fp32 dest accumulation on Wormhole"]}

    builder = Builder(built, progress=lambda m: None, runners={"program": warns})
    with pytest.raises(BuildFailed, match=r"case 'bf16_4x64': the emulator run carried warnings: HiFi4 with fp32"):
        builder.advance("kernels", force=True)


def test_a_run_result_without_warnings_passes(built):
    builder = Builder(built, progress=lambda m: None,
                      runners={"program": lambda program: {"compiled": 0, "cores": 1}})
    assert builder.advance("kernels", force=True).ran
