"""layer_norm_rm: LayerNorm over the last dimension of a ROW_MAJOR tensor, as a ttnn generic op.

Validation happens here, before anything is allocated or launched, so a bad call fails with a
message naming the argument, the value it got and what it expected.
"""
from __future__ import annotations

import math
import struct
from typing import Any

from operations import device as devices
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import DEFAULT_COMPUTE, build_program, check_shape
from program import ComputeConfig

SUPPORTED_DTYPES = ("bfloat16", "float32")
# The compute kernel receives epsilon as float32 bits: it must be a normal float32 there (IEEE 754 binary32).
FP32_MIN_NORMAL = 2.0 ** -126
FP32_MAX = (2.0 - 2.0 ** -23) * 2.0 ** 127


def layer_norm_rm(input_tensor: Any, gamma: Any = None, beta: Any = None, epsilon: float = 1e-5,
                  device: Any = None, memory_config: Any = None, compute_kernel_config: Any = None) -> Any:
    """(x - mean) / sqrt(var + epsilon) [* gamma] [+ beta] per row of the last dimension.

    `compute_kernel_config`: a ttnn `WormholeComputeKernelConfig` or a `program.ComputeConfig` (the
    backend-neutral equivalent); default HiFi3 + fp32 DST accumulation, exact math (no approx). A 16-bit
    DST (fp32_dest_acc_en False) is accepted for both dtypes, as ttnn accepts it: every intermediate is then
    a bf16, so float32 inputs get bf16-level accuracy (the spec states the bound).
    """
    shape, dtype = _check_input(input_tensor)
    compute = compute_config_of(compute_kernel_config)
    on = devices.device_of(input_tensor)
    for name, param in (("gamma", gamma), ("beta", beta)):
        if param is not None:
            _check_param(name, param, shape[-1], dtype, on)
    _check_epsilon(epsilon)
    if device is not None and not devices.same_device(device, on):
        raise ValueError(f"device={device!r}: expected the device input_tensor lives on ({on!r})")
    memory = output_memory(memory_config, input_tensor)

    output = devices.allocate(shape, dtype, on, memory)  # first: an L1 output shrinks the CB budget
    program = build_program(shape, dtype, gamma is not None, beta is not None, float(epsilon),
                            grid=devices.grid_size(on), l1_budget=devices.l1_budget(on),
                            param_shape=_param_shape(gamma, beta), compute=compute)
    io = [input_tensor] + [p for p in (gamma, beta) if p is not None] + [output]
    return devices.launch(program, io).output


def _check_input(t: Any) -> tuple[list[int], str]:
    if not devices.is_device_tensor(t):
        raise TypeError(f"input_tensor: expected a device tensor (ttnn.Tensor or emulated), got {type(t).__name__}")
    shape, dtype = devices.shape_of(t), devices.dtype_name(t)
    if dtype not in SUPPORTED_DTYPES:
        raise ValueError(f"input_tensor.dtype={dtype}: expected one of {SUPPORTED_DTYPES}")
    if devices.layout_name(t) != "ROW_MAJOR":
        raise ValueError(f"input_tensor.layout={devices.layout_name(t)}: expected ROW_MAJOR")
    _check_memory("input_tensor", t)
    try:
        check_shape(shape)
    except ValueError as error:
        raise ValueError(f"input_tensor.{error}") from None
    return shape, dtype


FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")


def compute_config_of(config: Any) -> ComputeConfig:
    """The neutral ComputeConfig of a ttnn WormholeComputeKernelConfig (read by attribute, so the op never
    asks which backend it runs on) or of a ComputeConfig; None -> the default."""
    if config is None:
        return DEFAULT_COMPUTE
    try:
        fidelity = getattr(config.math_fidelity, "name", config.math_fidelity)
        fields = (str(fidelity).rsplit(".", 1)[-1], config.fp32_dest_acc_en, config.math_approx_mode)
    except AttributeError as error:
        raise TypeError(f"compute_kernel_config={config!r}: expected a WormholeComputeKernelConfig or "
                        f"program.ComputeConfig (math_fidelity, fp32_dest_acc_en, math_approx_mode)") from error
    if fields[0] not in FIDELITIES:
        raise ValueError(f"compute_kernel_config.math_fidelity={fidelity!r}: expected one of {FIDELITIES}")
    for name, value in (("fp32_dest_acc_en", fields[1]), ("math_approx_mode", fields[2])):
        if not isinstance(value, bool):
            raise TypeError(f"compute_kernel_config.{name}={value!r}: expected a bool")
    return ComputeConfig(math_fidelity=fields[0], fp32_dest_acc_en=fields[1], math_approx_mode=fields[2])


