"""The timing arithmetic and order of benchmarks.timing, on a fake clock (no real time measured)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks import timing
from benchmarks.timing import (TIMED_CALLS, WARMUP_CALLS, against_warm_baseline, elapsed, interleaved,
                               live_children_cpu_seconds, warm_mean)

from tests.benchmarks.fakes import Script


def test_the_issue_definition_of_warm_is_3_untimed_then_10_timed() -> None:
    assert (WARMUP_CALLS, TIMED_CALLS) == (3, 10)


def test_warm_mean_calls_the_warmups_before_reading_the_clock() -> None:
    s = Script()
    warm_mean(s.call("torch", [1.0]), s.clock)
    assert s.log == ["torch"] * 3 + ["clock"] + ["torch"] * 10 + ["clock"]


def test_warm_mean_excludes_the_warmup_durations() -> None:
    # Warm-up calls take 100 s each, timed calls 1..10 s: the mean is 5.5, untouched by the warm-ups.
    s = Script()
    assert warm_mean(s.call("torch", [100.0] * 3 + [float(i) for i in range(1, 11)]), s.clock) == pytest.approx(5.5)


def test_elapsed_times_exactly_one_call() -> None:
    s = Script()
    assert elapsed(s.call("emu", [2.5]), s.clock) == 2.5
    assert s.log == ["clock", "emu", "clock"]


def test_interleaved_rounds_take_each_measurement_once_in_order() -> None:
    order: list[str] = []
    samples = interleaved({"a": lambda: order.append("a") or 1.0, "b": lambda: order.append("b") or 2.0}, 3)
    assert order == ["a", "b"] * 3
    assert samples == {"a": [1.0] * 3, "b": [2.0] * 3}


@pytest.mark.parametrize("bad", [0, -1])
def test_interleaved_needs_a_round(bad: int) -> None:
    with pytest.raises(ValueError, match=f"repeats={bad}"):
        interleaved({"a": lambda: 1.0}, bad)


@pytest.mark.parametrize("warmup, calls", [(-1, 10), (3, 0)])
def test_warm_mean_rejects_impossible_counts(warmup: int, calls: int) -> None:
    with pytest.raises(ValueError, match=f"warmup={warmup}, calls={calls}"):
        warm_mean(lambda: None, lambda: 0.0, warmup, calls)


def test_median_of_means_against_the_median_of_subject_samples() -> None:
    # Subject: 10, 40, 20 s in rounds 1..3 -> median 20. Baseline: each round 3 warm-ups (50 s, ignored)
    # then 10 calls all of d_r, so the round means are 1, 3, 2 -> median 2. Ratio 20 / 2 = 10.
    s = Script()
    baseline = []
    for d in (1.0, 3.0, 2.0):
        baseline += [50.0] * 3 + [d] * 10
    c = against_warm_baseline(s.call("emu", [10.0, 40.0, 20.0]), s.call("torch", baseline), 3, s.clock)
    assert c.subject_samples_s == [10.0, 40.0, 20.0]
    assert c.baseline_means_s == pytest.approx([1.0, 3.0, 2.0])
    assert (c.subject_s, c.baseline_s, c.ratio) == (20.0, pytest.approx(2.0), pytest.approx(10.0))


def test_one_round_is_a_pause_the_subject_then_warmed_baseline() -> None:
    s = Script()
    against_warm_baseline(s.call("emu", [1.0]), s.call("torch", [1.0]), 2, s.clock, lambda: s.log.append("pause"))
    one_round = ["pause", "clock", "emu", "clock"] + ["torch"] * 3 + ["clock"] + ["torch"] * 10 + ["clock"]
    assert s.log == one_round * 2


def test_the_default_pause_lets_the_baseline_threads_settle_outside_the_clock(monkeypatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(timing.time, "sleep", slept.append)
    s = Script()
    c = against_warm_baseline(s.call("emu", [4.0]), s.call("torch", [1.0]), 1, s.clock)
    assert slept == [timing.SETTLE_SECONDS] and c.subject_samples_s == [4.0]


def test_an_even_number_of_rounds_takes_the_middle_mean() -> None:
    s = Script()
    c = against_warm_baseline(s.call("emu", [1.0, 2.0, 3.0, 10.0]), s.call("torch", [1.0]), 4, s.clock)
    assert c.subject_s == 2.5


BURN = """
import sys, time
while time.process_time() < 0.3:
    pass
print("burnt", flush=True)
sys.stdin.read()
"""


def test_live_children_count_their_cpu_before_anyone_waits_for_them() -> None:
    """A device's persistent runner is waited for only when the device closes: its CPU must count live."""
    before = live_children_cpu_seconds()
    child = subprocess.Popen([sys.executable, "-c", BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "burnt\n"
        assert live_children_cpu_seconds() - before >= 0.25  # 0.3 s burnt, counted in clock ticks
    finally:
        child.stdin.close()
        child.wait()
