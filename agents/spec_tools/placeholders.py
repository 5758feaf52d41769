"""The TODO placeholders `builder new` puts in a spec template: a spec that still holds one does
not describe a real op yet, however well it validates, so the spec gate refuses it."""
from __future__ import annotations

import re
from typing import Any

MARKER = "TODO"
_WORD = re.compile(rf"\b{MARKER}\b")


def placeholders(data: Any, pointer: str = "") -> list[tuple[str, str]]:
    """(JSON pointer, text) of every string in `data` holding the TODO marker as a word."""
    if isinstance(data, str):
        return [(pointer or "/", data)] if _WORD.search(data) else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return []
    found: list[tuple[str, str]] = []
    for key, value in items:
        found += placeholders(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    return found
