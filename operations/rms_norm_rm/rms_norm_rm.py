"""rms_norm_rm: RMS norm over the last dimension of a ROW_MAJOR tensor (the norm of LLaMA-class models),
as a ttnn generic op.

Validation happens here, before anything is allocated or launched, so a bad call fails with a message
naming the argument, the value it got and what it expected. The checks of the tensor, gamma, epsilon,
memory config and compute config are layer_norm_rm's (one definition, the same rules and messages).
"""
from __future__ import annotations

from typing import Any

from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm import (
    _check_epsilon,
    _check_input,
    _check_param,
    output_memory,
)
from operations.layer_norm_rm.layer_norm_rm import compute_config_of as layer_norm_compute_config
from operations.rms_norm_rm.rms_norm_rm_program_descriptor import build_program
from program import ComputeConfig

DEFAULT_EPSILON = 1e-6  # LLaMA's rms_norm_eps (Hugging Face LlamaConfig default)


def rms_norm_rm(input_tensor: Any, gamma: Any = None, epsilon: float = DEFAULT_EPSILON, device: Any = None,
                memory_config: Any = None, compute_kernel_config: Any = None) -> Any:
    """x / sqrt(mean(x^2) + epsilon) [* gamma] per row of the last dimension.

    `compute_kernel_config`: a ttnn `WormholeComputeKernelConfig` or a `program.ComputeConfig` (the
    backend-neutral equivalent); default HiFi3 + fp32 DST accumulation, exact math (no approx).
    """
    shape, dtype = _check_input(input_tensor)
    compute = compute_config_of(compute_kernel_config)
    on = devices.device_of(input_tensor)
    if gamma is not None:
        _check_param("gamma", gamma, shape[-1], dtype, on)
    _check_epsilon(epsilon)
    if device is not None and not devices.same_device(device, on):
        raise ValueError(f"device={device!r}: expected the device input_tensor lives on ({on!r})")
    memory = output_memory(memory_config, input_tensor)

    output = devices.allocate(shape, dtype, on, memory)  # first: an L1 output shrinks the CB budget
    program = build_program(shape, dtype, gamma is not None, float(epsilon), grid=devices.grid_size(on),
                            l1_budget=devices.l1_budget(on),
                            gamma_shape=None if gamma is None else devices.shape_of(gamma), compute=compute)
    io = [input_tensor] + ([gamma] if gamma is not None else []) + [output]
    return devices.launch(program, io).output


def compute_config_of(config: Any) -> ComputeConfig:
    """layer_norm_rm's reading of a compute config; fp32_dest_acc_en=False is refused with this op's reason."""
    if config is not None and getattr(config, "fp32_dest_acc_en", True) is False:
        raise ValueError("compute_kernel_config.fp32_dest_acc_en=False: rms_norm_rm needs fp32 DST accumulation "
                         "(its sum of squares uses sfpu_reduce on Float32 and the SFPU column broadcast, which "
                         "tt-metal 0.81.1 implements for fp32 DST only: api/compute/sfpu_binary_bcast.h)")
    return layer_norm_compute_config(config)
