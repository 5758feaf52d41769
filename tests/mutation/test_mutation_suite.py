"""The mutation suite's own machinery: catalogue validation, apply/restore, judging and kill rates.

Judging runs real pytest subprocesses over a tiny repository made here, with one mutant its tests
kill and one they cannot see, so a judge that calls everything killed (or survived) fails.
"""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest

from mutation import catalogue, mutmut_run, report
from mutation.catalogue import Area, CatalogueError, Mutant
from mutation.judge import SelectionError, Verdict, check_baseline, judge
from mutation.scratch import applied, scratch_copy


def test_the_shipped_catalogue_matches_the_code() -> None:
    cat = catalogue.load()
    root = Path(catalogue.__file__).resolve().parent.parent
    assert catalogue.check_anchors(cat, root) == []
    assert all(m.area in cat.areas for m in cat.mutants)


def write_catalogue(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mutants.toml"
    path.write_text(textwrap.dedent(body))
    return path


def test_catalogue_errors_name_the_mutant(tmp_path: Path) -> None:
    head = 'version = 1\n[area.a]\nsuite = ["t"]\n'
    with pytest.raises(CatalogueError, match="version must be 1"):
        catalogue.load(write_catalogue(tmp_path, 'version = 2\n'))
    with pytest.raises(CatalogueError, match=r"'m1' lacks \['replace'\]"):
        catalogue.load(write_catalogue(tmp_path, head + '[[mutant]]\nid="m1"\narea="a"\nfile="f"\nfind="x"\n'))
    with pytest.raises(CatalogueError, match="'m2' names area 'b'"):
        catalogue.load(write_catalogue(tmp_path, head + '[[mutant]]\nid="m2"\narea="b"\nfile="f"\nfind="x"\nreplace="y"\n'))
    with pytest.raises(CatalogueError, match="duplicate mutant ids"):
        catalogue.load(write_catalogue(tmp_path, head + 2 * '[[mutant]]\nid="m"\narea="a"\nfile="f"\nfind="x"\nreplace="y"\n'))


def test_anchors_must_occur_exactly_once(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("a = 1\na = 1\nb = 2\n")
    cat = catalogue.Catalogue({"a": Area("a", ("t",))}, [Mutant("twice", "a", "f.py", "a = 1", "a = 0"),
                                                       Mutant("once", "a", "f.py", "b = 2", "b = 0"),
                                                       Mutant("gone", "a", "g.py", "x", "y")])
    problems = catalogue.check_anchors(cat, tmp_path)
    assert problems == ["twice: the text to mutate occurs 2 times in f.py (expected exactly once)",
                        "gone: g.py does not exist"]


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    """A git work tree with a function, a test that checks its sign, and nothing about its magnitude."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "calc.py").write_text("def clamp(x):\n    if x < 0:\n        return 0\n    return x * 1\n")
    (root / "test_calc.py").write_text("from calc import clamp\n\ndef test_clamp():\n    assert clamp(-3) == 0\n"
                                       "    assert clamp(2) > 0\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_judging_tells_killed_from_survived_and_restores(tiny_repo: Path, tmp_path: Path) -> None:
    area = Area("calc", ("test_calc.py",))
    killed = Mutant("sign", "calc", "calc.py", "if x < 0:", "if x > 0:", tests=("test_calc.py",))
    survivor = Mutant("scale", "calc", "calc.py", "return x * 1", "return x * 2")
    with scratch_copy(tiny_repo) as copy:
        original = (copy / "calc.py").read_text()
        check_baseline(area.suite, copy, area, tiny_repo, 120, tmp_path)
        with applied(killed, copy):
            assert "if x > 0:" in (copy / "calc.py").read_text()
            v1 = judge(killed, area, copy, tiny_repo, 120, tmp_path)
        assert (copy / "calc.py").read_text() == original
        with applied(survivor, copy):
            v2 = judge(survivor, area, copy, tiny_repo, 120, tmp_path)
    assert (v1.outcome, v1.stage) == ("killed", "tests")
    assert (v2.outcome, v2.stage) == ("survived", "")
    assert (tiny_repo / "calc.py").read_text() == original  # the real tree is never touched


def test_a_selection_that_fails_unmutated_or_selects_nothing_is_refused(tiny_repo: Path, tmp_path: Path) -> None:
    (tiny_repo / "test_broken.py").write_text("def test_broken():\n    assert False\n")
    area = Area("calc", ("test_calc.py",))
    with scratch_copy(tiny_repo) as copy:
        with pytest.raises(SelectionError, match="does not pass unmutated"):
            check_baseline(("test_broken.py",), copy, area, tiny_repo, 120, tmp_path)
        nothing = Mutant("m", "calc", "calc.py", "return x * 1", "return x * 3", tests=("test_calc.py::nope",))
        with applied(nothing, copy), pytest.raises(SelectionError):
            judge(nothing, area, copy, tiny_repo, 120, tmp_path)


def test_kill_rates_count_timeouts_as_detected_and_leave_out_equivalents() -> None:
    verdicts = [Verdict("a", "x", "killed", "tests", 1), Verdict("b", "x", "timeout", "suite", 1),
                Verdict("c", "x", "survived", "", 1), Verdict("d", "x", "equivalent", "", 0),
                Verdict("e", "y", "killed", "suite", 1)]
    rates = report.kill_rates(verdicts)
    assert rates["x"] == {"judged": 3, "killed": 2, "survived": 1, "equivalent": 1, "kill_rate": 0.6667}
    assert rates["y"]["kill_rate"] == 1.0
    assert rates["all"] == {"judged": 4, "killed": 3, "survived": 1, "equivalent": 1, "kill_rate": 0.75}


def test_mutmut_equivalents_need_a_reason(tmp_path: Path) -> None:
    head = 'version = 1\n[area.a]\nsuite = ["t"]\n'
    with pytest.raises(CatalogueError, match="mutmut_equivalent entry needs an id and its reason"):
        catalogue.load(write_catalogue(tmp_path, head + '[[mutmut_equivalent]]\nid="m.x_f__mutmut_1"\n'))
    cat = catalogue.load(write_catalogue(tmp_path, head + '[[mutmut_equivalent]]\nid="m.x_f__mutmut_1"\n'
                                                          'equivalent="same bytes"\n'))
    assert cat.mutmut_equivalent == {"m.x_f__mutmut_1": "same bytes"}


MUTMUT_PROJECT = """[tool.mutmut]
source_paths = ["calc"]
pytest_add_cli_args_test_selection = ["tests"]
"""


def test_mutmut_verdicts_tell_killed_from_survived_and_apply_equivalents(tmp_path: Path) -> None:
    """A real mutmut run over a two-line function whose test checks only the sign: the comparison's
    mutants die, the scale's survive; one survivor named equivalent in the catalogue is left out."""
    pytest.importorskip("mutmut")
    root = tmp_path / "repo"
    (root / "calc").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(MUTMUT_PROJECT)
    (root / "calc" / "__init__.py").write_text("")
    (root / "calc" / "core.py").write_text("def clamp(x):\n    if x < 0:\n        return 0\n    return x * 1\n")
    (root / "tests" / "test_calc.py").write_text("from calc.core import clamp\n\n\ndef test_clamp():\n"
                                                 "    assert clamp(-3) == 0\n    assert clamp(2) > 0\n")
    verdicts, note = mutmut_run.run(root, (), 600, 1, {})
    outcomes = {v.id: v.outcome for v in verdicts}
    assert note == "" and all(v.area == mutmut_run.AREA for v in verdicts)
    assert "killed" in outcomes.values() and "survived" in outcomes.values()
    survivor = next(name for name, outcome in outcomes.items() if outcome == "survived")
    again, _ = mutmut_run.run(root, (survivor,), 600, 1, {survivor: "why"})
    assert [(v.id, v.outcome, v.detail) for v in again] == [(survivor, "equivalent", "why")]


def test_an_unknown_mutant_id_is_refused_by_name() -> None:
    from click.testing import CliRunner

    from mutation.__main__ import main
    result = CliRunner().invoke(main, ["--id", "no-such-mutant"])
    assert result.exit_code == 2
    assert "no mutant with id ['no-such-mutant']" in result.output


def test_mutmut_test_selection_is_rewritten_in_the_copy_only(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.mutmut]\nsource_paths = ["a"]\npytest_add_cli_args_test_selection = ["tests/x"]\n')
    mutmut_run.select_tests(pyproject, ("tests/a.py", "tests/b.py"))
    assert pyproject.read_text() == ('[tool.mutmut]\nsource_paths = ["a"]\n'
                                     'pytest_add_cli_args_test_selection = ["tests/a.py", "tests/b.py"]\n')
    pyproject.write_text('[tool.mutmut]\nsource_paths = ["a"]\n')
    with pytest.raises(mutmut_run.MutmutError, match="expected one pytest_add_cli_args_test_selection line"):
        mutmut_run.select_tests(pyproject, ("tests/a.py",))


def test_a_partial_report_says_it_is_incomplete(tmp_path: Path) -> None:
    import json
    path = tmp_path / "r.json"
    report.write_json([Verdict("a", "x", "killed", "tests", 1)], path, {"only": None}, 12.0, complete=False)
    data = json.loads(path.read_text())
    assert data["complete"] is False and data["wall_seconds"] == 12.0 and data["rates"]["x"]["killed"] == 1
    assert len(data["machine"]["load_average"]) == 3


def test_the_suite_hook_runs_only_for_mutants_that_survive_their_own_tests(tiny_repo: Path, tmp_path: Path) -> None:
    area = Area("calc", ("test_calc.py",))
    killed = Mutant("sign", "calc", "calc.py", "if x < 0:", "if x > 0:", tests=("test_calc.py",))
    survivor = Mutant("scale", "calc", "calc.py", "return x * 1", "return x * 2", tests=("test_calc.py",))
    calls: list[str] = []
    with scratch_copy(tiny_repo) as copy:
        for m in (killed, survivor):
            with applied(m, copy) as reverted:
                def hook() -> None:
                    with reverted():
                        calls.append((copy / "calc.py").read_text())
                judge(m, area, copy, tiny_repo, 120, tmp_path, before_suite=hook)
            assert "return x * 1" in (copy / "calc.py").read_text()
    assert calls == [(tiny_repo / "calc.py").read_text()]  # once, for the survivor, with the original text back


def test_runs_side_by_side_combine_into_one_table(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mutation.__main__ import main
    a, b, out = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "all.json"
    report.write_json([Verdict("m1", "x", "killed", "tests", 3)], a, {}, 40.0)
    report.write_json([Verdict("m2", "x", "survived", "", 5), Verdict("m3", "y", "equivalent", "", 0, "why")], b,
                      {}, 70.0)
    result = CliRunner().invoke(main, ["--combine", str(a), "--combine", str(b), "--json", str(out)])
    assert result.exit_code == 1  # a survivor
    import json
    data = json.loads(out.read_text())
    assert data["rates"]["x"] == {"judged": 2, "killed": 1, "survived": 1, "equivalent": 0, "kill_rate": 0.5}
    assert data["wall_seconds"] == 70.0 and [m["id"] for m in data["mutants"]] == ["m1", "m2", "m3"]


def test_shards_split_the_chosen_mutants_and_bad_shards_are_refused() -> None:
    from click.testing import CliRunner

    from mutation.__main__ import _shard, main
    ms = [Mutant(str(i), "a", "f", "x", "y") for i in range(5)]
    assert [m.id for m in _shard(ms, "1/2")] == ["0", "2", "4"] and [m.id for m in _shard(ms, "2/2")] == ["1", "3"]
    assert _shard(ms, None) == ms
    result = CliRunner().invoke(main, ["--shard", "3/2"])
    assert result.exit_code == 2 and "expected K/N with 1 <= K <= N" in result.output