def _check_param(name: str, t: Any, width: int, dtype: str, on: Any) -> None:
    if not devices.is_device_tensor(t):
        raise TypeError(f"{name}: expected a device tensor (ttnn.Tensor or emulated) or None, got {type(t).__name__}")
    shape = devices.shape_of(t)
    if shape[-1:] != [width] or any(d != 1 for d in shape[:-1]):
        raise ValueError(f"{name}.shape={shape}: expected [{width}] or [1, ..., 1, {width}] (W of input_tensor)")
    if devices.dtype_name(t) != dtype:
        raise ValueError(f"{name}.dtype={devices.dtype_name(t)}: expected {dtype}, the dtype of input_tensor")
    if devices.layout_name(t) != "ROW_MAJOR":
        raise ValueError(f"{name}.layout={devices.layout_name(t)}: expected ROW_MAJOR")
    _check_memory(name, t)
    if not devices.same_device(devices.device_of(t), on):
        raise ValueError(f"{name}: lives on another device than input_tensor")


def _check_epsilon(epsilon: Any) -> None:
    """Checked in the precision the kernel receives it: 1e-50 would reach it as 0 and 1e39 as inf."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
        raise TypeError(f"epsilon={epsilon!r}: expected a float")
    as_fp32 = _as_float32(epsilon)
    if not math.isfinite(epsilon) or epsilon <= 0 or not FP32_MIN_NORMAL <= as_fp32 <= FP32_MAX:
        raise ValueError(f"epsilon={epsilon!r}: expected a finite value > 0 that stays a normal float32 "
                         f"({FP32_MIN_NORMAL:.8g} .. {FP32_MAX:.8g}), the precision the kernel receives it in; "
                         f"as float32 it is {as_fp32!r}")


def _as_float32(x: float) -> float:
    """x rounded to float32 (to nearest even), infinities where it overflows."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _check_memory(name: str, t: Any) -> None:
    memory = devices.memory_name(t)
    if memory not in devices.INTERLEAVED_MEMORIES:
        raise ValueError(f"{name} memory={memory}: expected {' or '.join(devices.INTERLEAVED_MEMORIES)} "
                         f"(sharded tensors are not supported)")


def output_memory(config: Any, input_tensor: Any) -> str:
    """Where the output goes: DRAM or L1 interleaved as `config` says; None keeps the input's memory, as
    ttnn's normalization ops do (tenstorrent/tt-metal ttnn/cpp/ttnn/operations/normalization/layernorm/
    device/layernorm_device_operation.cpp: memory_config.value_or(input_tensor.memory_config()))."""
    if config is None:
        return devices.memory_name(input_tensor)
    if not isinstance(config, str) and not (hasattr(config, "buffer_type") and hasattr(config, "memory_layout")):
        raise TypeError(f"memory_config={config!r}: expected None, a ttnn.MemoryConfig or a name such as "
                        f"'DRAM_INTERLEAVED' or 'L1_INTERLEAVED', got {type(config).__name__}")
    name = devices.memory_config_name(config)
    if name not in devices.INTERLEAVED_MEMORIES:
        raise ValueError(f"memory_config={config!r} ({name}): expected "
                         f"{' or '.join(devices.INTERLEAVED_MEMORIES)}; sharded memory is not supported")
    return name


def _param_shape(gamma: Any, beta: Any) -> list[int] | None:
    """gamma and beta share one slot shape in the Program; they may differ only in leading 1s."""
    shapes = [devices.shape_of(p) for p in (gamma, beta) if p is not None]
    if len(shapes) == 2 and shapes[0] != shapes[1]:
        raise ValueError(f"gamma.shape={shapes[0]} and beta.shape={shapes[1]}: expected the same shape")
    return shapes[0] if shapes else None
