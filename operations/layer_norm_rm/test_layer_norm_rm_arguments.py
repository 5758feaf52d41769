"""layer_norm_rm's argument checks that depend on what the kernel receives (issue 11 item 5): epsilon
must survive the trip to float32 as a normal number, and memory_config must be a memory config."""
from __future__ import annotations

import re

import pytest
import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm import FP32_MAX, FP32_MIN_NORMAL


@pytest.mark.parametrize("epsilon,as_fp32", [(1e-50, r"0\.0"), (1e-39, r"1\.00000\d*e-39"), (1e39, "inf"),
                                             (3.5e38, "inf")])
def test_epsilon_that_float32_cannot_hold_as_a_normal_number_is_refused(device, epsilon, as_fp32):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(ValueError, match=rf"epsilon={re.escape(repr(epsilon))}: expected a finite value > 0 that stays a normal "
                                         rf"float32 .*; as float32 it is {as_fp32}"):
        layer_norm_rm(x, epsilon=epsilon)


def test_float32_limits_are_ieee_binary32():
    assert FP32_MIN_NORMAL == torch.finfo(torch.float32).tiny
    assert FP32_MAX == torch.finfo(torch.float32).max


@pytest.mark.parametrize("config", [123, 1.5, ["DRAM"], object()])
def test_memory_config_of_another_type_is_a_type_error(device, config):
    x = devices.from_torch(torch.zeros(1, 1, 32, 64), device)
    with pytest.raises(TypeError, match=r"memory_config=.*: expected None, a ttnn.MemoryConfig or a name"):
        layer_norm_rm(x, memory_config=config)
