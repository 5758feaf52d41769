"""Data-format, math-fidelity and numerics-variant codes, read from the one table the C++ side also compiles
(`include/emu/codes.h`), so Python and C++ cannot disagree on a code."""
from __future__ import annotations

import re
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "include" / "emu" / "codes.h"

_ROW = re.compile(r"^(EMU_DATA_FORMAT|EMU_MATH_FIDELITY|EMU_NUMERICS)\(([^)]*)\)\s*$", re.MULTILINE)


def _rows(kind: str) -> list[list[str]]:
    return [[part.strip() for part in m.group(2).split(",")] for m in _ROW.finditer(TABLE.read_text())
            if m.group(1) == kind]


FORMAT_CODE: dict[str, int] = {row[0]: int(row[2]) for row in _rows("EMU_DATA_FORMAT")}
FORMAT_ENUMERATOR: dict[str, str] = {row[0]: row[1] for row in _rows("EMU_DATA_FORMAT")}
DATUM_BYTES: dict[str, int] = {row[0]: int(row[3]) for row in _rows("EMU_DATA_FORMAT")}
FIDELITY_CODE: dict[str, int] = {row[0]: int(row[1]) for row in _rows("EMU_MATH_FIDELITY")}
NUMERICS_CODE: dict[str, int] = {row[0]: int(row[2]) for row in _rows("EMU_NUMERICS")}
