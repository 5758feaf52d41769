"""The event logs of layer_norm_rm, scripted from its kernels' loop structure (until the runtime emits them).

Each function below mirrors one function of operations/layer_norm_rm/kernels/*.cpp (as of the
commit this file was written against) call by call, emitting the events the runtime would record
(emulator/cost_model/events.py). CB capacities, block width and the split of tile-rows over cores
come from the op's own program descriptor, so only the kernels' control flow is restated here.
Software loops over L1 datums (the reader building the shift, epsilon, scaler, gamma and beta tiles)
are counted as `riscv` events of one datum per iteration.

    python -m benchmarks.layer_norm_rm_events [--shape 1 1 4096 1024] [--dtype bfloat16] [--trace FILE]
"""
from __future__ import annotations

import argparse
import json

from emulator.cost_model import CoreLog, Event, KernelLog, estimate, write_trace
from operations.layer_norm_rm import layer_norm_rm_program_descriptor as desc

TILE = 32
F32 = "float32"


class _Compute:
    """Emits the compute kernel's events (layer_norm_rm_compute.cpp)."""

    def __init__(self, dtype: str, Wt: int, B: int) -> None:
        self.dtype, self.Wt, self.B = dtype, Wt, B
        self.exact = set(desc.EXACT_FP32_CBS) | (set(desc.EXACT_INPUT_CBS) if dtype == F32 else set())
        self.fmt = {cb.index: cb.data_format for cb in desc.circular_buffers(dtype, Wt, True, True, [])}
        self.ev: list[Event] = []

    def e(self, op: str, **kw) -> None:
        if op == "compute":
            kw = {"fidelity": "HiFi4", "fp32_dest": True, "approx": False, **kw}
        self.ev.append(Event(op, **kw))

    def init(self, call: str, *threads: str) -> None:
        self.e("init", call=call, threads=threads or ("unpack", "math", "pack"))

    def load(self, cb: int) -> None:
        self.init("reconfig_data_format_srca", "unpack", "math")
        self.init("copy_init", "unpack", "math")
        self.e("compute", call="copy_tile", format=self.fmt[cb], to_dest=cb in self.exact and self.fmt[cb] == F32)

    def sfpu(self, call: str) -> None:
        self.init(f"{call}_init", "math")
        self.e("compute", call=call)

    def pack_to(self, cb: int) -> None:
        self.e("cb_reserve_back", cb=cb, pages=1)
        self.init("pack_reconfig_data_format", "pack")
        self.e("compute", call="pack_tile", format=self.fmt[cb])
        self.e("cb_push_back", cb=cb, pages=1)

    def tile(self, body) -> None:
        """acquire; body; commit; wait; (pack inside body's tail); release."""
        self.e("tile_regs_acquire")
        cb_out = body()
        self.e("tile_regs_commit")
        self.e("tile_regs_wait")
        self.pack_to(cb_out)
        self.e("tile_regs_release")

    def tilize_block_of_x(self) -> None:
        B = self.B
        self.init("reconfig_data_format_srca", "unpack", "math")
        self.init("pack_reconfig_data_format", "pack")
        self.init("tilize_init")
        self.e("cb_wait_front", cb=desc.CB_IN_RM, pages=B)
        self.e("cb_reserve_back", cb=desc.CB_X, pages=B)
        self.e("compute", call="tilize_block", tiles=B, format=self.dtype)
        self.e("cb_push_back", cb=desc.CB_X, pages=B)
        self.e("cb_pop_front", cb=desc.CB_IN_RM, pages=B)
        self.init("tilize_uninit")

    def accumulate_row_sums(self, streams: tuple[int, ...], first_block: bool) -> None:
        B = self.B
        self.e("tile_regs_acquire")
        if not first_block:
            self.e("cb_wait_front", cb=desc.CB_SUM, pages=1)
            self.load(desc.CB_SUM)
            self.e("cb_pop_front", cb=desc.CB_SUM, pages=1)
        for s in streams:
            self.e("cb_wait_front", cb=s, pages=B)
            self.init("reconfig_data_format", "unpack", "math")
            self.init("reduce_init")
            self.e("compute", call="reduce_row_sum", tiles=B, format=self.fmt[s])
            self.init("reduce_uninit")
        self.e("tile_regs_commit")
        self.e("tile_regs_wait")
        self.pack_to(desc.CB_SUM)
        self.e("tile_regs_release")
        for s in streams:
            self.e("cb_pop_front", cb=s, pages=B)

    def quantity_into_dst0(self, squared: bool) -> None:
        self.load(desc.CB_D)
        if squared:
            self.load(desc.CB_MEAN)
            self.sfpu("sfpu_sub_bcast_col")
            self.sfpu("mul_binary_tile")

    def sum_rows_exactly(self, squared: bool, block: int) -> None:
        for _ in range(self.B):
            self.tile(lambda: (self.quantity_into_dst0(squared), desc.CB_HI)[1])
        self.e("cb_wait_front", cb=desc.CB_HI, pages=self.B)

        def lo() -> int:
            self.quantity_into_dst0(squared)
            self.load(desc.CB_HI)
            self.sfpu("sub_binary_tile")
            return desc.CB_LO
        for _ in range(self.B):
            self.tile(lo)
        self.accumulate_row_sums((desc.CB_HI, desc.CB_LO), block == 0)

    def shift_block(self, block: int) -> None:
        self.tilize_block_of_x()
        self.e("cb_wait_front", cb=desc.CB_X, pages=self.B)
        self.init("sfpu_sub_bcast_col_init", "math")

        def shifted() -> int:
            self.load(desc.CB_X)
            self.load(desc.CB_SHIFT)
            self.e("compute", call="sfpu_sub_bcast_col")
            return desc.CB_D
        for _ in range(self.B):
            self.tile(shifted)
        self.e("cb_pop_front", cb=desc.CB_X, pages=self.B)
        self.e("cb_wait_front", cb=desc.CB_D, pages=(block + 1) * self.B)
        self.sum_rows_exactly(False, block)

    def scaled_sum_to(self, cb: int) -> None:
        self.e("cb_wait_front", cb=desc.CB_SUM, pages=1)

        def body() -> int:
            self.load(desc.CB_SUM)
            self.sfpu("mul_unary_tile")
            if cb == desc.CB_RSTD:
                self.load(desc.CB_EPS)
                self.sfpu("add_binary_tile")
                self.sfpu("rsqrt_tile")
            return cb
        self.tile(body)
        self.e("cb_pop_front", cb=desc.CB_SUM, pages=1)

    def untilize_output_block(self) -> None:
        B = self.B
        self.e("cb_wait_front", cb=desc.CB_OUT, pages=B)
        self.e("cb_reserve_back", cb=desc.CB_OUT_RM, pages=B)
        self.init("reconfig_data_format_srca", "unpack", "math")
        self.init("pack_reconfig_data_format", "pack")
        self.init("pack_untilize_init")
        self.e("compute", call="pack_untilize_block", tiles=B, format=self.dtype, block_tiles=B)
        self.init("pack_untilize_uninit", "pack")
        self.e("cb_push_back", cb=desc.CB_OUT_RM, pages=B)
        self.e("cb_pop_front", cb=desc.CB_OUT, pages=B)

    def normalize_block(self) -> None:
        B = self.B
        self.e("cb_wait_front", cb=desc.CB_GAMMA, pages=B)
        self.e("cb_wait_front", cb=desc.CB_BETA, pages=B)

        def body() -> int:
            self.load(desc.CB_D)
            self.load(desc.CB_MEAN)
            self.sfpu("sfpu_sub_bcast_col")
            self.load(desc.CB_RSTD)
            self.sfpu("sfpu_mul_bcast_col")
            self.load(desc.CB_GAMMA)
            self.sfpu("mul_binary_tile")
            self.load(desc.CB_BETA)
            self.sfpu("add_binary_tile")
            return desc.CB_OUT
        for _ in range(B):
            self.tile(body)
        self.e("cb_pop_front", cb=desc.CB_GAMMA, pages=B)
        self.e("cb_pop_front", cb=desc.CB_BETA, pages=B)
        self.untilize_output_block()

    def kernel(self, num_tile_rows: int) -> tuple[Event, ...]:
        blocks = self.Wt // self.B
        self.init("compute_kernel_hw_startup")
        self.e("cb_wait_front", cb=desc.CB_SCALER, pages=1)
        self.e("cb_wait_front", cb=desc.CB_EPS, pages=1)
        for _ in range(num_tile_rows):
            self.e("cb_wait_front", cb=desc.CB_SHIFT, pages=1)
            for block in range(blocks):
                self.shift_block(block)
            self.e("cb_pop_front", cb=desc.CB_SHIFT, pages=1)
            self.scaled_sum_to(desc.CB_MEAN)
            self.e("cb_wait_front", cb=desc.CB_MEAN, pages=1)
            for block in range(blocks):
                self.sum_rows_exactly(True, block)
            self.scaled_sum_to(desc.CB_RSTD)
            self.e("cb_wait_front", cb=desc.CB_RSTD, pages=1)
            for _ in range(blocks):
                self.normalize_block()
            self.e("cb_pop_front", cb=desc.CB_D, pages=self.Wt)
            self.e("cb_pop_front", cb=desc.CB_MEAN, pages=1)
            self.e("cb_pop_front", cb=desc.CB_RSTD, pages=1)
        self.e("cb_pop_front", cb=desc.CB_SCALER, pages=1)
        self.e("cb_pop_front", cb=desc.CB_EPS, pages=1)
        return tuple(self.ev)


