"""The per-core event log the replay consumes, and where the runner records each event.

A run yields, per core, the CB capacities and one event list per kernel (reader, writer, compute),
in the order the kernel made its API calls (runner: plan key "events", emulator/runtime/events.cpp;
reader: runtime_log.py). Each event is a JSON object (one per line when
streamed) with an "op" and the fields below; `parse_event` validates one.

| op | fields | recorded by (emulator/runtime/...) |
| --- | --- | --- |
| compute | call, tiles, format, fidelity, approx, fp32_dest, to_dest, block_tiles | compute.cpp: copy_tile (to_dest = unpacks_to_dest(cb)), tilize_block, pack_untilize_block, untilize_block, reduce_tile, binary_tiles, sfpu_unary, sfpu_binary, pack_tile; format = the CB's (cb_config) for unpack/pack calls; fidelity/approx/fp32_dest from compute_config() |
| init | call, threads | compute.cpp: copy_init, reconfig_srca/srcb/pack, tilize_init/uninit, pack_untilize_init/uninit, reduce_init/uninit, binary_init, sfpu_init |
| cb_wait_front, cb_pop_front, cb_reserve_back, cb_push_back | cb, pages | cb.cpp: the four functions of the same name, on entry (the replay computes the wait) |
| tile_regs_acquire, tile_regs_commit, tile_regs_wait, tile_regs_release | - | compute.cpp: regs_acquire, regs_commit, regs_wait, regs_release |
| noc_read, noc_write | bytes, target (dram or l1) | noc.cpp: noc_read / noc_write; target from whether the NOC address is a DRAM bank |
| noc_read_barrier, noc_write_barrier | - | noc.cpp: noc_read_barrier / noc_write_barrier |
| riscv | datums | cb.cpp: cb_push_back of a reader/writer, before its push event: the pushed bytes no noc_read delivered into that CB since its last push (the kernel's own stores; its loops are invisible) |

`call` for compute events is a key of `API_CALLS` (which Tensix thread does which part), named from
the runtime's enums (emulator/include/emu/compute.h) as follows:
* reduce_tile(pool, dim): `reduce_<row|col|scalar>_<sum|max>`; Avg counts as sum, Min as max.
* binary_tiles(op, bcast): `<add|sub|mul>_tiles`, with `_bcast` appended when bcast != None.
* sfpu_unary(op): Square `square_tile`, Rsqrt `rsqrt_tile`, RsqrtFast `rsqrt_tile` with approx=true,
  Recip `recip_tile`, Exp `exp_tile`, Sqrt `sqrt_tile`, AddScalar / SubScalar / MulScalar /
  DivScalar / RsubScalar `<add|sub|mul|div|rsub>_unary_tile`.
* sfpu_binary(op, bin): AddBinary / SubBinary / MulBinary `<add|sub|mul>_binary_tile`; BcastCol
  `sfpu_<add|sub|mul>_bcast_col`.
* copy_tile, tilize_block, pack_untilize_block, untilize_block, pack_tile: their own names; `tiles` is
  the block's tile count for the block calls, `block_tiles` the pack_untilize block width.
`threads` of an init lists the TRISCs it configures: copy_init, reconfig_srca, reconfig_srcb ->
unpack, math; reconfig_pack -> pack; sfpu_init -> math; tilize / pack_untilize / untilize / reduce
init and uninit, binary_init and compute_kernel_hw_startup -> unpack, math, pack.
"""
from __future__ import annotations

from dataclasses import dataclass

