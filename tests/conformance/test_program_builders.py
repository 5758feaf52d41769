"""The factory arithmetic the mirrors reproduce, checked without running: the layernorm factory's
small/large-tensor choice and CB sizes, its per-core runtime args, and the tilize factory's block size."""
from __future__ import annotations

from program import ComputeConfig
from tests.conformance.programs import layernorm, tilize

GAMMA_BETA = layernorm.Norm(gamma=True, beta=True)


def _cbs(program):  # type: ignore[no-untyped-def]
    return {cb.index: (cb.data_format, cb.num_pages) for cb in program.cbs}


def test_default_config_uses_block_4_and_float32_intermediates() -> None:
    cbs = _cbs(layernorm.program(GAMMA_BETA, 1, 2, 32, (1, 1), 1e-5))
    assert cbs[layernorm.IN] == ("bfloat16", 32) and cbs[layernorm.OUT] == ("bfloat16", 8)
    assert cbs[layernorm.XMM] == ("float32", 32) and cbs[layernorm.FUSION] == ("float32", 8)
    assert cbs[layernorm.SCALER] == ("bfloat16", 2) and cbs[layernorm.EPS] == ("bfloat16", 2)
    assert layernorm.ACC not in cbs


def test_bf16_dst_uses_block_8_rounds_wt_up_and_bf16_intermediates() -> None:
    norm = layernorm.Norm(gamma=True, config=ComputeConfig("HiFi4", False, True, False, []))
    cbs = _cbs(layernorm.program(norm, 1, 1, 20, (1, 1), 1e-5))
    assert cbs[layernorm.IN] == ("bfloat16", 24) and cbs[layernorm.XMM2] == ("bfloat16", 24)
    assert layernorm.BETA not in cbs and cbs[layernorm.GAMMA] == ("bfloat16", 24)


def test_rms_norm_has_no_mean_buffers() -> None:
    cbs = _cbs(layernorm.program(layernorm.Norm(rms=True), 1, 1, 8, (1, 1), 1e-5))
    assert layernorm.EX not in cbs and layernorm.XMM not in cbs and layernorm.FUSION not in cbs


def test_wide_rows_take_the_large_tensor_kernels_with_the_factorys_chunk() -> None:
    assert layernorm.fits_small_kernel(GAMMA_BETA, 64) and not layernorm.fits_small_kernel(GAMMA_BETA, 128)
    prog = layernorm.program(GAMMA_BETA, 1, 1, 128, (1, 1), 1e-5)
    cbs = _cbs(prog)
    assert cbs[layernorm.IN] == ("bfloat16", 56) and cbs[layernorm.ACC] == ("float32", 1)
    compute = next(k for k in prog.kernels if k.kind == "compute")
    assert compute.source.endswith("compute/layernorm_large_tensor.cpp")
    assert compute.compute_config.unpack_to_dest_fp32 == [layernorm.ACC]
    assert not layernorm.fits_small_kernel(layernorm.Norm(), 256)
    assert _cbs(layernorm.program(layernorm.Norm(), 1, 1, 256, (1, 1), 1e-5))[layernorm.IN] == ("bfloat16", 112)


def test_rows_split_row_wise_and_the_writer_starts_at_a_tile() -> None:
    prog = layernorm.program(GAMMA_BETA, 1, 5, 3, (2, 2), 1e-5)
    reader, _, writer = prog.kernels
    # 5 tile-rows over 4 cores: the first takes 2; the reader gets tile-rows, the writer tiles (rows * Wt).
    assert [reader.runtime_args[c][:3] for c in [(0, 0), (1, 0), (0, 1), (1, 1)]] == \
        [[2, 3, 0], [1, 3, 2], [1, 3, 3], [1, 3, 4]]
    assert [writer.runtime_args[c][2] for c in [(0, 0), (1, 0), (0, 1), (1, 1)]] == [0, 6, 9, 12]


def test_tilize_block_is_the_row_or_its_largest_divisor_that_fits_half_of_l1() -> None:
    assert tilize.block_tiles(128, "bfloat16") == 128
    assert tilize.block_tiles(128, "float32") == 64  # (749568 - 105824) // 8192 = 78 tiles fit
    assert tilize.block_tiles(100, "float32") == 50
