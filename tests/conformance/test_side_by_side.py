"""The side-by-side benchmark's row on a small case, end to end (it needs the wheel, hence here): both
paths produce layer norm within the layernorm unit test's bf16 bound, and the traffic the emulator
counts is what the programs must move."""
from __future__ import annotations

import emulator
from benchmarks.side_by_side import side_by_side_row

SHAPE = [1, 1, 64, 256]  # 2 tile-rows of 8 tiles, bf16: 32 KiB
TENSOR, TILE, WT = 64 * 256 * 2, 2048, 8


def test_both_paths_run_and_count_their_traffic(wheel_root) -> None:  # type: ignore[no-untyped-def]
    device = emulator.EmulatedDevice(grid=(8, 8))
    try:
        row = side_by_side_row(device, SHAPE, "bfloat16")
    finally:
        device.close()
    ttnn, ours = row["ttnn"], row["ours"]
    assert ttnn["programs"] == ["tilize_multi_core", "layer_norm_gamma_beta", "untilize_multi_core"]
    # fused/test_layer_norm.py assert_output_accuracy, bf16: |err| <= atol 0.05 + rtol 0.01 * |ref|.
    assert ttnn["max_abs_err_vs_float64"] < 0.05 and ours["max_abs_err_vs_float64"] < 0.05
    # tilize, layernorm and untilize each read and write the tensor once; each of the 2 layernorm cores
    # also reads the Wt tiles of gamma and of beta.
    assert ttnn["dram_bytes_read"] == 3 * TENSOR + 2 * 2 * WT * TILE
    assert ttnn["dram_bytes_written"] == 3 * TENSOR
    assert ours["dram_bytes_written"] == TENSOR
    assert ttnn["kernels"] == 9 and ours["kernels"] == 3
    assert len(ttnn["device_us_per_program"]) == 3 and ttnn["device_us"] > 0 and ours["device_us"] > 0
