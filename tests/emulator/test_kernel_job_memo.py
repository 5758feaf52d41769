"""kernel_job remembers the jobs it made (a warm launch neither hashes a build key nor builds a command
again): every input of a job still reaches it. A changed source, compile-time arg, define, compute define,
kind, include folder, cache folder or compiler gives the job a fresh call would give, never a remembered one."""
from __future__ import annotations

import pytest

from emulator import build
from emulator.settings import COMPILER_ENV

SOURCE = '#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() {{ int v = {}; (void)v; }}\n'


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "k.cpp"
    path.write_text(SOURCE.format(1))
    return path


def _job(tmp_path, source, **change):
    args = {"cache_dir": tmp_path / "cache", "source": source, "kind": "reader", "name": "k",
            "compile_time_args": [1, 2], "defines": {"A": "1"}, "compute_defines": {}, "include_dirs": ()}
    args.update(change)
    return build.kernel_job(**args)


def _fresh(tmp_path, source, **change):
    """The job kernel_job makes with nothing remembered."""
    build._job.cache_clear()
    return _job(tmp_path, source, **change)


CHANGES = [{"compile_time_args": [1, 3]}, {"defines": {"A": "2"}}, {"defines": {"A": "1", "B": "1"}},
           {"compute_defines": {"MATH_FIDELITY": "3"}}, {"kind": "writer"}, {"kind": "compute"},
           {"include_dirs": ("/nonexistent/include",)}]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: ",".join(c))
def test_each_input_reaches_a_remembered_job(tmp_path, source, change):
    first = _job(tmp_path, source)
    assert _job(tmp_path, source) == first  # remembered: the same job
    changed = _job(tmp_path, source, **change)
    assert changed.path != first.path
    assert changed == _fresh(tmp_path, source, **change)


def test_another_cache_folder_or_name(tmp_path, source):
    first = _job(tmp_path, source)
    other = _job(tmp_path, source, cache_dir=tmp_path / "other")
    assert other.path.parent == tmp_path / "other" and other.path.name == first.path.name
    assert (tmp_path / "other").is_dir()  # made, as before, even when the job is remembered
    assert "'renamed'" in _job(tmp_path, source, name="renamed").what


def test_an_edited_source_is_seen(tmp_path, source):
    first = _job(tmp_path, source)
    source.write_text(SOURCE.format(2))
    edited = _job(tmp_path, source)
    assert edited.path != first.path and edited == _fresh(tmp_path, source)


def test_the_compiler_of_the_moment_is_used(tmp_path, source, monkeypatch):
    first = _job(tmp_path, source)
    monkeypatch.setenv(COMPILER_ENV, "/opt/other/g++")
    other = _job(tmp_path, source)
    assert other.command[0] == "/opt/other/g++" and first.command[0] != "/opt/other/g++"
    assert other == _fresh(tmp_path, source)
