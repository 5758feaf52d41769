"""layer_norm_rm and rms_norm_rm with DRAM- or L1-interleaved input, gamma/beta and output: every
combination computes the same bits as the DRAM/DRAM run (the kernels are the same; only where the
pages live differs), and sharded memory is refused naming the argument, its value and what is accepted."""
from __future__ import annotations

import itertools

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.rms_norm_rm import rms_norm_rm

DRAM, L1 = "DRAM_INTERLEAVED", "L1_INTERLEAVED"
COMBINATIONS = list(itertools.product((DRAM, L1), repeat=2))
CASES = [([1, 1, 32, 64], torch.bfloat16, False), ([2, 1, 7, 96], torch.float32, True),
         ([1, 3, 33, 160], torch.bfloat16, True),
         ([1, 1, 64, 16384], torch.bfloat16, True)]  # the streamed plan, with 32 KiB per L1 bank per tensor


def _inputs(shape: list[int], dtype: torch.dtype, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g).to(dtype)
    gamma = (1 + 0.5 * torch.randn(shape[-1], generator=g)).to(dtype)
    beta = torch.randn(shape[-1], generator=g).to(dtype)
    return x, gamma, beta


def _bits(t: torch.Tensor) -> torch.Tensor:
    return t.view(torch.int16) if t.dtype == torch.bfloat16 else t.view(torch.int32)


@pytest.mark.parametrize("shape,dtype,affine", CASES, ids=lambda v: str(v))
def test_layer_norm_every_memory_combination_matches_dram_bit_for_bit(device, shape, dtype, affine):
    x, gamma, beta = _inputs(shape, dtype, seed=len(shape) + shape[-1])
    results = {}
    for memory_in, memory_out in COMBINATIONS:
        on = lambda t: devices.from_torch(t, device, memory_config=memory_in)  # noqa: E731
        xd = on(x)
        params = {"gamma": on(gamma), "beta": on(beta)} if affine else {}
        out = layer_norm_rm(xd, **params, memory_config=memory_out)
        assert devices.memory_name(out) == memory_out
        results[(memory_in, memory_out)] = devices.to_torch(out)
    base = _bits(results[(DRAM, DRAM)])
    reference = torch.nn.functional.layer_norm(x.double(), [shape[-1]], gamma.double() if affine else None,
                                               beta.double() if affine else None, 1e-5)
    assert (results[(DRAM, DRAM)].double() - reference).abs().max() < 0.1  # a real normalisation, not noise
    for combination, out in results.items():
        assert torch.equal(_bits(out), base), f"{combination} differs from DRAM/DRAM"


def test_rms_norm_l1_in_and_out_matches_dram_bit_for_bit(device):
    x, gamma, _ = _inputs([1, 1, 40, 128], torch.bfloat16, seed=3)
    dram = devices.to_torch(rms_norm_rm(devices.from_torch(x, device), gamma=devices.from_torch(gamma, device)))
    out = rms_norm_rm(devices.from_torch(x, device, memory_config=L1),
                      gamma=devices.from_torch(gamma, device, memory_config=L1), memory_config=L1)
    assert devices.memory_name(out) == L1
    assert torch.equal(_bits(devices.to_torch(out)), _bits(dram))


def test_output_memory_defaults_to_the_input_memory(device):
    x = devices.from_torch(torch.randn(1, 1, 32, 64), device, memory_config=L1)
    assert devices.memory_name(layer_norm_rm(x)) == L1


@pytest.mark.parametrize("config", ["L1_HEIGHT_SHARDED", "DRAM_BLOCK_SHARDED"])
def test_sharded_output_is_refused(device, config):
    x = devices.from_torch(torch.randn(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=rf"memory_config='{config}' \({config}\): expected DRAM_INTERLEAVED or "
                                         r"L1_INTERLEAVED; sharded memory is not supported"):
        layer_norm_rm(x, memory_config=config)
    with pytest.raises(ValueError, match=rf"memory_config='{config}'"):
        rms_norm_rm(x, memory_config=config)


def test_sharded_input_is_refused(device):
    with pytest.raises(ValueError, match=r"memory_config='L1_WIDTH_SHARDED' \(L1_WIDTH_SHARDED\): expected "
                                         r"DRAM_INTERLEAVED or L1_INTERLEAVED"):
        devices.from_torch(torch.randn(1, 1, 32, 64), device, memory_config="L1_WIDTH_SHARDED")


def test_ops_plan_their_cbs_below_the_lowest_l1_buffer():
    """devices.l1_budget on the emulator: the L1 a program's CBs may use ends where the L1 buffers begin
    (which is why the ops allocate their output before planning)."""
    emu = devices.open_emulated_device()
    try:
        full = emu.l1_size - emu.l1_unreserved_base
        assert devices.l1_budget(emu) == full
        x = emu.allocate([64, 4096], "bfloat16", memory=L1)  # 8 KiB per bank
        assert devices.l1_budget(emu) == full - 8192 == x.buffer_address() - emu.l1_unreserved_base
    finally:
        devices.close_device(emu)
