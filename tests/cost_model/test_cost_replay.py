"""The replay's arithmetic on logs small enough to count by hand (costs from wormhole_costs).

Constants used in the hand counts: CB call 10, tile_regs call 5, NOC issue 30, DRAM latency 500,
one header flit + bytes/32 cycles on the NOC port, riscv 10 per datum, bf16 unpack_a 38,
datacopy 16, bf16 pack 45. The first test pins them, so a table change fails there first.
"""
from __future__ import annotations

import json

import pytest

from emulator.cost_model import CoreLog, CostModelError, Event, KernelLog, estimate, parse_event, replay_core
from emulator.cost_model import wormhole_costs as wc
from emulator.cost_model.trace import trace_events, write_trace


def E(op: str, **kw) -> Event:
    return Event(op, **kw)


def test_the_constants_the_hand_counts_use() -> None:
    ctx = wc.Ctx("bfloat16")
    got = {name: wc.cycles(name, thread, ctx) for name, thread in [
        ("cb_call", "riscv"), ("regs_sync", "riscv"), ("noc_issue", "riscv"), ("dram_latency", "noc"),
        ("riscv_datum", "riscv"), ("unpack_a", "unpack"), ("datacopy", "math"), ("pack", "pack")]}
    assert got == {"cb_call": 10, "regs_sync": 5, "noc_issue": 30, "dram_latency": 500, "riscv_datum": 10,
                   "unpack_a": 38, "datacopy": 16, "pack": 45}
    assert wc.NOC_BYTES_PER_CYCLE == 32


def test_single_data_movement_thread() -> None:
    # issue 30; port busy 30..33 (1 header + 64/32 flits); lands at 533; barrier; 5 datums = 50.
    reader = KernelLog("reader", "reader", (E("noc_read", bytes=64, target="dram"), E("noc_read_barrier"),
                                            E("riscv", datums=5)))
    r = replay_core(CoreLog((0, 0), {}, (reader,)))
    assert r.end_cycles == 583
    assert r.busy == {"reader": 80, "NOC reader": 3}
    assert r.dram_bytes == 64


def test_compute_tile_through_unpack_math_pack() -> None:
    # unpack 0..38; math acquire 0..5, copy waits for unpack 38..54, commit 54..59;
    # pack waits for the commit 59..64, packs 64..109, releases 109..114.
    compute = KernelLog("compute", "compute", (
        E("tile_regs_acquire"), E("compute", call="copy_tile"), E("tile_regs_commit"),
        E("tile_regs_wait"), E("compute", call="pack_tile"), E("tile_regs_release")))
    r = replay_core(CoreLog((0, 0), {}, (compute,)))
    assert r.end_cycles == 114
    assert r.busy == {"unpack": 38, "math": 26, "pack": 55}


def _producer_consumer(cap: int, tiles: int) -> CoreLog:
    # Producer per tile: reserve 10, 10 datums 100, push 10. Consumer: wait 10, 100, pop 10.
    produce = [E("cb_reserve_back", cb=0, pages=1), E("riscv", datums=10), E("cb_push_back", cb=0, pages=1)]
    consume = [E("cb_wait_front", cb=0, pages=1), E("riscv", datums=10), E("cb_pop_front", cb=0, pages=1)]
    return CoreLog((0, 0), {0: cap}, (KernelLog("reader", "reader", tuple(produce * tiles)),
                                       KernelLog("writer", "writer", tuple(consume * tiles))))


def test_double_buffered_cb_overlaps_the_two_stages() -> None:
    # pushes at 120, 240, 360 (the third reserve waits for pop 0 at 240); pops at 240, 360, 480.
    r = replay_core(_producer_consumer(cap=2, tiles=3))
    assert r.end_cycles == 480  # serial would be 720
    assert r.busy["reader"] == 360 and r.busy["writer"] == 360


def test_single_buffered_cb_serialises_the_two_stages() -> None:
    # every reserve waits for the previous pop: pushes 120, 360, 600; pops 240, 480, 720.
    r = replay_core(_producer_consumer(cap=1, tiles=3))
    assert r.end_cycles == 720


def test_dram_roofline_floor_wins_when_many_cores_stream() -> None:
    # Each core: issue 30 + 9001 flits + 500 latency = 9531 cycles = 9.531 us at 1 GHz.
    # 64 cores x 288000 B / 288 GB/s = 64 us: the floor.
    logs = [CoreLog((i % 8, i // 8), {}, (KernelLog("reader", "reader", (
        E("noc_read", bytes=288000, target="dram"), E("noc_read_barrier"))),)) for i in range(64)]
    est = estimate(logs)
    assert est.compute_s == pytest.approx(9.531e-6)
    assert est.dram_floor_s == pytest.approx(64e-6)
    assert est.device_s == pytest.approx(64e-6)
    assert est.bound == "DRAM"
    one = estimate(logs[:1])
    assert one.device_s == pytest.approx(9.531e-6)
    assert one.bound == "NOC reader"


def test_bound_names_the_busiest_thread_of_the_slowest_core() -> None:
    # rsqrt on fp32 DST, accurate: 32 x 31 = 992 cycles of math per tile; nothing else comes close.
    body = (E("tile_regs_acquire"), E("compute", call="rsqrt_tile", tiles=4), E("tile_regs_commit"),
            E("tile_regs_wait"), E("compute", call="pack_tile"), E("tile_regs_release"))
    est = estimate([CoreLog((0, 0), {}, (KernelLog("compute", "compute", body),))])
    assert est.stage_cycles["math"] == 5 + 4 * 992 + 5
    assert est.bound == "math"


