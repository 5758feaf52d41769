"""The versioned list of curated mutants (`mutants.toml`) and its validation.

Each mutant names its area, the file, an exact text to find (it must occur exactly once, so a mutant
never lands somewhere unintended as the code moves), its replacement, and the tests that should kill
it first. A mutant judged equivalent carries the reason instead of being run.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE = Path(__file__).with_name("mutants.toml")
FORMAT_VERSION = 1


class CatalogueError(ValueError):
    """The mutant list is malformed or no longer matches the code it mutates."""


@dataclass(frozen=True)
class Area:
    """A part of the code base, with the suite that must kill every mutant in it."""

    name: str
    suite: tuple[str, ...]
    python: str = ""  # an interpreter relative to the repository root; default: the current one
    parallel: bool = True  # whether its suite may run over pytest-xdist workers (the interpreter has xdist)


@dataclass(frozen=True)
class Mutant:
    id: str
    area: str
    file: str
    find: str
    replace: str
    tests: tuple[str, ...] = ()
    equivalent: str = ""
    why: str = ""


@dataclass
class Catalogue:
    areas: dict[str, Area]
    mutants: list[Mutant] = field(default_factory=list)
    mutmut_equivalent: dict[str, str] = field(default_factory=dict)  # mutmut mutant name -> why equivalent


def load(path: Path = CATALOGUE) -> Catalogue:
    """Read and validate the catalogue; every problem is reported with the mutant's id."""
    data = tomllib.loads(path.read_text())
    if data.get("version") != FORMAT_VERSION:
        raise CatalogueError(f"{path}: version must be {FORMAT_VERSION}, got {data.get('version')!r}")
    areas = {name: Area(name, tuple(a["suite"]), a.get("python", ""), a.get("parallel", True))
             for name, a in data.get("area", {}).items()}
    mutants = [_mutant(entry, areas, path) for entry in data.get("mutant", [])]
    ids = [m.id for m in mutants]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{path}: duplicate mutant ids {duplicates}")
    return Catalogue(areas, mutants, _mutmut_equivalent(data.get("mutmut_equivalent", []), path))


def _mutmut_equivalent(entries: list[dict], path: Path) -> dict[str, str]:
    out = {}
    for entry in entries:
        if not entry.get("id") or not entry.get("equivalent"):
            raise CatalogueError(f"{path}: a mutmut_equivalent entry needs an id and its reason: {entry}")
        out[entry["id"]] = entry["equivalent"]
    return out


def _mutant(entry: dict, areas: dict[str, Area], path: Path) -> Mutant:
    ident = entry.get("id", "<no id>")
    missing = [k for k in ("id", "area", "file", "find", "replace") if k not in entry]
    if missing:
        raise CatalogueError(f"{path}: mutant {ident!r} lacks {missing}")
    if entry["area"] not in areas:
        raise CatalogueError(f"{path}: mutant {ident!r} names area {entry['area']!r}; known: {sorted(areas)}")
    if entry["find"] == entry["replace"]:
        raise CatalogueError(f"{path}: mutant {ident!r} replaces its text with itself")
    return Mutant(id=entry["id"], area=entry["area"], file=entry["file"], find=entry["find"],
                  replace=entry["replace"], tests=tuple(entry.get("tests", ())),
                  equivalent=entry.get("equivalent", ""), why=entry.get("why", ""))


def check_anchors(catalogue: Catalogue, root: Path) -> list[str]:
    """Problems with mutants whose text no longer occurs exactly once in the code they name."""
    problems = []
    for m in catalogue.mutants:
        target = root / m.file
        if not target.is_file():
            problems.append(f"{m.id}: {m.file} does not exist")
            continue
        count = target.read_text().count(m.find)
        if count != 1:
            problems.append(f"{m.id}: the text to mutate occurs {count} times in {m.file} (expected exactly once)")
    return problems
