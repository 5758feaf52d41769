"""Known hardware errata a Program runs into, reported as warnings in the run result.

The emulator computes such a program as the numerics model says (the bug itself is data-dependent and
not modelled); the warning tells the builder's kernels gate, and the user, that silicon would differ.
"""
from __future__ import annotations

from program import Program

WORMHOLE = "wormhole_b0"


def hifi4_fp32_dest(program: Program, arch: str) -> list[str]:
    """HiFi4 with fp32 dest accumulation on Wormhole: deterministic power-of-two errors on single elements
    of accumulations (tt-metal issue #38306); ttnn moved Wormhole's default to HiFi3 and warns (#40089)."""
    if arch != WORMHOLE:
        return []
    return [f"kernel {k.name!r}: math_fidelity=HiFi4 with fp32_dest_acc_en=True on Wormhole hits a known RTL bug "
            f"(deterministic power-of-two errors on single elements of accumulations, tenstorrent/tt-metal#38306); "
            f"ttnn uses HiFi3 on Wormhole and warns (tenstorrent/tt-metal#40089)"
            for k in program.kernels
            if k.compute_config is not None and k.compute_config.math_fidelity == "HiFi4"
            and k.compute_config.fp32_dest_acc_en]


def warnings_for(program: Program, arch: str) -> list[str]:
    """Every erratum warning for `program` on a device of architecture `arch`."""
    return hifi4_fp32_dest(program, arch)
