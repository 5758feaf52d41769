"""Lowering a backend-neutral Program to a real `ttnn.ProgramDescriptor` for `ttnn.generic_op`.

The only module that knows ttnn's descriptor types. Tensor-dependent values (accessor args, buffer
addresses) go through a resolver, because only a tensor on a real device can answer them; the ttnn
checks substitute a resolver with known values to verify everything else without hardware.
"""
from __future__ import annotations

from typing import Any

from program import (CircularBuffer, CoreRange, Kernel, Program, TensorResolver, common_runtime_args,
                     compile_time_args, cores_of, runtime_args)

# How many CB slots tt-metal's host tables hold: NUM_CIRCULAR_BUFFERS in tt_metal/api/tt-metalium/
# circular_buffer_constants.h (ttnn 0.81.1 wheel) is 64 in every host build (32 only in Wormhole *device*
# builds). The JIT build compares unpack_to_dest_mode.size() with its per-CB format table of this size
# (tt_metal/jit_build/data_format.cpp, get_unpack_dst_formats), so the modes are lowered one per slot, as
# ttnn's own program factories size them. tests/ttnn_checks reads the wheel's header to keep this honest.
NUM_CIRCULAR_BUFFERS = 64


class DeviceTensorResolver:
    """What a tensor on a real device reports."""

    def accessor_args(self, tensor: Any) -> list[int]:
        import ttnn

        return list(ttnn.TensorAccessorArgs(tensor).get_compile_time_args())

    def buffer_address(self, tensor: Any) -> int:
        return int(tensor.buffer_address())


def to_ttnn(program: Program, io_tensors: list[Any], resolver: TensorResolver | None = None) -> Any:
    """The ttnn.ProgramDescriptor that runs `program` with `io_tensors` (generic_op order, output last)."""
    import ttnn

    program.validate()
    if len(io_tensors) != len(program.tensors):
        raise ValueError(f"io_tensors: {len(io_tensors)} given, program {program.name!r} expects "
                         f"{len(program.tensors)}")
    resolve = resolver or DeviceTensorResolver()
    return ttnn.ProgramDescriptor(
        kernels=[_kernel(program, k, io_tensors, resolve) for k in program.kernels],
        semaphores=[],
        cbs=[_cb(cb) for cb in program.cbs],
    )


def core_range_set(ranges: list[CoreRange]) -> Any:
    import ttnn

    return ttnn.CoreRangeSet([ttnn.CoreRange(ttnn.CoreCoord(*r.start), ttnn.CoreCoord(*r.end)) for r in ranges])


def _data_format(name: str) -> Any:
    import ttnn

    return {"bfloat16": ttnn.bfloat16, "float32": ttnn.float32}[name]


def _cb(cb: CircularBuffer) -> Any:
    import ttnn

    fmt = ttnn.CBFormatDescriptor(buffer_index=cb.index, data_format=_data_format(cb.data_format),
                                  page_size=cb.page_size)
    return ttnn.CBDescriptor(total_size=cb.total_size, core_ranges=core_range_set(cb.core_ranges),
                             format_descriptors=[fmt])


def _runtime_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> Any:
    """Every core of the kernel's ranges gets a (possibly empty) list, as tt-metal expects."""
    import ttnn

    rt = ttnn.RuntimeArgs()
    for x, y in cores_of(kernel.core_ranges):
        rt[x][y] = runtime_args(program, kernel, (x, y), io, resolve)
    return rt


def _config(kernel: Kernel) -> Any:
    import ttnn

    if kernel.kind == "reader":
        return ttnn.ReaderConfigDescriptor()
    if kernel.kind == "writer":
        return ttnn.WriterConfigDescriptor()
    c = kernel.compute_config
    assert c is not None
    config = ttnn.ComputeConfigDescriptor(math_fidelity=getattr(ttnn.MathFidelity, c.math_fidelity),
                                          fp32_dest_acc_en=c.fp32_dest_acc_en, math_approx_mode=c.math_approx_mode,
                                          dst_full_sync_en=c.dst_full_sync_en)
    config.unpack_to_dest_mode = _unpack_to_dest_modes(kernel.name, c.unpack_to_dest_fp32)
    return config


def _unpack_to_dest_modes(kernel_name: str, fp32_cbs: list[int]) -> list[Any]:
    """One mode per host CB slot: UnpackToDestFp32 for `fp32_cbs`, Default elsewhere."""
    import ttnn

    modes = [ttnn.UnpackToDestMode.Default] * NUM_CIRCULAR_BUFFERS
    for cb in fp32_cbs:
        if not 0 <= cb < NUM_CIRCULAR_BUFFERS:
            raise ValueError(f"kernel {kernel_name!r}: unpack_to_dest_fp32 names CB {cb}; expected a CB index "
                             f"in 0..{NUM_CIRCULAR_BUFFERS - 1}")
        modes[cb] = ttnn.UnpackToDestMode.UnpackToDestFp32
    return modes


def _kernel(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> Any:
    import ttnn

    return ttnn.KernelDescriptor(
        kernel_source=kernel.source,
        source_type=ttnn.KernelDescriptor.SourceType.FILE_PATH,
        core_ranges=core_range_set(kernel.core_ranges),
        compile_time_args=compile_time_args(program, kernel, io, resolve),
        defines=list(kernel.defines.items()),
        runtime_args=_runtime_args(program, kernel, io, resolve),
        common_runtime_args=common_runtime_args(program, kernel, io, resolve),
        config=_config(kernel),
    )
