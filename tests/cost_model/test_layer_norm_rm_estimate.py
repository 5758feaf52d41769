"""layer_norm_rm's scripted event logs replay cleanly and the estimate keeps its documented parts."""
from __future__ import annotations

import pytest

from benchmarks.layer_norm_rm_events import core_logs
from emulator.cost_model import estimate
from emulator.cost_model import wormhole_costs as wc

SHAPE = [1, 1, 4096, 1024]


@pytest.fixture(scope="module")
def logs():
    return core_logs(SHAPE, "bfloat16")


def test_every_cb_is_drained_by_its_consumer(logs) -> None:
    # The scripted kernels must keep the real kernels' CB protocol: what is pushed is popped.
    for kernel_events in (k.events for k in logs[0].kernels):
        assert kernel_events
    pushed, popped = {}, {}
    for k in logs[0].kernels:
        for e in k.events:
            if e.op == "cb_push_back":
                pushed[e.cb] = pushed.get(e.cb, 0) + e.pages
            elif e.op == "cb_pop_front":
                popped[e.cb] = popped.get(e.cb, 0) + e.pages
    assert pushed == popped


def test_dram_bytes_and_floor_are_the_hand_count(logs) -> None:
    est = estimate(logs)
    # input + output, 2 bytes a datum, plus one gamma and one beta stick (2 KiB each) per core.
    expected = 2 * 4096 * 1024 * 2 + 64 * 2 * 1024 * 2
    assert len(logs) == 64 and est.dram_bytes == expected
    assert est.dram_floor_s == pytest.approx(expected / wc.DRAM_BYTES_PER_S)
    assert est.device_s == max(est.compute_s, est.dram_floor_s)


def test_compute_alone_exceeds_the_dram_floor(logs) -> None:
    # The finding of issue #16: even with the reader's work removed, the TRISCs alone need more
    # than the DRAM floor; math (SFPU) is the busiest of the three.
    est = estimate(core_logs(SHAPE, "bfloat16", fill_tiles=False))
    stages = est.stage_cycles
    assert est.bound == "math"
    assert stages["math"] > max(stages["unpack"], stages["pack"])
    assert est.compute_s > 3 * est.dram_floor_s
