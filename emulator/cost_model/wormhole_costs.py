"""Cycle costs of kernel API calls on a Wormhole n150, each cited or marked as an estimate.

One data module: the machine constants (clock, DRAM, NOC) and one `CallCost` per (call family,
Tensix thread). Every entry carries the source of its number: a tt-metal / tt-llk issue or PR with
its table and the date and version it was measured on, Tenstorrent's documentation, or
`ESTIMATE:` followed by the reasoning. The replay (`replay.py`) reads nothing else, so a better
measurement changes one line here.

Cycles are AICLK cycles per 32x32 tile unless the entry says otherwise. `Ctx` holds what a cost
may depend on: the data format of the operand moved, the math fidelity (number of multiplier
passes: LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4), SFPU approximation mode, fp32 DST and the block width
of pack_untilize.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# --- machine --------------------------------------------------------------------------------------
# docs.tenstorrent.com/aibs/wormhole/specifications.html (card comparison table, n150d/n150s):
# "AI Clock 1 GHz", "Memory Bandwidth 288 GB/sec", 12 GB GDDR6 at 12 GT/s, 72 Tensix cores.
AICLK_HZ = 1.0e9
DRAM_BYTES_PER_S = 288e9
SPEC_SOURCE = "docs.tenstorrent.com/aibs/wormhole/specifications.html, n150 column (AI Clock, Memory Bandwidth)"

# tenstorrent/tt-isa-documentation WormholeB0/NoC/README.md @135471044308, "Performance" table:
# every NIU/router hop moves one 256-bit flit per cycle per NoC; router-to-router latency 9 cycles,
# NIU<->router about 5 cycles each side. Each packet carries one header flit.
NOC_BYTES_PER_CYCLE = 32
NOC_SOURCE = "tt-isa-documentation WormholeB0/NoC/README.md @1354710, Performance: 1 flit (256 bit) per cycle"

FIDELITY_PHASES = {"LoFi": 1, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}
FORMAT_BYTES = {"bfloat16": 2, "float32": 4}
TILE_DATUMS = 1024
SFPU_VECTOR_OPS_PER_TILE = 32  # tt-metal PR #50744: an SFPU vector op covers 4 rows x 8 columns; a tile is 32 of them


@dataclass(frozen=True)
class Ctx:
    """What a per-tile cost may depend on."""
    fmt: str = "bfloat16"
    fidelity: str = "HiFi4"
    approx: bool = False
    fp32_dest: bool = True
    block_tiles: int = 1


@dataclass(frozen=True)
class CallCost:
    """Cycles per tile of one call family on one thread, with the number's provenance."""
    call: str
    thread: str  # unpack | math | pack | riscv | noc
    formula: str  # human-readable, for the README table
    cycles: Callable[[Ctx], float]
    source: str


def _bytes(ctx: Ctx) -> int:
    if ctx.fmt not in FORMAT_BYTES:
        raise ValueError(f"format={ctx.fmt!r}: expected one of {sorted(FORMAT_BYTES)}")
    return FORMAT_BYTES[ctx.fmt]


def _phases(ctx: Ctx) -> int:
    if ctx.fidelity not in FIDELITY_PHASES:
        raise ValueError(f"fidelity={ctx.fidelity!r}: expected one of {sorted(FIDELITY_PHASES)}")
    return FIDELITY_PHASES[ctx.fidelity]


def _by_bytes(bf16_cycles: float) -> Callable[[Ctx], float]:
    """A bf16 measurement scaled by datum size (the unpacker/packer move bytes at a fixed rate)."""
    return lambda ctx: bf16_cycles * _bytes(ctx) / 2


def _sfpu(accurate: tuple[int, int], approx: tuple[int, int]) -> Callable[[Ctx], float]:
    """Instruction slots per SFPU vector op, (fp32 DST, 16-bit DST), times 32 vector ops a tile."""
    def cycles(ctx: Ctx) -> float:
        slots = approx if ctx.approx else accurate
        return SFPU_VECTOR_OPS_PER_TILE * (slots[0] if ctx.fp32_dest else slots[1])
    return cycles


