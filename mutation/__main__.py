"""`python -m mutation`: apply each curated mutant to a scratch copy and report which the tests kill.

    python -m mutation                    # every mutant
    python -m mutation --only numerics    # one area
    python -m mutation --sample 8         # a random sample (seeded)
    python -m mutation --check            # only verify that every mutant still finds its text
    python -m mutation --mutmut           # also run mutmut over the audit's Python (pyproject [tool.mutmut])
    python -m mutation --only audit-mutmut --mutmut-only 'agents.core.chain*'   # mutmut alone, some mutants
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

import click

from mutation import catalogue, mutmut_run, report
from mutation.judge import SelectionError, Verdict, check_baseline, judge
from mutation.scratch import applied, scratch_copy

ROOT = Path(__file__).resolve().parent.parent


@click.command()
@click.option("--only", "area", default=None, help="Run the mutants of this area only.")
@click.option("--sample", type=click.IntRange(min=1), default=None, help="Run a random sample of N mutants.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds per test selection.")
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=ROOT / "mutation" / "results" / "latest.json",
              show_default=True, help="Where to write the results.")
@click.option("--check", is_flag=True, help="Only check that every mutant's text occurs once; run nothing.")
@click.option("--mutmut", "use_mutmut", is_flag=True,
              help=f"Also run mutmut over the audit's Python (area {mutmut_run.AREA!r}); takes long.")
@click.option("--mutmut-only", "mutmut_names", multiple=True, metavar="GLOB",
              help="Run only the mutmut mutants matching this mutmut name glob (repeatable); implies --mutmut.")
@click.option("--mutmut-children", type=click.IntRange(min=1), default=1, show_default=True,
              help="mutmut's --max-children (parallel test processes).")
@click.option("--mutmut-timeout", type=float, default=7200.0, show_default=True,
              help="Seconds for the whole mutmut run.")
def main(area: str | None, sample: int | None, seed: int, timeout: float, json_path: Path, check: bool,
         use_mutmut: bool, mutmut_names: tuple[str, ...], mutmut_children: int, mutmut_timeout: float) -> None:
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
    with_mutmut = use_mutmut or bool(mutmut_names) or area == mutmut_run.AREA
    chosen = [] if area == mutmut_run.AREA else _choose(cat, area, sample, seed)
    mutmut = (mutmut_names, mutmut_children, mutmut_timeout) if with_mutmut else None
    verdicts = _run(cat, chosen, timeout, mutmut)
    click.echo(report.table(verdicts))
    report.write_json(verdicts, json_path, {"only": area, "sample": sample, "seed": seed, "mutmut": with_mutmut,
                                            "mutmut_only": list(mutmut_names)})
    click.echo(f"\nwrote {json_path}")
    sys.exit(0 if all(v.outcome != "survived" for v in verdicts) else 1)


def _choose(cat: catalogue.Catalogue, area: str | None, sample: int | None, seed: int) -> list[catalogue.Mutant]:
    if area is not None and area not in cat.areas:
        raise click.BadParameter(f"{area!r}; known areas: {sorted(cat.areas) + [mutmut_run.AREA]}",
                                 param_hint="--only")
    chosen = [m for m in cat.mutants if area in (None, m.area)]
    if sample is not None and sample < len(chosen):
        chosen = random.Random(seed).sample(chosen, sample)
    return chosen


def _run(cat: catalogue.Catalogue, chosen: list[catalogue.Mutant], timeout: float,
         mutmut: tuple[tuple[str, ...], int, float] | None) -> list[Verdict]:
    """The curated mutants one at a time in a scratch copy, then mutmut there when `mutmut` is given
    as (its name globs, its parallel children, its timeout)."""
    cache = Path(tempfile.mkdtemp(prefix="mutation-cache-"))
    verdicts = []
    try:
        with scratch_copy(ROOT) as copy:
            _baselines(cat, chosen, copy, timeout, cache)
            for m in chosen:
                if m.equivalent:
                    verdicts.append(Verdict(m.id, m.area, "equivalent", "", 0.0, m.equivalent))
                    continue
                with applied(m, copy):
                    verdict = judge(m, cat.areas[m.area], copy, ROOT, timeout, cache)
                click.echo(f"{verdict.outcome:9} {m.id} ({verdict.seconds:.1f} s)", err=True)
                verdicts.append(verdict)
            if mutmut is not None:
                names, children, seconds = mutmut
                click.echo("running mutmut (pyproject.toml [tool.mutmut]) ...", err=True)
                judged, note = mutmut_run.run(copy, names, seconds, children, cat.mutmut_equivalent)
                verdicts += judged
                if note:
                    click.echo(f"warning: {note}", err=True)
    except (SelectionError, mutmut_run.MutmutError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return verdicts


def _baselines(cat: catalogue.Catalogue, chosen: list[catalogue.Mutant], copy: Path, timeout: float,
               cache: Path) -> None:
    """Every selection the chosen mutants use passes unmutated (checked once each)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for m in chosen:
        if m.equivalent:
            continue
        area = cat.areas[m.area]
        for selection in ([m.tests] if m.tests else []) + [area.suite]:
            if (area.name, selection) not in seen:
                seen.add((area.name, selection))
                check_baseline(selection, copy, area, ROOT, timeout, cache)


if __name__ == "__main__":
    main()