def test_fidelity_and_approx_change_the_math_cost() -> None:
    def math_busy(**kw) -> float:
        body = (E("tile_regs_acquire"), E("compute", **kw), E("tile_regs_commit"))
        return replay_core(CoreLog((0, 0), {}, (KernelLog("c", "compute", body),))).busy["math"] - 10
    assert math_busy(call="mul_tiles", fidelity="LoFi") == 16
    assert math_busy(call="mul_tiles", fidelity="HiFi4") == 40
    assert math_busy(call="rsqrt_tile", approx=True, fp32_dest=False) == 32 * 22


def test_unpack_to_dest_skips_the_datacopy_and_math_waits_for_it() -> None:
    # unpack waits for the acquire (5), moves 4096 B at the unpack_a rate x2 = 76: ends 81.
    body = (E("tile_regs_acquire"), E("compute", call="copy_tile", format="float32", to_dest=True),
            E("compute", call="square_tile"), E("tile_regs_commit"))
    r = replay_core(CoreLog((0, 0), {}, (KernelLog("c", "compute", body),)))
    assert r.busy["unpack"] == 76
    assert r.busy["math"] == 5 + 160 + 5
    assert r.end_cycles == 81 + 160 + 5


def test_a_log_that_waits_for_pages_nobody_pushes_is_a_deadlock() -> None:
    waiter = KernelLog("writer", "writer", (E("cb_wait_front", cb=3, pages=1),))
    with pytest.raises(CostModelError, match=r"deadlocks: writer at event 0 \(cb_wait_front\): cb 3"):
        replay_core(CoreLog((0, 0), {3: 2}, (waiter,)))


def test_unknown_cb_and_oversized_reserve_are_named() -> None:
    with pytest.raises(CostModelError, match="CB 5 has no capacity"):
        replay_core(CoreLog((0, 0), {}, (KernelLog("r", "reader", (E("cb_reserve_back", cb=5, pages=1),)),)))
    with pytest.raises(CostModelError, match="more pages than the CB's capacity 2"):
        replay_core(CoreLog((0, 0), {5: 2}, (KernelLog("r", "reader", (E("cb_reserve_back", cb=5, pages=3),)),)))


@pytest.mark.parametrize("obj, message", [
    ({"op": "compute", "call": "frobnicate_tile"}, "call='frobnicate_tile'"),
    ({"op": "compute", "call": "copy_tile", "fidelity": "HiFi5"}, "fidelity='HiFi5'"),
    ({"op": "noc_read", "bytes": 0}, "bytes=0"),
    ({"op": "cb_push_back", "cb": 1, "pages": 0}, "pages=0"),
    ({"op": "compute", "call": "add_tiles", "to_dest": True}, "to_dest=True"),
    ({"op": "noc_read", "bytes": 8, "taget": "dram"}, r"unknown field\(s\) \['taget'\]"),
    ({"op": "jump"}, "op='jump'"),
])
def test_bad_events_are_rejected_naming_the_field(obj: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_event(obj)


def test_trace_has_one_track_per_thread_and_spans_in_microseconds(tmp_path) -> None:
    est = estimate([_producer_consumer(cap=2, tiles=3)])
    events = trace_events(est)
    names = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert names == {"reader", "writer"}
    spans = [e for e in events if e["ph"] == "X"]
    assert max(e["ts"] + e["dur"] for e in spans) == pytest.approx(0.48)
    assert trace_events(est, cores=[(5, 5)]) == []
    path = tmp_path / "trace.json"
    write_trace(est, str(path))
    assert json.loads(path.read_text())["traceEvents"] == json.loads(json.dumps(events))


def test_unpack_runs_at_most_two_source_tiles_ahead_of_math() -> None:
    # math: acquire 0..5, copy0 38..54, rsqrt 54..1046, copy1 1046..1062, rsqrt ..2054, copy2, copy3.
    # unpack: t0 0..38, t1 38..76, t2 waits for math to free tile 0 (54): 76..114,
    # t3 waits for tile 1 (1062): 1062..1100.
    body = (E("tile_regs_acquire"), E("compute", call="copy_tile"), E("compute", call="rsqrt_tile"),
            E("compute", call="copy_tile"), E("compute", call="rsqrt_tile"),
            E("compute", call="copy_tile", tiles=2), E("tile_regs_commit"))
    r = replay_core(CoreLog((0, 0), {}, (KernelLog("c", "compute", body),)))
    assert [(s.start, s.end) for s in r.spans["unpack"]] == [(0, 114), (1062, 1100)]
    assert r.end_cycles == 2054 + 16 + 16 + 5


def test_math_acquires_a_dst_half_only_after_the_packer_released_it() -> None:
    # pack is the slow stage: releases of sections 0 and 1 at 114 and 169; math's third acquire
    # waits for release 0 (114) although math is free at 97; the packer finishes at 224.
    tile = (E("tile_regs_acquire"), E("compute", call="copy_tile"), E("tile_regs_commit"),
            E("tile_regs_wait"), E("compute", call="pack_tile"), E("tile_regs_release"))
    r = replay_core(CoreLog((0, 0), {}, (KernelLog("c", "compute", tile * 3),)))
    assert [s.start for s in r.spans["math"] if s.label == "tile_regs_acquire"] == [0, 59, 114]
    assert r.end_cycles == 224
