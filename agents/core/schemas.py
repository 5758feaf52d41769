"""JSON Schema validation whose every error names the file, the JSON pointer and the rule broken.

A person fixing a spec needs to find the spot (file + pointer) and know what was wanted (rule +
message); jsonschema's default "best match" hides all but one error, so every error is listed.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from agents.core.paths import PACKAGE_ROOT
from program import codec as program_codec

SCHEMA_DIR = PACKAGE_ROOT / "schemas"
# The Program's schema ships with the program package; the builder's own schemas live in schemas/.
MAX_JSON_BYTES = 16 * 1024 * 1024  # the largest artifact we read (Program dumps of many cores stay far below)
MAX_SPEC_BYTES = 1024 * 1024  # a spec is a page or two of JSON; a larger one is a mistake
MAX_DEPTH = 64
SCHEMA_FILES = {
    "op_spec": SCHEMA_DIR / "op_spec.schema.json",
    "program": PACKAGE_ROOT / "program" / program_codec.SCHEMA_FILE,
    "breadcrumb": SCHEMA_DIR / "breadcrumb.schema.json",
    "builder_state": SCHEMA_DIR / "builder_state.schema.json",
}


@dataclass(frozen=True)
class Issue:
    """One validation error: where (file, JSON pointer) and why (rule, message)."""

    file: str
    pointer: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.pointer or '/'}: {self.message} (rule: {self.rule})"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def schema_path(name: str) -> Path:
    if name not in SCHEMA_FILES:
        raise ValueError(f"schema {name!r}: expected one of {', '.join(SCHEMA_FILES)}")
    return SCHEMA_FILES[name]


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_path(name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def pointer(parts: Any) -> str:
    """RFC 6901 JSON pointer of a jsonschema error path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validate(data: Any, name: str, file: str) -> list[Issue]:
    """Every schema error of `data`, sorted by location."""
    errors = sorted(validator(name).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [Issue(file, pointer(e.absolute_path), str(e.validator), e.message) for e in errors]


def load_json(path: Path, file: str, max_bytes: int = MAX_JSON_BYTES) -> tuple[Any, list[Issue]]:
    """(data, []) or (None, [why the file is not a JSON document we accept, as an Issue]): missing,
    not a regular file, larger than `max_bytes`, not UTF-8 text, not JSON, or nested deeper than
    MAX_DEPTH. Never raises for a bad file, whatever its bytes."""
    raw, issue = _read_bytes(path, file, max_bytes)
    if issue:
        return None, [issue]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Issue(file, "", "utf-8", f"not UTF-8 text (byte {e.start}): a binary file?")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return None, [Issue(file, "", "json", f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}")]
    except RecursionError:
        return None, [Issue(file, "", "depth", f"nested deeper than {MAX_DEPTH} levels")]
    if _depth(data) > MAX_DEPTH:
        return None, [Issue(file, "", "depth", f"nested deeper than {MAX_DEPTH} levels")]
    return data, []


def _read_bytes(path: Path, file: str, max_bytes: int) -> tuple[bytes, Issue | None]:
    try:
        size = path.stat().st_size
        if not path.is_file():
            return b"", Issue(file, "", "file", f"not a regular file: {path}")
        if size > max_bytes:
            return b"", Issue(file, "", "size", f"{size} bytes, more than the {max_bytes} accepted")
        return path.read_bytes(), None
    except FileNotFoundError:
        return b"", Issue(file, "", "exists", f"file not found: {path}")
    except OSError as e:
        return b"", Issue(file, "", "readable", f"cannot read {path}: {e.strerror or e}")


def _depth(data: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def guess_schema(path: Path, data: Any) -> str | None:
    """The schema a file most likely follows, by its name first, then by its keys."""
    name = path.name
    if name == "spec.json":
        return "op_spec"
    if name == "state.json" and path.parent.name == ".builder":
        return "builder_state"
    if name.endswith(".jsonl"):
        return "breadcrumb"
    if path.parent.name == "programs":
        return "program"
    if isinstance(data, dict):
        keys = set(data)
        if {"cbs", "kernels", "tensors"} <= keys:
            return "program"
        if {"circular_buffers", "kernels", "descriptor"} <= keys:
            return "op_spec"
        if {"run_id", "event", "phase"} <= keys:
            return "breadcrumb"
        if {"phases", "op", "version"} <= keys:
            return "builder_state"
    return None


def validate_file(path: Path, schema: str | None = None) -> tuple[str | None, list[Issue]]:
    """(schema used, issues) for a JSON file, or a JSON-lines file (one document per line)."""
    file = str(path)
    if path.name.endswith(".jsonl"):
        return schema or "breadcrumb", _validate_lines(path, schema or "breadcrumb")
    limit = MAX_SPEC_BYTES if schema == "op_spec" or (schema is None and path.name == "spec.json") else MAX_JSON_BYTES
    data, issues = load_json(path, file, limit)
    if issues:
        return schema, issues
    chosen = schema or guess_schema(path, data)
    if chosen is None:
        return None, [Issue(file, "", "schema", "cannot tell which schema this file follows; pass --schema "
                                                f"({', '.join(SCHEMA_FILES)})")]
    return chosen, validate(data, chosen, file)


def _validate_lines(path: Path, schema: str) -> list[Issue]:
    raw, issue = _read_bytes(path, str(path), MAX_JSON_BYTES)
    if issue:
        return [issue]
    issues: list[Issue] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            issues.append(Issue(where, "", "utf-8", "not UTF-8 text"))
            continue
        except json.JSONDecodeError as e:
            issues.append(Issue(where, "", "json", f"not valid JSON ({e.msg} at column {e.colno})"))
            continue
        except RecursionError:
            issues.append(Issue(where, "", "depth", f"nested deeper than {MAX_DEPTH} levels"))
            continue
        issues += validate(data, schema, where)
    return issues
