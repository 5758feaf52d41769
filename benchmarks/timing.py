"""How the benchmark times things: warm baselines, interleaved rounds, medians.

Issue #15 found the old ratio flattered the emulator 4-15x because torch was timed cold (its first
call after a pause took 4-9 ms, the next ~1 ms). So the baseline is timed warm, exactly as the
issue's acceptance defines it: 3 untimed calls, then the mean of the next 10; and every round times
each candidate once, so drift on a shared machine hits all of them alike. Nothing here knows what
is being timed, and the clock is a parameter, so the arithmetic is testable without timing anything.
"""
from __future__ import annotations

import os
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

Clock = Callable[[], float]
Measurement = Callable[[], float]  # takes one sample, returns seconds

WARMUP_CALLS = 3
TIMED_CALLS = 10
# A pause before each subject call, outside its clock: torch's OpenMP workers spin for a while after the
# baseline's last parallel region (libgomp's GOMP_SPINCOUNT spin-wait before sleeping), and on a 2-vCPU
# machine that spinning took a core from the emulator's runner: [1,1,4096,1024] bf16 measured 34.5 ms right
# after the torch calls, 31.7 ms after 2 ms, 30.7 ms after 10 ms, 30.3 ms with no torch calls between runs,
# 30.7 ms with OMP_WAIT_POLICY=PASSIVE (which would slow the baseline itself, so it is not used). The
# subject's own work after its answer is synchronized inside its call (workload.run_op), so neither side's
# threads run beside the other's timing.
SETTLE_SECONDS = 0.01


def cpu_seconds() -> float:
    """User + system CPU time of this process, its waited-for children (compilers, ended runners) and its
    live children (a device's persistent runner, which is waited for only when its device closes): on a
    shared machine it moves far less with other people's load than wall time does."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + live_children_cpu_seconds()


def live_children_cpu_seconds() -> float:
    """CPU time so far of this process's children still running (Linux /proc; 0 where it is missing)."""
    total = 0
    for listing in Path("/proc/self/task").glob("*/children"):
        for pid in listing.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile: counted in RUSAGE_CHILDREN once waited for
            total += int(fields[11]) + int(fields[12])  # utime, stime (proc(5) fields 14, 15) in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def elapsed(fn: Callable[[], Any], clock: Clock = time.perf_counter) -> float:
    """Seconds one call of `fn` takes."""
    start = clock()
    fn()
    return clock() - start


def warm_mean(fn: Callable[[], Any], clock: Clock = time.perf_counter, warmup: int = WARMUP_CALLS,
              calls: int = TIMED_CALLS) -> float:
    """Mean seconds per call over `calls` calls made right after `warmup` untimed ones."""
    if warmup < 0 or calls < 1:
        raise ValueError(f"warmup={warmup}, calls={calls}: expected warmup >= 0 and calls >= 1")
    for _ in range(warmup):
        fn()
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def interleaved(measurements: dict[str, Measurement], repeats: int) -> dict[str, list[float]]:
    """Each round takes every measurement once, in the order given; returns each one's samples."""
    if repeats < 1:
        raise ValueError(f"repeats={repeats}: expected at least 1")
    samples: dict[str, list[float]] = {name: [] for name in measurements}
    for _ in range(repeats):
        for name, measure in measurements.items():
            samples[name].append(measure())
    return samples


@dataclass(frozen=True)
class Comparison:
    """A subject timed one call a round against a warm baseline, in interleaved rounds; medians, so
    one slow round on a shared machine does not move the figures."""
    subject_samples_s: list[float]
    baseline_means_s: list[float]  # per round: the warm mean of TIMED_CALLS calls

    @property
    def subject_s(self) -> float:
        return statistics.median(self.subject_samples_s)

    @property
    def baseline_s(self) -> float:
        return statistics.median(self.baseline_means_s)

    @property
    def ratio(self) -> float:
        """median subject time / median warm-baseline time."""
        return self.subject_s / self.baseline_s


def settled(fn: Callable[[], Any], clock: Clock = time.perf_counter,
            pause: Callable[[], Any] = lambda: time.sleep(SETTLE_SECONDS)) -> float:
    """elapsed(fn) after `pause` (outside the clock): what ran before has gone idle (SETTLE_SECONDS)."""
    pause()
    return elapsed(fn, clock)


def against_warm_baseline(subject: Callable[[], Any], baseline: Callable[[], Any], repeats: int,
                          clock: Clock = time.perf_counter,
                          pause: Callable[[], Any] = lambda: time.sleep(SETTLE_SECONDS)) -> Comparison:
    """Each round: one timed call of `subject` once the previous baseline calls have settled (settled),
    then `baseline` warmed and timed (warm_mean)."""
    samples = interleaved({"subject": lambda: settled(subject, clock, pause),
                           "baseline": lambda: warm_mean(baseline, clock)}, repeats)
    return Comparison(samples["subject"], samples["baseline"])
