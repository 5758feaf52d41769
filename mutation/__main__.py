"""`python -m mutation`: apply each curated mutant to a scratch copy and report which the tests kill.

    python -m mutation                    # every mutant
    python -m mutation --only numerics    # one area
    python -m mutation --sample 8         # a random sample (seeded)
    python -m mutation --id noc-dram-overrun-accepted   # named mutants only (repeatable)
    python -m mutation --check            # only verify that every mutant still finds its text
    python -m mutation --only numerics --shard 1/2 --json a.json   # half of an area (run shards side by side)
    python -m mutation --combine a.json b.json --json all.json     # one table from several runs' JSON
    python -m mutation --mutmut           # also run mutmut over the audit's Python (pyproject [tool.mutmut])
    python -m mutation --only audit-mutmut --mutmut-only 'agents.core.chain*'   # mutmut alone, some mutants
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import click

from mutation import catalogue, mutmut_run, report
from mutation.judge import SelectionError, Verdict, check_baseline, judge
from mutation.scratch import applied, scratch_copy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = Path.home() / ".cache" / "ttnn-opbuilder" / "mutation"


@click.command()
@click.option("--only", "area", default=None, help="Run the mutants of this area only.")
@click.option("--id", "ids", multiple=True, metavar="ID", help="Run only the mutant with this id (repeatable).")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Run a random sample of N mutants.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option("--shard", default=None, metavar="K/N", help="Run the K-th of N interleaved parts of the chosen mutants.")
@click.option("--combine", "combine", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run nothing: print one table from these runs' JSON files (repeatable) and write it to --json.")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds per test selection.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="pytest-xdist workers for an area's suite (the mutant's own tests run in one process).")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=DEFAULT_CACHE, show_default=True,
              help="Kernel/runner build cache of the runs (content-keyed, so a mutant's builds are reused "
                   "by the next run of the same mutant); --fresh-cache uses a temporary one instead.")
@click.option("--fresh-cache", is_flag=True, help="Build everything anew in a temporary cache.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=ROOT / "mutation" / "results" / "latest.json",
              show_default=True, help="Where to write the results.")
@click.option("--check", is_flag=True, help="Only check that every mutant's text occurs once; run nothing.")
@click.option("--mutmut", "use_mutmut", is_flag=True,
              help=f"Also run mutmut over the audit's Python (area {mutmut_run.AREA!r}); takes long.")
@click.option("--mutmut-only", "mutmut_names", multiple=True, metavar="GLOB",
              help="Run only the mutmut mutants matching this mutmut name glob (repeatable); implies --mutmut.")
@click.option("--mutmut-tests", "mutmut_tests", multiple=True, metavar="PATH",
              help="Judge the mutmut mutants by these tests only (repeatable; default: pyproject's selection, "
                   "tests/builder, whose whole-build fixtures cost minutes per surviving mutant).")
@click.option("--mutmut-children", type=click.IntRange(min=1), default=1, show_default=True,
              help="mutmut's --max-children (parallel test processes).")
@click.option("--mutmut-timeout", type=float, default=7200.0, show_default=True,
              help="Seconds for the whole mutmut run.")
def main(area: str | None, ids: tuple[str, ...], sample: int | None, seed: int, shard: str | None,
         combine: tuple[Path, ...], timeout: float, workers: int,
         cache_dir: Path, fresh_cache: bool, json_path: Path, check: bool, use_mutmut: bool,
         mutmut_names: tuple[str, ...], mutmut_tests: tuple[str, ...], mutmut_children: int,
         mutmut_timeout: float) -> None:
    """Exit codes: 0 every judged mutant killed; 1 some survived; 2 bad options or a broken catalogue.

    --only audit-mutmut runs mutmut alone; --sample applies to the curated mutants (narrow mutmut
    with --mutmut-only)."""
    try:
        cat = catalogue.load()
        problems = catalogue.check_anchors(cat, ROOT)
        if problems:
            raise catalogue.CatalogueError("mutants that no longer match the code:\n  " + "\n  ".join(problems))
    except catalogue.CatalogueError as err:
        raise click.ClickException(str(err)) from None
    if check:
        click.echo(f"{len(cat.mutants)} mutants in {len(cat.areas)} areas; every text found exactly once")
        return
    if combine:
        verdicts, wall = report.read_json(combine)
        click.echo(report.table(verdicts))
        report.write_json(verdicts, json_path, {"combined": [str(p) for p in combine]}, wall)
        click.echo(f"\nwrote {json_path}")
        sys.exit(0 if all(v.outcome != "survived" for v in verdicts) else 1)
    with_mutmut = use_mutmut or bool(mutmut_names) or area == mutmut_run.AREA
    chosen = [] if area == mutmut_run.AREA else _shard(_choose(cat, area, ids, sample, seed), shard)
    mutmut = (mutmut_names, mutmut_tests, mutmut_children, mutmut_timeout) if with_mutmut else None
    options = {"only": area, "id": list(ids), "sample": sample, "seed": seed, "shard": shard, "workers": workers,
               "mutmut": with_mutmut, "mutmut_only": list(mutmut_names), "mutmut_tests": list(mutmut_tests)}
    start = time.monotonic()

    def save(verdicts: list[Verdict], complete: bool = False) -> None:
        report.write_json(verdicts, json_path, options, time.monotonic() - start, complete)

    verdicts = _run(cat, chosen, timeout, workers, None if fresh_cache else cache_dir, mutmut, save)
    save(verdicts, complete=True)
    click.echo(report.table(verdicts))
    click.echo(f"\nwall time {time.monotonic() - start:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
    click.echo(f"\nwrote {json_path}")
    sys.exit(0 if all(v.outcome != "survived" for v in verdicts) else 1)


def _choose(cat: catalogue.Catalogue, area: str | None, ids: tuple[str, ...], sample: int | None,
            seed: int) -> list[catalogue.Mutant]:
    if area is not None and area not in cat.areas:
        raise click.BadParameter(f"{area!r}; known areas: {sorted(cat.areas) + [mutmut_run.AREA]}",
                                 param_hint="--only")
    unknown = sorted(set(ids) - {m.id for m in cat.mutants})
    if unknown:
        raise click.BadParameter(f"no mutant with id {unknown}; `python -m mutation --check` counts them",
                                 param_hint="--id")
    chosen = [m for m in cat.mutants if area in (None, m.area) and (not ids or m.id in ids)]
    if sample is not None and sample < len(chosen):
        chosen = random.Random(seed).sample(chosen, sample)
    return chosen


def _shard(chosen: list[catalogue.Mutant], shard: str | None) -> list[catalogue.Mutant]:
    if shard is None:
        return chosen
    try:
        k, n = (int(x) for x in shard.split("/"))
    except ValueError:
        k = n = 0
    if not 1 <= k <= n:
        raise click.BadParameter(f"{shard!r}: expected K/N with 1 <= K <= N, e.g. 1/2", param_hint="--shard")
    return chosen[k - 1::n]


def _run(cat: catalogue.Catalogue, chosen: list[catalogue.Mutant], timeout: float, workers: int,
         cache_dir: Path | None, mutmut: tuple[tuple[str, ...], tuple[str, ...], int, float] | None,
         save: Callable[[list[Verdict]], None] = lambda verdicts: None) -> list[Verdict]:
    """The curated mutants one at a time in a scratch copy, then mutmut there when `mutmut` is given
    as (its name globs, its test selection, its parallel children, its timeout). `cache_dir` None: a
    temporary build cache. `save` gets the verdicts so far after each mutant (a long run's JSON shows its
    progress)."""
    cache = cache_dir or Path(tempfile.mkdtemp(prefix="mutation-cache-"))
    cache.mkdir(parents=True, exist_ok=True)
    verdicts = []
    try:
        with scratch_copy(ROOT) as copy:
            checked = _baselines(cat, chosen, copy, timeout, workers, cache)
            for m in chosen:
                if m.equivalent:
                    verdicts.append(Verdict(m.id, m.area, "equivalent", "", 0.0, m.equivalent))
                    continue
                area = cat.areas[m.area]
                with applied(m, copy) as reverted:
                    def suite_baseline() -> None:
                        if (area.python, area.suite) not in checked:
                            with reverted():
                                check_baseline(area.suite, copy, area, ROOT, timeout, cache, workers=workers)
                            checked.add((area.python, area.suite))
                    verdict = judge(m, area, copy, ROOT, timeout, cache, workers=workers, before_suite=suite_baseline)
                click.echo(f"{verdict.outcome:9} {m.id} ({verdict.seconds:.1f} s)", err=True)
                verdicts.append(verdict)
                save(verdicts)
            if mutmut is not None:
                names, tests, children, seconds = mutmut
                click.echo("running mutmut (pyproject.toml [tool.mutmut]) ...", err=True)
                judged, note = mutmut_run.run(copy, names, seconds, children, cat.mutmut_equivalent, tests)
                verdicts += judged
                if note:
                    click.echo(f"warning: {note}", err=True)
    except (SelectionError, mutmut_run.MutmutError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        if cache_dir is None:
            shutil.rmtree(cache, ignore_errors=True)
    return verdicts


def _baselines(cat: catalogue.Catalogue, chosen: list[catalogue.Mutant], copy: Path, timeout: float,
               workers: int, cache: Path) -> set[tuple[str, tuple[str, ...]]]:
    """The mutants' own test selections pass unmutated (checked once per interpreter and selection, over
    `workers` processes: a baseline runs every test, a mutant's run mostly stops at its first failure); an
    area's suite is checked later, unmutated, when a mutant first survives its own tests. Returns what
    was checked."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for m in chosen:
        area = cat.areas[m.area]
        if m.equivalent or not m.tests or (area.python, m.tests) in seen:
            continue
        seen.add((area.python, m.tests))
        check_baseline(m.tests, copy, area, ROOT, timeout, cache, workers=workers)
    return seen


if __name__ == "__main__":
    main()