_TT131 = ("tt-llk issue #131 'Untilize OP Utilization' (2025-04-25, Wormhole, tt-metal branch "
          "skrsmanovic/tilize_untilize_perf_testing, bf16)")
_TT130 = ("tt-llk issue #130 'Tilize OP Utilization' (2025-04-25, Wormhole, tt-metal branch "
          "skrsmanovic/tilize_untilize_perf_testing, bf16)")
_MATRIX_ENGINE = ("tt-metal tech_reports/matrix_engine/matrix_engine.md @0909e36 (applies to Wormhole): "
                  "eltwise 8x16 per cycle, reduce 16x16 per cycle, matmul 8x16 x 16x16 per cycle, "
                  "each divided by the fidelity phases for multiplies")
_SFPU_SLOTS = ("tt-metal PR #54317 (2026-09, sfpi 7.68.0/7.71.0, Wormhole): instruction slots per SFPU "
               "vector op, dest_acc Yes / No; x 32 vector ops per tile (PR #50744)")
_SFPU_SMALL = ("ESTIMATE: a simple SFPU body is ~2 SFPLOAD + 1 SFPMAD/SFPADD + 1 SFPNOP (MAD latency) + "
               "1 SFPSTORE + 1 TTINCRWC = {n} slots x 32 vector ops; consistent with tt-metal PR #54938 "
               "(Wormhole n300, Float16_b, tt-llk perf MATH_ISOLATE incl. datacopy): relu_max 38205 cycles / "
               "128 tiles = 298 cycles/tile")
_INIT = ("ESTIMATE: an init / reconfig writes a few configuration registers after a STALLWAIT that "
         "drains the thread's pipeline; tens of cycles (no published measurement found)")

