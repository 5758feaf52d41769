"""Robustness as a new user meets it (issue 11 item 5): every bit pattern is data, closed devices and
deallocated tensors raise clear errors instead of crashing or reading stale memory, and the watchdog
runs with the settings it was given (read back, never timed)."""
from __future__ import annotations

import numpy as np
import pytest

import emulator
from emulator import settings
from tests.emulator.fault_programs import fault_program
from tests.emulator.harness import run_tile_op

# bf16 bit patterns that are data, not "uninitialised": NaNs (0xFFFF is torch's -NaN), infinities,
# denormals, signed zeros, and the largest finite values.
BF16_PATTERNS = [0xFFFF, 0x7FC0, 0x7FFF, 0xFFC1, 0x7F80, 0xFF80, 0x0001, 0x8001, 0x007F, 0x0000, 0x8000, 0x7F7F,
                 0xFF7F, 0x3F80]


def patterned_input(device: emulator.EmulatedDevice, n: int = 2) -> tuple[emulator.EmulatedTensor, np.ndarray]:
    raw = np.resize(np.array(BF16_PATTERNS, dtype=np.uint16), n * 1024).reshape(n, 1024)
    x = device.allocate([n, 1024], "bfloat16")
    x.write(raw)
    return x, raw


def test_every_bf16_bit_pattern_moves_bit_exactly(emu):
    """Reader -> writer without compute: NaN, Inf and denormal patterns arrive unchanged."""
    x, raw = patterned_input(emu)
    out = emu.allocate([2, 1024], "bfloat16")
    emulator.run(fault_program(with_compute=False), [x, out])
    np.testing.assert_array_equal(out.read(), raw)


def test_nan_and_inf_datums_are_data_for_the_compute_kernel(emu):
    """Through unpack, DST and pack: no false UninitialisedReadError; non-finite stays non-finite and
    infinities keep their sign (how NaN payloads and denormals pack is the numerics model's business)."""
    x, raw = patterned_input(emu)
    out = emu.allocate([2, 1024], "bfloat16")
    emulator.run(fault_program(), [x, out])
    got = out.read()
    exponent_all_ones = lambda bits: (bits & 0x7F80) == 0x7F80  # noqa: E731
    assert np.array_equal(exponent_all_ones(got), exponent_all_ones(raw))
    infinite = (raw & 0x7FFF) == 0x7F80
    np.testing.assert_array_equal(got[infinite], raw[infinite])


def test_fp32_all_ones_nan_is_data(emu):
    bits = np.full((1, 32, 32), 0xFFFFFFFF, dtype=np.uint32).view(np.float32)
    out = run_tile_op(emu, {"OP_COPY": "1"}, [bits], "float32", "float32", unpack_to_dest=[0])
    assert np.isnan(out).all()


def test_reading_l1_nothing_wrote_is_still_found(emu):
    """The written-map, not the data, decides: the reader pushes a page it never wrote."""
    x, _ = patterned_input(emu, 1)
    with pytest.raises(emulator.UninitialisedReadError, match=r"noc_async_write sends undefined data to DRAM: byte "
                                                              r"0 of the 2048-byte write, datum \(0,0\)"):
        emulator.run(fault_program("FAULT_UNWRITTEN_PAGE", n=1), [x, emu.allocate([1, 1024], "bfloat16")])


# --- device and tensor lifecycle -------------------------------------------------------------------

def test_closed_device_refuses_its_tensors():
    device = emulator.EmulatedDevice()
    x, _ = patterned_input(device)
    out = device.allocate([2, 1024], "bfloat16")
    device.close()
    with pytest.raises(emulator.DeviceClosedError, match=r"read of a bfloat16 \[2, 1024\] tensor: the emulated "
                                                         r"device was closed"):
        x.read()
    with pytest.raises(emulator.DeviceClosedError, match="write"):
        x.write(np.zeros((2, 1024), dtype=np.uint16))
    with pytest.raises(emulator.DeviceClosedError, match="launch of program 'faults' with io tensor 'in'"):
        emulator.run(fault_program(), [x, out])
    with pytest.raises(emulator.DeviceClosedError, match="allocate"):
        device.allocate([1, 32], "bfloat16")
    device.close()  # closing twice is harmless


def test_deallocated_tensor_is_refused_even_after_its_memory_is_reused(emu):
    x, _ = patterned_input(emu)
    address = x.buffer_address()
    x.deallocate()
    y = emu.allocate([2, 1024], "bfloat16")
    assert y.buffer_address() == address, "the freed DRAM went to the next tensor"
    with pytest.raises(emulator.TensorDeallocatedError, match=r"read: this bfloat16 \[2, 1024\] tensor was deallocated"):
        x.read()
    with pytest.raises(emulator.TensorDeallocatedError, match="launch of program 'faults' with io tensor 'in'"):
        emulator.run(fault_program(), [x, emu.allocate([2, 1024], "bfloat16")])


# --- watchdog settings ------------------------------------------------------------------------------

def test_hang_period_defaults_to_ten_seconds():
    assert settings.DEFAULT_HANG_SECONDS == 10.0
    assert settings.parse_hang_seconds({}) == 10.0
    assert settings.parse_hang_seconds({settings.HANG_SECONDS_ENV: "2.5"}) == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "ten"])
def test_bad_hang_period_is_refused_by_name(value):
    with pytest.raises(ValueError, match=f"EMULATOR_HANG_SECONDS='{value}': expected a finite number of seconds > 0"):
        settings.parse_hang_seconds({settings.HANG_SECONDS_ENV: value})


def test_runner_runs_with_the_configured_watchdog(emu):
    """The runner echoes the watchdog settings it read from the plan and runs with."""
    x, _ = patterned_input(emu)
    result = emulator.run(fault_program(), [x, emu.allocate([2, 1024], "bfloat16")], hang_timeout=3.5)
    assert result.watchdog == {"hang_seconds": 3.5, "tick_ms": settings.WATCHDOG_TICK_MS,
                               "deadlock_ticks": settings.DEADLOCK_TICKS}
    assert settings.WATCHDOG_TICK_MS * settings.DEADLOCK_TICKS <= 1000, "deadlocks are reported within a second"
