"""The runner contract: the plan Python hands the runner and the report it hands back, each a
versioned JSON document with its schema (`schemas/plan.schema.json`, `schemas/report.schema.json`).
The runner checks every plan key itself (`runtime/plan.cpp`) and writes reports of the version below
(`runtime/report.cpp`); Python checks both documents against their schemas when
settings.validate_contract() says so (tests and debugging), and otherwise a report's version and
envelope only."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from emulator.errors import EmulatorError

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PLAN_FORMAT, PLAN_VERSION = "emulator-plan", 2
REPORT_FORMAT, REPORT_VERSION = "emulator-report", 1


class ContractError(EmulatorError):
    """A plan or a report that breaks the runner contract (a bug of the emulator, not of a kernel)."""


def _inline_local_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with each bare `{"$ref": "#/$defs/NAME"}` replaced by that definition: the same
    constraints, but jsonschema no longer resolves a reference per array item (it dominated a launch's
    Python time). A recursive definition keeps its reference."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref[len("#/$defs/"):]
            if name in defs and name not in seen:
                return _inline_local_refs(defs[name], defs, (*seen, name))
        return {k: _inline_local_refs(v, defs, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_local_refs(v, defs, seen) for v in node]
    return node


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(_inline_local_refs(schema, schema.get("$defs", {})))


def _problems(name: str, document: Any) -> list[str]:
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]


def check_plan(plan: dict[str, Any]) -> None:
    """Raises ContractError listing every way `plan` breaks the plan schema."""
    problems = _problems("plan", plan)
    if problems:
        raise ContractError("emulator plan breaks plan.schema.json:\n  " + "\n  ".join(problems[:20]),
                            {"problems": problems})


def plan_document(**sections: Any) -> dict[str, Any]:
    """A plan of the current version from its sections (report, trace, watchdog, device, ...)."""
    return {"format": PLAN_FORMAT, "version": PLAN_VERSION, **sections}


def decode_report(text: str, validate: bool = True) -> dict[str, Any]:
    """The runner's report, parsed, its version checked, and then either checked against the report
    schema (`validate`) or only against the envelope run.py reads (format, status, and the `stats` and
    `watchdog` objects and `warnings` list of an ok report): the full check is for tests and debugging
    (settings.validate_contract), the envelope is cheap enough for every run."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise ContractError(f"the runner's report is not JSON ({e}): {text[:300]!r}") from e
    if isinstance(report, dict) and report.get("version") != REPORT_VERSION:
        raise ContractError(f"the runner's report has version {report.get('version')!r}; this emulator reads "
                            f"version {REPORT_VERSION}", {"report": report})
    problems = _problems("report", report) if validate else _envelope_problems(report)
    if problems:
        raise ContractError("the runner's report breaks report.schema.json:\n  " + "\n  ".join(problems[:20]),
                            {"report": report, "problems": problems})
    return report


def _envelope_problems(report: dict[str, Any]) -> list[str]:
    """What a report must have before run.py reads it; the schema says the rest."""
    if report.get("format") != REPORT_FORMAT:
        return [f"format: expected {REPORT_FORMAT!r}, got {report.get('format')!r}"]
    if report.get("status") not in ("ok", "fault"):
        return [f"status: expected 'ok' or 'fault', got {report.get('status')!r}"]
    if report["status"] == "ok":
        problems = [f"{key}: expected an object, got {type(report.get(key)).__name__}"
                    for key in ("stats", "watchdog") if not isinstance(report.get(key), dict)]
        if not isinstance(report.get("warnings"), list):
            problems.append(f"warnings: expected a list, got {type(report.get('warnings')).__name__}")
        return problems
    return []
