"""Every cost in the Wormhole table says where its number comes from, and every API call has costs."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulator.cost_model import API_CALLS
from emulator.cost_model import wormhole_costs as wc

# A citation names an issue / PR number, a documentation page or a repository file; otherwise the
# entry must say ESTIMATE and give a reason after it.
CITATION = re.compile(r"#\d+|docs\.tenstorrent\.com|tt-isa-documentation|tech_reports/")


@pytest.mark.parametrize("entry", wc.COSTS, ids=lambda c: f"{c.call}/{c.thread}")
def test_entry_is_cited_or_an_explained_estimate(entry: wc.CallCost) -> None:
    assert entry.source.strip() and entry.formula.strip()
    estimate = re.search(r"ESTIMATE:\s*\S.{20,}", entry.source)
    assert CITATION.search(entry.source) or estimate, entry.source


@pytest.mark.parametrize("entry", wc.COSTS, ids=lambda c: f"{c.call}/{c.thread}")
def test_entry_gives_a_finite_non_negative_cost_in_every_setting(entry: wc.CallCost) -> None:
    for fmt in ("bfloat16", "float32"):
        for fidelity in wc.FIDELITY_PHASES:
            for approx in (False, True):
                value = entry.cycles(wc.Ctx(fmt, fidelity, approx, True, 4))
                assert 0 <= value < 10_000


def test_every_api_call_family_is_in_the_table() -> None:
    for call, families in API_CALLS.items():
        for thread, family in zip(("unpack", "math", "pack"), families):
            if family is not None:
                wc.cost(family, thread)  # KeyError names the gap


def test_machine_constants_cite_the_n150_spec() -> None:
    assert (wc.AICLK_HZ, wc.DRAM_BYTES_PER_S) == (1.0e9, 288e9)
    assert "docs.tenstorrent.com" in wc.SPEC_SOURCE


def test_pack_untilize_follows_tt_llk_916() -> None:
    # bf16: PACR = 2 -> 16 * 3 + 17 / 4; fp32: PACR = 4 -> 16 * 5 + 17 / 4.
    assert wc.cycles("pack_untilize", "pack", wc.Ctx("bfloat16", block_tiles=4)) == pytest.approx(48 + 4.25)
    assert wc.cycles("pack_untilize", "pack", wc.Ctx("float32", block_tiles=4)) == pytest.approx(80 + 4.25)


def test_unknown_format_or_fidelity_is_named() -> None:
    with pytest.raises(ValueError, match="format='int8'"):
        wc.cycles("unpack_a", "unpack", wc.Ctx("int8"))
    with pytest.raises(ValueError, match="fidelity='HiFi9'"):
        wc.cycles("eltwise_mul", "math", wc.Ctx(fidelity="HiFi9"))
    with pytest.raises(KeyError, match="no cost for call family 'warp'"):
        wc.cost("warp", "math")


def test_readme_table_is_the_generated_one() -> None:
    readme = (Path(__file__).resolve().parents[2] / "emulator" / "README.md").read_text()
    assert wc.markdown_table() in readme