def reader_events(dtype: str, Wt: int, B: int, num_tile_rows: int, fill_tiles: bool = True) -> tuple[Event, ...]:
    """layer_norm_rm_reader.cpp with gamma and beta. `fill_tiles=False` drops the software tile
    construction (a what-if: the tiles arriving for free) to expose the next bound."""
    elem = 2 if dtype == "bfloat16" else 4
    ev: list[Event] = []

    def fill(cb: int, pages: int) -> None:
        ev.append(Event("cb_reserve_back", cb=cb, pages=pages))
        if fill_tiles:
            ev.append(Event("riscv", datums=pages * TILE * TILE))
        ev.append(Event("cb_push_back", cb=cb, pages=pages))
    fill(desc.CB_SCALER, 1)
    fill(desc.CB_EPS, 1)
    for cb in (desc.CB_GAMMA_RM, desc.CB_BETA_RM):
        ev += [Event("cb_reserve_back", cb=cb, pages=1), Event("noc_read", bytes=Wt * TILE * elem, target="dram"),
               Event("noc_read_barrier"), Event("cb_push_back", cb=cb, pages=1), Event("cb_wait_front", cb=cb, pages=1)]
    for _ in range(num_tile_rows):
        for block in range(Wt // B):
            ev.append(Event("cb_reserve_back", cb=desc.CB_IN_RM, pages=B))
            ev += [Event("noc_read", bytes=B * TILE * elem, target="dram")] * TILE
            ev.append(Event("noc_read_barrier"))
            if block == 0:
                fill(desc.CB_SHIFT, 1)
            ev.append(Event("cb_push_back", cb=desc.CB_IN_RM, pages=B))
        for _ in range(Wt // B):
            fill(desc.CB_GAMMA, B)
            fill(desc.CB_BETA, B)
    ev += [Event("cb_pop_front", cb=desc.CB_GAMMA_RM, pages=1), Event("cb_pop_front", cb=desc.CB_BETA_RM, pages=1)]
    return tuple(ev)


def writer_events(dtype: str, Wt: int, B: int, num_tile_rows: int) -> tuple[Event, ...]:
    """layer_norm_rm_writer.cpp."""
    elem = 2 if dtype == "bfloat16" else 4
    ev: list[Event] = []
    for _ in range(num_tile_rows * (Wt // B)):
        ev.append(Event("cb_wait_front", cb=desc.CB_OUT_RM, pages=B))
        ev += [Event("noc_write", bytes=B * TILE * elem, target="dram")] * TILE
        ev += [Event("noc_write_barrier"), Event("cb_pop_front", cb=desc.CB_OUT_RM, pages=B)]
    return tuple(ev)


def core_logs(shape: list[int], dtype: str, fill_tiles: bool = True) -> list[CoreLog]:
    """One log per core of the op's own work split; cores with equal work share one replay."""
    program = desc.build_program(shape, dtype, True, True)
    H, W = desc.check_shape(shape)
    Wt = W // TILE
    B = desc.block_tiles(Wt)
    cb_pages = {cb.index: cb.num_pages for cb in program.cbs}
    logs, by_rows = [], {}
    for work in desc.split_tile_rows(H // TILE, desc.WORMHOLE_GRID):
        n = work.num_tile_rows
        if n not in by_rows:
            by_rows[n] = (KernelLog("reader", "reader", reader_events(dtype, Wt, B, n, fill_tiles)),
                          KernelLog("compute", "compute", _Compute(dtype, Wt, B).kernel(n)),
                          KernelLog("writer", "writer", writer_events(dtype, Wt, B, n)))
        logs.append(CoreLog(work.core, cb_pages, by_rows[n]))
    return logs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", type=int, nargs="+", default=[1, 1, 4096, 1024])
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float32"])
    parser.add_argument("--no-fill", action="store_true", help="what-if: the reader's software tile fills cost 0")
    parser.add_argument("--trace", help="write a Chrome trace of the slowest core's modelled pipeline")
    args = parser.parse_args()
    est = estimate(core_logs(args.shape, args.dtype, fill_tiles=not args.no_fill))
    print(json.dumps(est.summary(), indent=1))
    if args.trace:
        write_trace(est, args.trace, cores=[est.slowest.core])


if __name__ == "__main__":
    main()