COSTS: tuple[CallCost, ...] = (
    # --- unpack (TRISC0) ------------------------------------------------------------------------
    CallCost("unpack_a", "unpack", "38 (bf16) x bytes/2", _by_bytes(38),
             f"{_TT131}: Wormhole unpacker ~38 cycles/tile unpacking one operand (pack_untilize path); "
             "fp32 scaled by bytes: ESTIMATE"),
    CallCost("unpack_ab", "unpack", "2 x unpack_a", _by_bytes(76),
             "ESTIMATE: two operands (SrcA + SrcB) each at the unpack_a rate of tt-llk #131"),
    CallCost("unpack_tilize", "unpack", "52 (bf16) x bytes/2", _by_bytes(52),
             f"{_TT130}: Wormhole unpacker ~52 cycles/tile in tilize; fp32 scaled by bytes: ESTIMATE"),
    CallCost("unpack_untilize", "unpack", "393 (bf16) x bytes/2", _by_bytes(393),
             f"{_TT131}: Wormhole unpacker ~393 cycles/tile in unpack-untilize; fp32 scaled by bytes: ESTIMATE"),
    CallCost("unpack_to_dest", "unpack", "38 x bytes/2", _by_bytes(38),
             "ESTIMATE: unpack straight to DST moves the same bytes as unpack_a (tt-llk #131 rate); "
             "the math thread does no datacopy"),
    # --- math (TRISC1): FPU ---------------------------------------------------------------------
    CallCost("datacopy", "math", "8 + 8", lambda ctx: 16,
             f"{_MATRIX_ENGINE}: 8 eight-row moves per tile; + 8 cycles dvalid/semaphore handshake: ESTIMATE"),
    CallCost("eltwise_add_sub", "math", "8 + 8", lambda ctx: 16,
             f"{_MATRIX_ENGINE}: 1024/128 = 8 cycles per tile, no fidelity; + 8 handshake: ESTIMATE"),
    CallCost("eltwise_mul", "math", "8 x phases + 8", lambda ctx: 8 * _phases(ctx) + 8,
             f"{_MATRIX_ENGINE}: 8 cycles per fidelity phase; + 8 handshake: ESTIMATE"),
    CallCost("reduce_row_sum", "math", "4 x phases + 24", lambda ctx: 4 * _phases(ctx) + 24,
             f"{_MATRIX_ENGINE}: one 16x16 face per cycle per phase (4 faces); + ~24 cycles of the "
             "row-reduce transposes and moves (ESTIMATE)"),
    CallCost("reduce_row_max", "math", "4 + 24", lambda ctx: 28,
             f"{_MATRIX_ENGINE}: max uses no fidelity phases; + ~24 transposes (ESTIMATE)"),
    CallCost("reduce_col_sum", "math", "4 x phases + 8", lambda ctx: 4 * _phases(ctx) + 8,
             f"{_MATRIX_ENGINE}: one face per cycle per phase, no transpose; + 8 handshake (ESTIMATE)"),
    CallCost("reduce_col_max", "math", "4 + 8", lambda ctx: 12,
             f"{_MATRIX_ENGINE}: max uses no fidelity phases; + 8 handshake (ESTIMATE)"),
    CallCost("matmul", "math", "16 x phases", lambda ctx: 16 * _phases(ctx),
             f"{_MATRIX_ENGINE}: a 32x32x32 tile product is 16 MVMULs of 8x16 x 16x16 per phase"),
    # --- math (TRISC1): SFPU --------------------------------------------------------------------
    CallCost("sfpu_rsqrt", "math", "32 x (31|32 accurate, 21|22 approx)", _sfpu((31, 32), (21, 22)), _SFPU_SLOTS),
    CallCost("sfpu_sqrt", "math", "32 x (27|28 accurate, 17|18 approx)", _sfpu((27, 28), (17, 18)), _SFPU_SLOTS),
    CallCost("sfpu_recip", "math", "1059 accurate, 717 approx",
             lambda ctx: 717 if ctx.approx else 1059,
             "tt-metal PR #54938 (2026-08-31, Wormhole n300, tt-llk perf MATH_ISOLATE, Float16_b, tile_cnt 8 x "
             "loop_factor 16): reciprocal_compat 135610 cycles / 128 tiles = 1059; approx: ESTIMATE, scaled by "
             "the rsqrt approx/accurate slot ratio 21/31 of PR #54317"),
    CallCost("sfpu_exp", "math", "32 x (30 accurate, 10 approx)", _sfpu((30, 30), (10, 10)),
             "ESTIMATE: accurate exp is range reduction + polynomial + exponent insertion, about as long as "
             "accurate rsqrt (31 slots, PR #54317); approx is a few-instruction bit trick"),
    CallCost("sfpu_binary", "math", "32 x 6", lambda ctx: 32 * 6, _SFPU_SMALL.format(n=6)),
    CallCost("sfpu_bcast_col", "math", "32 x 6", lambda ctx: 32 * 6, _SFPU_SMALL.format(n=6) +
             "; the column broadcast reuses one loaded register per row group"),
    CallCost("sfpu_unary_simple", "math", "32 x 5", lambda ctx: 32 * 5,
             _SFPU_SMALL.format(n=5) + " (one operand: square, mul/add by scalar)"),
    # --- pack (TRISC2) --------------------------------------------------------------------------
    CallCost("pack", "pack", "45 (bf16); 45 + 32 (fp32)", lambda ctx: 45 if _bytes(ctx) == 2 else 77,
             f"{_TT130}: Wormhole packer ~45 cycles/tile (bf16). fp32: ESTIMATE, 13 fixed + 4096 B at the four "
             "packers' 64 B/cycle (16 B/cycle each, tt-llk #916)"),
    CallCost("pack_untilize", "pack", "16 x (PACR + 1) + 17 / block_tiles, PACR = 16 x bytes / 16",
             lambda ctx: 16 * (16 * _bytes(ctx) // 16 + 1) + 17 / max(1, ctx.block_tiles),
             "tt-llk issue #916 (2025-12-05, Wormhole vs Blackhole pack_untilize analysis): "
             "16*(PACR+1) + 17/block_ct_dim, PACR = face-row bytes / 16 B per cycle (bf16: 2, fp32: 4)"),
    CallCost("pack_after_unpack_untilize", "pack", "47 (bf16); 47 + 32 (fp32)",
             lambda ctx: 47 if _bytes(ctx) == 2 else 79,
             f"{_TT131}: packer ~47 cycles/tile after unpack-untilize (bf16); fp32 ESTIMATE as pack"),
    CallCost("pack_tilize", "pack", "as pack", lambda ctx: 45 if _bytes(ctx) == 2 else 77,
             f"{_TT130}: packer ~45 cycles/tile in tilize (bf16); fp32 as pack"),
    # --- inits and reconfigs, per call -----------------------------------------------------------
    CallCost("init", "any", "20 per thread involved", lambda ctx: 20, _INIT),
    # --- synchronisation and data movement (RISC-V / NOC), per call or per byte -------------------
    CallCost("cb_call", "riscv", "10 per call", lambda ctx: 10,
             "ESTIMATE: a CB call reads or writes the tiles-received / tiles-acked counters in L1 / MMIO "
             "and updates the FIFO pointers: ~10 RISC-V instructions at one per cycle (tt-isa-documentation "
             "WormholeB0/TensixTile/BabyRISCV/README.md: in-order single-issue, one instruction per cycle)"),
    CallCost("regs_sync", "riscv", "5 per call", lambda ctx: 5,
             "ESTIMATE: tile_regs_acquire/commit/wait/release are one semaphore post/wait each plus a stall"),
    CallCost("noc_issue", "riscv", "30 per transaction", lambda ctx: 30,
             "ESTIMATE: noc_async_read/write computes the bank address (TensorAccessor), polls the command "
             "buffer and writes ~6 NIU registers: ~30 RISC-V instructions at one per cycle"),
    CallCost("noc_transfer", "noc", "1 + ceil(bytes / 32) per transaction",
             lambda ctx: 0,  # per-byte: see NOC_BYTES_PER_CYCLE; the replay computes it
             f"{NOC_SOURCE}; one header flit per packet"),
    CallCost("dram_latency", "noc", "500 per read or write round trip", lambda ctx: 500,
             "ESTIMATE: NoC hops (9 cycles each, tt-isa-documentation NoC README) plus the GDDR6 access; "
             "hundreds of cycles, overlapped by every transaction in flight before a barrier"),
    CallCost("l1_latency", "noc", "60 per round trip", lambda ctx: 60,
             "ESTIMATE: ~5 + 9 x hops + 5 cycles each way (tt-isa-documentation NoC README Performance table)"),
    CallCost("riscv_datum", "riscv", "10 per datum", lambda ctx: 10,
             "ESTIMATE: a software loop touching one L1 datum per iteration (index arithmetic, a volatile "
             "L1 load with several cycles of latency, a store, the branch) on the in-order single-issue "
             "baby RISC-V (tt-isa-documentation WormholeB0/TensixTile/BabyRISCV/README.md)"),
)

_BY_KEY = {(c.call, c.thread): c for c in COSTS}


def cost(call: str, thread: str) -> CallCost:
    """The table entry for (call family, thread); KeyError names what exists."""
    try:
        return _BY_KEY[(call, thread)]
    except KeyError:
        known = sorted(f"{c}/{t}" for c, t in _BY_KEY)
        raise KeyError(f"no cost for call family {call!r} on thread {thread!r}; known: {known}") from None


def cycles(call: str, thread: str, ctx: Ctx) -> float:
    return cost(call, thread).cycles(ctx)


def markdown_table() -> str:
    """The README's cost table, generated so that it cannot drift from COSTS."""
    rows = ["| call | thread | cycles/tile | source |", "| --- | --- | --- | --- |"]
    rows += [f"| `{c.call}` | {c.thread} | {c.formula} | {c.source} |" for c in COSTS]
    return "\n".join(rows)
