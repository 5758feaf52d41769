"""One real, small run of `python -m benchmarks` (no timing asserted): the JSON holds the machine, the
numerics variant, the commit and every section's fields, and the printed tables show them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import provenance
from benchmarks.__main__ import main
from benchmarks.report import print_seed_matrix
from benchmarks.seed_matrix import seed_matrix
from benchmarks.silicon_estimate import SOURCE, STAGES, estimate_row


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[str, dict]:
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    result = CliRunner().invoke(main, ["--shapes", "1x1x64x128", "--dtypes", "bfloat16,float32", "--repeats", "1",
                                       "--skip-matrix", "--json-out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output, json.loads(Path(out).read_text())


def test_json_records_machine_numerics_and_commit(run) -> None:
    _, report = run
    m = report["machine"]
    assert m["cpu_model"] == provenance.machine()["cpu_model"] and m["logical_cores"] >= m["usable_cores"] >= 1
    assert len(m["load_average_at_start"]) == len(m["load_average_at_end"]) == 3
    assert report["numerics"] == provenance.numerics(None)
    assert report["commit"] == provenance.commit()
    assert report["repeats"] == 1 and "seed_matrix" not in report


def test_throughput_rows_carry_samples_and_an_accurate_output(run) -> None:
    _, report = run
    rows = report["throughput"]
    assert [(r["shape"], r["dtype"]) for r in rows] == [([1, 1, 64, 128], "bfloat16"), ([1, 1, 64, 128], "float32")]
    for r in rows:
        assert len(r["emulator_samples_s"]) == len(r["torch_warm_means_s"]) == 1
        assert r["ratio"] == pytest.approx(r["emulator_s"] / r["torch_warm_s"])
        assert len(r["emulator_cpu_samples_s"]) == 1 and r["emulator_cpu_s"] > 0
        # A sanity bound (the op's own tests hold the tight ones): outputs are below ~4 in magnitude, where a
        # bf16 ulp is 1/64, so 0.1 is a few ulps; float32 keeps ~1e-6.
        assert r["max_abs_err_vs_float64"] < (0.1 if r["dtype"] == "bfloat16" else 1e-3)


def test_estimate_uses_the_bytes_the_runtime_counted(run) -> None:
    _, report = run
    for traffic, est in zip(report["traffic"], report["silicon_estimate"]):
        assert est["dram_bytes"] == traffic["dram_read"] + traffic["dram_written"]
        assert est["dram_bytes_counted_by"] == "runtime" and est["source"] == SOURCE
        assert set(STAGES) <= set(est["stage_us"])
        assert est["device_us"] == pytest.approx(max(est["slowest_core_us"], est["dram_floor_us"]))


def test_tables_show_each_case_and_the_estimate_label(run) -> None:
    output, _ = run
    assert output.count("1x1x64x128") == 6  # three tables, two dtypes
    assert SOURCE in output and "wrote " in output


def test_estimate_row_counts_bytes_and_the_readers_own_stores(run) -> None:
    # [1,1,64,128] bf16 on 2 cores, one tile-row each (Wt = 4). DRAM: input + output and one gamma and one
    # beta stick (128 x 2 bytes) per core. The reader's own stores per core (layer_norm_rm_reader.cpp,
    # resident plan, W a multiple of 32 so no mask tile and no padding): the fp32 epsilon tile (1024 datums),
    # then per tile-row one shift tile and Wt gamma and Wt beta row-repeated tiles: 1024 * (1 + 1 + 2 * 4).
    _, report = run
    row = next(r for r in report["silicon_estimate"] if r["dtype"] == "bfloat16")
    assert row["dram_bytes"] == 2 * 64 * 128 * 2 + 2 * 2 * 128 * 2 and row["cores"] == 2
    assert row["riscv_datums_slowest_core"] == 1024 * (1 + 1 + 2 * 4)
    assert row["without_riscv"]["device_us"] <= row["device_us"]
    assert row["stage_us"]["reader"] > row["without_riscv"]["stage_us"]["reader"]


def test_seed_matrix_counts_cold_compiles_and_warm_hits(capsys) -> None:
    """The same case twice: the cold pass compiles its three kernels once and hits the cache for the second
    run, the warm pass compiles nothing; the table prints the counts."""
    cases = [([1, 1, 32, 32], "bfloat16", False, False), ([1, 1, 32, 32], "bfloat16", False, False)]
    m = seed_matrix(cases)
    assert m["cases"] == 2
    assert m["cold"]["compiled"] == 3 and m["cold"]["cache_hits"] == 3
    assert m["warm"]["compiled"] == 0 and m["warm"]["cache_hits"] == 6
    for figure in (m["runner_build"], m["cold"], m["warm"]):
        assert figure["seconds"] > 0 and figure["cpu_seconds"] >= 0 and figure["load_average"] >= 0
    assert m["cold_with_runner_build_s"] == pytest.approx(m["runner_build"]["seconds"] + m["cold"]["seconds"])
    print_seed_matrix(m)
    shown = capsys.readouterr().out
    assert "kernels compiled 3, cache hits 3" in shown and "kernels compiled 0, cache hits 6" in shown