# API call -> (unpack family, math family, pack family) in wormhole_costs; None: that thread idles.
API_CALLS: dict[str, tuple[str | None, str | None, str | None]] = {
    "copy_tile": ("unpack_a", "datacopy", None),
    "tilize_block": ("unpack_tilize", "datacopy", "pack_tilize"),
    "pack_untilize_block": ("unpack_a", "datacopy", "pack_untilize"),
    "untilize_block": ("unpack_untilize", "datacopy", "pack_after_unpack_untilize"),
    "pack_tile": (None, None, "pack"),
    "add_tiles": ("unpack_ab", "eltwise_add_sub", None),
    "sub_tiles": ("unpack_ab", "eltwise_add_sub", None),
    "mul_tiles": ("unpack_ab", "eltwise_mul", None),
    "add_tiles_bcast": ("unpack_ab", "eltwise_add_sub", None),
    "sub_tiles_bcast": ("unpack_ab", "eltwise_add_sub", None),
    "mul_tiles_bcast": ("unpack_ab", "eltwise_mul", None),
    "reduce_row_sum": ("unpack_ab", "reduce_row_sum", None),
    "reduce_row_max": ("unpack_ab", "reduce_row_max", None),
    "reduce_col_sum": ("unpack_ab", "reduce_col_sum", None),
    "reduce_col_max": ("unpack_ab", "reduce_col_max", None),
    "reduce_scalar_sum": ("unpack_ab", "reduce_row_sum", None),
    "reduce_scalar_max": ("unpack_ab", "reduce_row_max", None),
    "matmul_tiles": ("unpack_ab", "matmul", None),
    "rsqrt_tile": (None, "sfpu_rsqrt", None),
    "sqrt_tile": (None, "sfpu_sqrt", None),
    "recip_tile": (None, "sfpu_recip", None),
    "exp_tile": (None, "sfpu_exp", None),
    "square_tile": (None, "sfpu_unary_simple", None),
    "mul_unary_tile": (None, "sfpu_unary_simple", None),
    "add_unary_tile": (None, "sfpu_unary_simple", None),
    "sub_unary_tile": (None, "sfpu_unary_simple", None),
    "div_unary_tile": (None, "sfpu_unary_simple", None),
    "rsub_unary_tile": (None, "sfpu_unary_simple", None),
    "add_binary_tile": (None, "sfpu_binary", None),
    "sub_binary_tile": (None, "sfpu_binary", None),
    "mul_binary_tile": (None, "sfpu_binary", None),
    "sfpu_add_bcast_col": (None, "sfpu_bcast_col", None),
    "sfpu_sub_bcast_col": (None, "sfpu_bcast_col", None),
    "sfpu_mul_bcast_col": (None, "sfpu_bcast_col", None),
}
TENSIX_THREADS = ("unpack", "math", "pack")
CB_OPS = ("cb_wait_front", "cb_pop_front", "cb_reserve_back", "cb_push_back")
REGS_OPS = ("tile_regs_acquire", "tile_regs_commit", "tile_regs_wait", "tile_regs_release")
NOC_OPS = ("noc_read", "noc_write")
BARRIER_OPS = ("noc_read_barrier", "noc_write_barrier")
OPS = ("compute", "init", "riscv") + CB_OPS + REGS_OPS + NOC_OPS + BARRIER_OPS
FORMATS = ("bfloat16", "float32")
FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")
TARGETS = ("dram", "l1")


@dataclass(frozen=True)
class Event:
    """One API call of one kernel; unused fields keep their defaults."""
    op: str
    call: str = ""
    tiles: int = 1
    format: str = "bfloat16"
    fidelity: str = "HiFi4"
    approx: bool = False
    fp32_dest: bool = True
    to_dest: bool = False
    block_tiles: int = 1
    threads: tuple[str, ...] = ()
    cb: int = -1
    pages: int = 0
    bytes: int = 0
    target: str = "dram"
    datums: int = 0

    def __post_init__(self) -> None:
        _check(self.op in OPS, "op", self.op, f"one of {OPS}")
        if self.op == "compute":
            _check(self.call in API_CALLS, "call", self.call, f"one of {sorted(API_CALLS)}")
            _check(self.tiles >= 1, "tiles", self.tiles, "an integer >= 1")
            _check(self.format in FORMATS, "format", self.format, f"one of {FORMATS}")
            _check(self.fidelity in FIDELITIES, "fidelity", self.fidelity, f"one of {FIDELITIES}")
            _check(not self.to_dest or self.call == "copy_tile", "to_dest", self.to_dest,
                   "False unless call is copy_tile")
        if self.op == "init":
            _check(bool(self.threads) and set(self.threads) <= set(TENSIX_THREADS), "threads", self.threads,
                   f"a non-empty subset of {TENSIX_THREADS}")
        if self.op in CB_OPS:
            _check(0 <= self.cb < 64, "cb", self.cb, "a CB index 0..63")
            _check(self.pages >= 1, "pages", self.pages, "an integer >= 1")
        if self.op in NOC_OPS:
            _check(self.bytes >= 1, "bytes", self.bytes, "an integer >= 1")
            _check(self.target in TARGETS, "target", self.target, f"one of {TARGETS}")
        if self.op == "riscv":
            _check(self.datums >= 1, "datums", self.datums, "an integer >= 1")


def _check(ok: bool, name: str, value: object, expected: str) -> None:
    if not ok:
        raise ValueError(f"event {name}={value!r}: expected {expected}")


def parse_event(obj: dict) -> Event:
    """One event from its JSON object; unknown keys are an error (a typo would silently cost 0)."""
    fields = set(Event.__dataclass_fields__)
    unknown = sorted(set(obj) - fields)
    if unknown:
        raise ValueError(f"event {obj!r}: unknown field(s) {unknown}; expected a subset of {sorted(fields)}")
    if "threads" in obj:
        obj = {**obj, "threads": tuple(obj["threads"])}
    return Event(**obj)


@dataclass(frozen=True)
class KernelLog:
    """Events of one kernel on one core. kind: reader / writer (a data-movement RISC) or compute."""
    name: str
    kind: str
    events: tuple[Event, ...]

    def __post_init__(self) -> None:
        _check(self.kind in ("reader", "writer", "compute"), "kind", self.kind, "reader, writer or compute")


@dataclass(frozen=True)
class CoreLog:
    """One core: its CB capacities in pages and its kernels' event logs."""
    core: tuple[int, int]
    cb_pages: dict[int, int]
    kernels: tuple[KernelLog, ...]
