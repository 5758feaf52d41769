"""The emulator's settings read from the environment, each defined once here.

`EMULATOR_NUMERICS` selects the numerics variant: where the hardware's sources (the Tensix ISA
documentation, Tenstorrent's ttsim, the LLK) disagree on a number rule, each variant is one reading,
listed rule by rule in the fidelity table of emulator/README.md.
"""
from __future__ import annotations

import os

# Codes as the runner reads them (emu::Numerics in include/emu/compute.h).
NUMERICS_VARIANTS: dict[str, int] = {"pessimistic": 0, "isa": 1, "ttsim": 2, "exact": 3}
DEFAULT_NUMERICS = "pessimistic"


def check_numerics(variant: str, source: str = "numerics") -> str:
    """The variant name, or ValueError naming where it came from and the accepted names."""
    if variant not in NUMERICS_VARIANTS:
        raise ValueError(f"{source}={variant!r}: expected one of {', '.join(NUMERICS_VARIANTS)}")
    return variant


def numerics_variant() -> str:
    """The variant `EMULATOR_NUMERICS` names (default: pessimistic, the envelope that loses most)."""
    return check_numerics(os.environ.get("EMULATOR_NUMERICS", DEFAULT_NUMERICS), "EMULATOR_NUMERICS")
