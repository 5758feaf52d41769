"""Replays per-core event logs as a pipeline with timestamps: modelled busy cycles and device time.

Each core has five clocks: the three Tensix TRISCs that run the compute kernel (unpack, math,
pack), and one per data-movement kernel (reader, writer). Every TRISC walks the whole compute
event list and does its own part of each call, as the real kernel's UNPACK(...) / MATH(...) /
PACK(...) sections do; tt-metal assigns cb_wait_front / cb_pop_front to the unpacker and
cb_reserve_back / cb_push_back to the packer, tile_regs_acquire / commit to math and
tile_regs_wait / release to the packer.

Dependencies, all through timestamps (never assumed overlap):
* CBs are FIFOs of pages: a page is readable from the time it was pushed; reserving page p needs
  page p - capacity popped.
* Unpack -> math: math consumes source tile j no earlier than its unpack ends; SrcA/SrcB hold two
  tiles (double-buffered banks), so unpacking tile j waits for math to finish tile j - 2.
  Unpacking straight to DST waits for math to have acquired the DST section.
* Math -> pack: DST is two half-sections (half-sync): acquiring section k waits for the packer to
  release section k - 2; the packer waits for math's commit of section k.
* tilize / untilize calls pipeline their own tiles unpack -> math -> pack.
* NOC: a transaction occupies its kernel's NOC port for 1 header flit + bytes / 32 cycles, and
  completes one latency later; a barrier waits for every transaction in flight.

The replay processes threads in any order: a thread that needs a timestamp another thread has not
produced yet is blocked and another runs; if every thread is blocked the log is inconsistent
(a deadlock on hardware) and `CostModelError` names each thread's wait.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from . import wormhole_costs as wc
from .events import API_CALLS, CB_OPS, CoreLog, Event, KernelLog


class CostModelError(ValueError):
    """The event log cannot be replayed (inconsistent CB traffic, unknown CB, deadlock)."""


@dataclass
class Span:
    start: float
    end: float
    label: str


@dataclass
class _Thread:
    name: str
    events: tuple[Event, ...]
    kind: str  # unpack | math | pack | reader | writer
    cursor: int = 0
    tile: int = 0  # next tile inside a multi-tile compute event
    clock: float = 0.0
    busy: float = 0.0
    sections: int = 0  # DST sections passed (acquire events seen / waits done)
    spans: list[Span] = field(default_factory=list)
    blocked_on: str = ""

    @property
    def done(self) -> bool:
        return self.cursor >= len(self.events)

    def work(self, start: float, cycles: float, label: str) -> None:
        self.clock = start + cycles
        self.busy += cycles
        if cycles > 0:
            if self.spans and self.spans[-1].label == label and self.spans[-1].end == start:
                self.spans[-1].end = self.clock
            else:
                self.spans.append(Span(start, self.clock, label))


@dataclass
class _Cb:
    capacity: int
    pushed: list[float] = field(default_factory=list)  # time each page became readable
    popped: list[float] = field(default_factory=list)  # time each page's slot became free


@dataclass
class _Port:
    free: float = 0.0
    busy: float = 0.0
    in_flight: dict[str, list[float]] = field(default_factory=lambda: {"noc_read": [], "noc_write": []})


@dataclass
class _Shared:
    """Timestamps the three TRISCs exchange."""
    unpacked: list[float] = field(default_factory=list)  # source tile j unpacked
    consumed: list[float] = field(default_factory=list)  # source tile j consumed by math
    acquired: list[float] = field(default_factory=list)  # DST section k acquired by math
    committed: list[float] = field(default_factory=list)
    released: list[float] = field(default_factory=list)
    to_dest: dict[tuple[int, int], float] = field(default_factory=dict)  # (event, tile) unpacked to DST
    math_tile: dict[tuple[int, int], float] = field(default_factory=dict)  # (event, tile) done by math


@dataclass(frozen=True)
class CoreResult:
    core: tuple[int, int]
    end_cycles: float
    busy: dict[str, float]  # per resource: unpack, math, pack, each data-movement kernel, NOC <kernel>
    dram_bytes: int
    spans: dict[str, list[Span]]


class _Blocked(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _need(seq: list[float], index: int, why: str) -> float:
    if index < len(seq):
        return seq[index]
    raise _Blocked(why)


class _CoreReplay:
    def __init__(self, log: CoreLog) -> None:
        self.log = log
        self.cbs = {cb: _Cb(pages) for cb, pages in log.cb_pages.items()}
        self.shared = _Shared()
        self.ports: dict[str, _Port] = {}
        self.dram_bytes = 0
        self.threads: list[_Thread] = []
        computes = [k for k in log.kernels if k.kind == "compute"]
        if len(computes) > 1:
            raise CostModelError(f"core {log.core}: {len(computes)} compute kernels, expected at most 1")
        for k in log.kernels:
            if k.kind == "compute":
                self.threads += [_Thread(t, k.events, t) for t in ("unpack", "math", "pack")]
            else:
                self.threads.append(_Thread(k.name, k.events, k.kind))
                self.ports[k.name] = _Port()

    # --- driver ---------------------------------------------------------------------------------
    def run(self) -> CoreResult:
        while not all(t.done for t in self.threads):
            progressed = False
            for t in self.threads:
                progressed |= self._advance(t)
            if not progressed:
                waits = "; ".join(f"{t.name} at event {t.cursor} ({t.events[t.cursor].op}): {t.blocked_on}"
                                  for t in self.threads if not t.done)
                raise CostModelError(f"core {self.log.core}: the event log deadlocks: {waits}")
        busy = {t.name: t.busy for t in self.threads}
        busy.update({f"NOC {name}": p.busy for name, p in self.ports.items()})
        end = max([t.clock for t in self.threads] + [p.free for p in self.ports.values()] + [0.0])
        return CoreResult(self.log.core, end, busy, self.dram_bytes, {t.name: t.spans for t in self.threads})

    def _advance(self, t: _Thread) -> bool:
        """Runs `t` until it blocks or ends; True if it got anywhere (a tile counts)."""
        before = (t.cursor, t.tile)
        while not t.done:
            try:
                self._step(t, t.events[t.cursor])
            except _Blocked as b:
                t.blocked_on = b.why
                break
        return (t.cursor, t.tile) != before

    def _next(self, t: _Thread) -> None:
        t.cursor += 1
        t.tile = 0

    # --- one step -------------------------------------------------------------------------------
    def _step(self, t: _Thread, ev: Event) -> None:
        if ev.op in CB_OPS:
            self._cb(t, ev)
        elif ev.op.startswith("tile_regs_"):
            self._regs(t, ev)
        elif ev.op == "init":
            cycles = wc.cycles("init", "any", wc.Ctx()) if t.kind in ev.threads else 0.0
            t.work(t.clock, cycles, f"init {ev.call}")
            self._next(t)
        elif ev.op == "compute":
            self._compute(t, ev)
        elif t.kind in ("reader", "writer"):
            self._data_movement(t, ev)
        else:
            raise CostModelError(f"core {self.log.core}: op {ev.op!r} in the compute kernel's log; "
                                 f"NOC and riscv events belong to reader/writer kernels")

    def _cb(self, t: _Thread, ev: Event) -> None:
        owner = {"cb_wait_front": "unpack", "cb_pop_front": "unpack",
                 "cb_reserve_back": "pack", "cb_push_back": "pack"}[ev.op]
        if t.kind in ("unpack", "math", "pack") and t.kind != owner:
            self._next(t)
            return
        if ev.cb not in self.cbs:
            raise CostModelError(f"core {self.log.core}: {t.name} {ev.op}(cb={ev.cb}): CB {ev.cb} has no capacity "
                                 f"in the log (known: {sorted(self.cbs)})")
        cb, cost = self.cbs[ev.cb], wc.cycles("cb_call", "riscv", wc.Ctx())
        start = t.clock
        if ev.op == "cb_wait_front":
            start = max(start, _need(cb.pushed, len(cb.popped) + ev.pages - 1,
                                     f"cb {ev.cb}: waits for page {len(cb.popped) + ev.pages - 1} to be pushed"))
        elif ev.op == "cb_reserve_back":
            if ev.pages > cb.capacity:
                raise CostModelError(f"core {self.log.core}: {t.name} cb_reserve_back(cb={ev.cb}, {ev.pages}): more "
                                     f"pages than the CB's capacity {cb.capacity}")
            slot = len(cb.pushed) + ev.pages - 1 - cb.capacity
            if slot >= 0:
                start = max(start, _need(cb.popped, slot, f"cb {ev.cb}: waits for page {slot} to be popped"))
        t.work(start, cost, ev.op)
        if ev.op == "cb_push_back":
            cb.pushed += [t.clock] * ev.pages
        elif ev.op == "cb_pop_front":
            if len(cb.popped) + ev.pages > len(cb.pushed):
                raise _Blocked(f"cb {ev.cb}: pops pages not yet pushed")
            cb.popped += [t.clock] * ev.pages
        self._next(t)

    def _regs(self, t: _Thread, ev: Event) -> None:
        sh, cost = self.shared, wc.cycles("regs_sync", "riscv", wc.Ctx())
        if ev.op == "tile_regs_acquire":
            if t.kind == "math":
                k = len(sh.acquired)
                start = t.clock if k < 2 else max(t.clock, _need(sh.released, k - 2, f"DST section {k - 2} release"))
                t.work(start, cost, ev.op)
                sh.acquired.append(t.clock)
            elif t.kind == "unpack":
                t.sections += 1  # the unpacker tracks which section a to-DST unpack writes
        elif ev.op == "tile_regs_commit" and t.kind == "math":
            t.work(t.clock, cost, ev.op)
            sh.committed.append(t.clock)
        elif ev.op == "tile_regs_wait" and t.kind == "pack":
            k = t.sections
            t.work(max(t.clock, _need(sh.committed, k, f"DST section {k} commit")), cost, ev.op)
            t.sections += 1
        elif ev.op == "tile_regs_release" and t.kind == "pack":
            t.work(t.clock, cost, ev.op)
            sh.released.append(t.clock)
        self._next(t)

    def _compute(self, t: _Thread, ev: Event) -> None:
        families = dict(zip(("unpack", "math", "pack"), API_CALLS[ev.call]))
        if ev.to_dest:
            families = {"unpack": "unpack_to_dest", "math": None, "pack": None}
        ctx = wc.Ctx(ev.format, ev.fidelity, ev.approx, ev.fp32_dest, ev.block_tiles)
        i = t.cursor
        while t.tile < ev.tiles:
            self._compute_tile(t, ev, i, t.tile, families, ctx)
            t.tile += 1
        self._next(t)

    def _compute_tile(self, t: _Thread, ev: Event, i: int, tile: int, families: dict, ctx: wc.Ctx) -> None:
        sh, fam = self.shared, families[t.kind]
        key, label = (i, tile), ev.call
        through_src = families["unpack"] not in (None, "unpack_to_dest")
        pipelined = families["pack"] is not None and families["math"] is not None
        if t.kind == "unpack":
            if fam is None:
                return
            start = t.clock
            if fam == "unpack_to_dest":
                k = t.sections - 1
                start = max(start, _need(sh.acquired, k, f"DST section {k} acquire (unpack to DST)"))
                t.work(start, wc.cycles(fam, "unpack", ctx), label)
                sh.to_dest[key] = t.clock
                return
            j = len(sh.unpacked)
            if j >= 2:
                start = max(start, _need(sh.consumed, j - 2, f"math to free source bank (tile {j - 2})"))
            t.work(start, wc.cycles(fam, "unpack", ctx), label)
            sh.unpacked.append(t.clock)
        elif t.kind == "math":
            start = t.clock
            if ev.to_dest:
                t.clock = max(start, self._lookup(sh.to_dest, key, "unpack to DST of this tile"))
                return
            if through_src:
                j = len(sh.consumed)
                start = max(start, _need(sh.unpacked, j, f"unpack of source tile {j}"))
            if fam is not None:
                t.work(start, wc.cycles(fam, "math", ctx), label)
            if through_src:
                sh.consumed.append(t.clock)
            if pipelined:
                sh.math_tile[key] = t.clock
        elif t.kind == "pack" and fam is not None:
            start = t.clock
            if pipelined:
                start = max(start, self._lookup(sh.math_tile, key, "math of this tile"))
            t.work(start, wc.cycles(fam, "pack", ctx), label)

    @staticmethod
    def _lookup(table: dict, key: tuple[int, int], why: str) -> float:
        if key in table:
            return table[key]
        raise _Blocked(why)

    def _data_movement(self, t: _Thread, ev: Event) -> None:
        port = self.ports[t.name]
        if ev.op in ("noc_read", "noc_write"):
            t.work(t.clock, wc.cycles("noc_issue", "riscv", wc.Ctx()), ev.op)
            flits = 1 + math.ceil(ev.bytes / wc.NOC_BYTES_PER_CYCLE)
            start = max(t.clock, port.free)
            port.free = start + flits
            port.busy += flits
            latency = wc.cycles("dram_latency" if ev.target == "dram" else "l1_latency", "noc", wc.Ctx())
            port.in_flight[ev.op].append(port.free + latency)
            if ev.target == "dram":
                self.dram_bytes += ev.bytes
        elif ev.op in ("noc_read_barrier", "noc_write_barrier"):
            kind = ev.op.replace("_barrier", "")
            done = max(port.in_flight[kind], default=t.clock)
            t.clock = max(t.clock, done)
            port.in_flight[kind].clear()
        elif ev.op == "riscv":
            t.work(t.clock, ev.datums * wc.cycles("riscv_datum", "riscv", wc.Ctx()), "riscv loop")
        self._next(t)


def replay_core(log: CoreLog) -> CoreResult:
    """Modelled busy cycles and end time of one core."""
    return _CoreReplay(log).run()


def _replay_all(logs: list[CoreLog]) -> tuple[CoreResult, ...]:
    """Cores whose logs are the same objects (equal work) are replayed once."""
    seen: dict[tuple, CoreResult] = {}
    out = []
    for log in logs:
        key = (tuple(id(k) for k in log.kernels), tuple(sorted(log.cb_pages.items())))
        if key not in seen:
            seen[key] = replay_core(log)
        out.append(replace(seen[key], core=log.core))
    return tuple(out)


@dataclass(frozen=True)
class Estimate:
    """The device-time estimate of a run and what bounds it."""
    cores: tuple[CoreResult, ...]
    slowest: CoreResult
    dram_bytes: int
    dram_floor_s: float
    compute_s: float  # the slowest core's modelled time
    device_s: float  # max(compute_s, dram_floor_s)
    bound: str
    stage_cycles: dict[str, float]  # busy cycles per resource on the slowest core
    logs: tuple[CoreLog, ...] = ()  # what was replayed

    def summary(self) -> dict:
        return {"device_us": self.device_s * 1e6, "dram_floor_us": self.dram_floor_s * 1e6,
                "slowest_core_us": self.compute_s * 1e6, "bound": self.bound, "dram_bytes": self.dram_bytes,
                "slowest_core": list(self.slowest.core),
                "stage_us": {k: v / wc.AICLK_HZ * 1e6 for k, v in self.stage_cycles.items()}}


def estimate(logs: list[CoreLog], dram_bytes: int | None = None) -> Estimate:
    """Replays every core; device time = slowest core, floored by DRAM bytes / bandwidth.

    `dram_bytes` overrides the bytes counted from the logs' DRAM transactions (e.g. the runtime's
    own count of the whole run).
    """
    if not logs:
        raise ValueError("logs=[]: expected at least one core's event log")
    results = _replay_all(logs)
    slowest = max(results, key=lambda r: r.end_cycles)
    moved = sum(r.dram_bytes for r in results) if dram_bytes is None else dram_bytes
    floor_s = moved / wc.DRAM_BYTES_PER_S
    compute_s = slowest.end_cycles / wc.AICLK_HZ
    if floor_s >= compute_s:
        bound = "DRAM"
    else:
        name = max(slowest.busy, key=lambda k: slowest.busy[k])
        bound = name if name in ("unpack", "math", "pack") or name.startswith("NOC") else f"{name} kernel"
    return Estimate(results, slowest, moved, floor_s, compute_s, max(floor_s, compute_s), bound,
                    dict(slowest.busy), tuple(logs))
