"""`python -m benchmarks` rejects bad options before opening a device, naming the option and the value."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from benchmarks import options, provenance
from benchmarks.__main__ import main
from benchmarks.options import DtypeList, ShapeList


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("value, says", [
    ("axb", "'axb' in 'axb': expected positive integers joined by 'x'"),
    ("1x0x32x32", "'1x0x32x32'"),
    ("", "'' in '': expected positive integers"),
    ("1x1x32x32,", "'' in '1x1x32x32,'"),
    ("32", "'32' in '32': expected at least 2 dimensions"),
    ("1x1x32x32,1x1x32x32", "listed twice"),
    ("1x1x-32x32", "expected positive integers"),
    ("1x1x32.0x32", "expected positive integers"),
])
def test_bad_shapes_are_click_errors_naming_the_option(value: str, says: str) -> None:
    result = run("--shapes", value)
    assert result.exit_code == 2, result.output
    assert "--shapes" in result.output and says in result.output


def test_a_shape_the_op_rejects_is_named_with_the_ops_reason(monkeypatch) -> None:
    # Which shapes the op takes is the op's business (it changes); the benchmark must pass its reason on.
    def build_program(shape, dtype, *_args, **_kwargs):
        if shape == [1, 1, 96, 64] and dtype == "float32":
            raise ValueError("shape=[1, 1, 96, 64]: the op's own reason")
    monkeypatch.setattr(options, "build_program", build_program)
    result = run("--shapes", "1x1x32x32,1x1x96x64", "--dtypes", "bfloat16,float32")
    assert result.exit_code == 2
    assert "'--shapes': 1x1x96x64 (float32): layer_norm_rm does not take it: shape=[1, 1, 96, 64]: the op's own " \
           "reason" in result.output


@pytest.mark.parametrize("value, says", [
    ("float16", "'float16' in 'float16': expected a comma-separated list of bfloat16, float32"),
    ("bfloat16,", "'' in 'bfloat16,'"),
    ("bfloat16,bfloat16", "listed twice"),
])
def test_bad_dtypes_are_click_errors_naming_the_option(value: str, says: str) -> None:
    result = run("--dtypes", value)
    assert result.exit_code == 2
    assert "--dtypes" in result.output and says in result.output


@pytest.mark.parametrize("value", ["0", "-2", "three"])
def test_repeats_must_be_a_positive_integer(value: str) -> None:
    result = run("--repeats", value)
    assert result.exit_code == 2
    assert "--repeats" in result.output and value in result.output


def test_json_out_must_not_be_a_folder(tmp_path) -> None:
    result = run("--json-out", str(tmp_path))
    assert result.exit_code == 2 and "--json-out" in result.output


def test_a_bad_numerics_variant_is_a_usage_error(monkeypatch) -> None:
    # emulator.settings raises ValueError naming EMULATOR_NUMERICS and its value; the command passes it on.
    def numerics_variant() -> str:
        raise ValueError("EMULATOR_NUMERICS='optimistic': expected one of pessimistic, isa, ttsim, exact")
    monkeypatch.setattr(provenance.emulator_settings, "numerics_variant", numerics_variant, raising=False)
    result = run("--shapes", "1x1x32x32", "--dtypes", "bfloat16", "--skip-matrix")
    assert result.exit_code == 2 and "EMULATOR_NUMERICS='optimistic'" in result.output


def test_lists_parse_to_shapes_and_dtype_names() -> None:
    assert ShapeList().convert("1x1x4096x1024, 8x1x512x4096", None, None) == [[1, 1, 4096, 1024], [8, 1, 512, 4096]]
    assert DtypeList().convert("float32,bfloat16", None, None) == ["float32", "bfloat16"]


def test_help_lists_every_option() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for option in ("--shapes", "--dtypes", "--repeats", "--skip-matrix", "--json-out"):
        assert option in result.output
