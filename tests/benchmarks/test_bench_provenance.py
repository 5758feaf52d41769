"""The JSON's provenance: machine, numerics variant in force, commit."""
from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

from benchmarks import provenance

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
"""


def test_cpu_model_is_the_first_model_name() -> None:
    assert provenance.cpu_model(CPUINFO) == "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"


def test_cpu_model_without_a_model_name_is_unknown() -> None:
    assert provenance.cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\nmodel name\t:\n") == "unknown"


def test_machine_records_cpu_cores_load_and_software() -> None:
    m = provenance.machine()
    assert m["cpu_model"] and m["logical_cores"] >= m["usable_cores"] >= 1
    assert len(m["load_average_at_start"]) == 3 and m["torch_threads"] >= 1
    assert {"python", "torch", "platform"} <= set(m)


def test_commit_is_head_of_this_checkout() -> None:
    head = subprocess.run(["git", "-C", str(provenance.REPO_ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    c = provenance.commit()
    assert c["sha"] == head and c["dirty"] in (True, False)


def test_commit_dirty_follows_tracked_changes(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)
    git("init", "-q")
    (tmp_path / "f").write_text("1")
    git("add", "f")
    git("commit", "-qm", "one")
    assert provenance.commit(tmp_path)["dirty"] is False
    (tmp_path / "untracked").write_text("x")
    assert provenance.commit(tmp_path)["dirty"] is False
    (tmp_path / "f").write_text("2")
    assert provenance.commit(tmp_path)["dirty"] is True


def test_commit_outside_git_is_unknown(tmp_path: Path) -> None:
    assert provenance.commit(tmp_path) == {"sha": "unknown", "dirty": None}


def test_numerics_prefers_the_devices_pin(monkeypatch) -> None:
    monkeypatch.setattr(provenance.emulator_settings, "numerics_variant", lambda: "pessimistic", raising=False)
    assert provenance.numerics(SimpleNamespace(numerics="ttsim")) == "ttsim"
    assert provenance.numerics(SimpleNamespace(numerics=None)) == "pessimistic"


def test_numerics_without_variants_is_exact(monkeypatch) -> None:
    monkeypatch.delattr(provenance.emulator_settings, "numerics_variant", raising=False)
    assert provenance.numerics(SimpleNamespace()) == "exact (no variants)"
