"""Reading a lowered ttnn.ProgramDescriptor back, for the ttnn checks (no device needed).

No device exists here, so tensor-dependent values go through `SentinelResolver`, which stands in for a
device with known values: accessor words (as many per tensor as asked: an interleaved DRAM tensor's
TensorAccessorArgs has a length the host decides, so the checks try several) and buffer addresses.
Everything else is read back from ttnn's own objects.
"""
from __future__ import annotations

from typing import Any

import ttnn

from program import AccessorArgs, BufferAddress, Kernel, PageSize, Program, cores_of
from ttnn_backend.lowering import NUM_CIRCULAR_BUFFERS

# The matrix the lowering checks cover: the op's seed shapes on an n150's 8x8 (row dispatch) and 7x9
# (column dispatch) worker grids, 8x7 and a single core.
SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
          [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
GRIDS = [(8, 8), (7, 9), (8, 7), (1, 1)]

FORMAT_CODE = {"float32": 0, "bfloat16": 5}  # CBFormatDescriptor.data_format_as_uint8
CONFIG = {"reader": "ReaderConfigDescriptor", "writer": "WriterConfigDescriptor", "compute": "ComputeConfigDescriptor"}


class SentinelResolver:
    """Stands in for a device: `words` accessor words per tensor and buffer addresses from `address_base`,
    both derived from the io index (the io 'tensors' the checks pass are their indices)."""

    def __init__(self, words: int = 2, address_base: int = 0xB0000):
        self.words, self.address_base = words, address_base

    def accessor_args(self, index: int) -> list[int]:
        return [0xACC00 + 0x100 * index + w for w in range(self.words)]

    def buffer_address(self, index: int) -> int:
        return self.address_base + index * 0x100


def lower(program: Program, resolver: SentinelResolver | None = None) -> Any:
    from ttnn_backend.lowering import to_ttnn

    return to_ttnn(program, list(range(len(program.tensors))), resolver or SentinelResolver())


def ranges_of(core_range_set: Any) -> list[tuple[int, int, int, int]]:
    return [(r.start.x, r.start.y, r.end.x, r.end.y) for r in core_range_set.ranges()]


RUNTIME_PAGE_SIZE = 1 << 7  # tt-metal 0.81.1 tensor_accessor::ArgConfig::RuntimePageSize


def expected_ct(program: Program, kernel: Kernel, resolver: SentinelResolver) -> list[int]:
    """Accessor words as the resolver gives them; with a runtime page size (an interleaved tensor's
    [config, aligned page size]) the config word alone, RuntimePageSize set."""
    out: list[int] = []
    for a in kernel.compile_time_args:
        if not isinstance(a, AccessorArgs):
            out.append(a)
            continue
        words = resolver.accessor_args(program.tensor_index(a.tensor))
        out += [words[0] | RUNTIME_PAGE_SIZE] if a.runtime_page_size else words
    return out


def expected_rt(program: Program, args: list, resolver: SentinelResolver) -> list[int]:
    """Buffer addresses, and page sizes (word 1 of an interleaved tensor's accessor words), resolved."""
    def value(a):
        if isinstance(a, BufferAddress):
            return resolver.buffer_address(program.tensor_index(a.tensor))
        if isinstance(a, PageSize):
            return resolver.accessor_args(program.tensor_index(a.tensor))[1]
        return a
    return [value(a) for a in args]


def runtime_args_by_core(kernel_desc: Any, cores: list[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """ttnn's per-core runtime args for `cores` (its view raises IndexError for a core without any)."""
    view = kernel_desc.runtime_args
    out = {}
    for x, y in cores:
        try:
            out[(x, y)] = list(view[x][y])
        except IndexError:
            continue
    return out


def runtime_arg_mismatches(path: str, program: Program, kernel: Kernel, kernel_desc: Any,
                           resolver: SentinelResolver) -> list[str]:
    """Exactly the kernel's cores carry args, each the Program's list."""
    cores = cores_of(kernel.core_ranges)
    view = kernel_desc.runtime_args
    problems = [] if len(view) == len(cores) else [
        f"{path}.runtime_args: ttnn has args for {len(view)} cores, the Program's ranges hold {len(cores)}"]
    got_by_core = runtime_args_by_core(kernel_desc, cores)
    for x, y in cores:
        want = expected_rt(program, kernel.runtime_args.get((x, y), []), resolver)
        if (x, y) not in got_by_core:
            problems.append(f"{path}.runtime_args[{x}][{y}]: ttnn has none, the Program says {want!r}")
        elif got_by_core[(x, y)] != want:
            problems.append(f"{path}.runtime_args[{x}][{y}]: ttnn has {got_by_core[(x, y)]!r}, the Program says {want!r}")
    return problems


def lowering_mismatches(program: Program, desc: Any, resolver: SentinelResolver | None = None) -> list[str]:
    """Every field of `desc` that differs from what `program` asks for, named by its path."""
    resolver = resolver or SentinelResolver()
    problems: list[str] = []

    def same(path: str, got: Any, want: Any) -> None:
        if got != want:
            problems.append(f"{path}: ttnn has {got!r}, the Program says {want!r}")

    same("len(cbs)", len(desc.cbs), len(program.cbs))
    for i, (d, cb) in enumerate(zip(desc.cbs, program.cbs)):
        same(f"cbs[{i}].total_size", d.total_size, cb.total_size)
        same(f"cbs[{i}].core_ranges", ranges_of(d.core_ranges), [(*r.start, *r.end) for r in cb.core_ranges])
        same(f"cbs[{i}].len(format_descriptors)", len(d.format_descriptors), 1)
        f = d.format_descriptors[0]
        same(f"cbs[{i}].format_descriptors[0].buffer_index", f.buffer_index, cb.index)
        same(f"cbs[{i}].format_descriptors[0].page_size", f.page_size, cb.page_size)
        same(f"cbs[{i}].format_descriptors[0].data_format", f.data_format_as_uint8, FORMAT_CODE[cb.data_format])
    same("len(kernels)", len(desc.kernels), len(program.kernels))
    for i, (d, k) in enumerate(zip(desc.kernels, program.kernels)):
        p = f"kernels[{i}] ({k.name})"
        same(f"{p}.kernel_source", d.kernel_source, k.source)
        same(f"{p}.source_type", d.source_type, ttnn.KernelDescriptor.SourceType.FILE_PATH)
        same(f"{p}.core_ranges", ranges_of(d.core_ranges), [(*r.start, *r.end) for r in k.core_ranges])
        same(f"{p}.compile_time_args", list(d.compile_time_args), expected_ct(program, k, resolver))
        same(f"{p}.defines", sorted(d.defines), sorted(k.defines.items()))
        same(f"{p}.common_runtime_args", list(d.common_runtime_args), expected_rt(program, k.common_runtime_args, resolver))
        problems += runtime_arg_mismatches(p, program, k, d, resolver)
        same(f"{p}.config", type(d.config).__name__, CONFIG[k.kind])
        if k.compute_config:
            problems += compute_config_mismatches(p, k, d.config)
    return problems


def compute_config_mismatches(path: str, kernel: Kernel, config: Any) -> list[str]:
    c = kernel.compute_config
    assert c is not None
    want = {"math_fidelity": getattr(ttnn.MathFidelity, c.math_fidelity), "fp32_dest_acc_en": c.fp32_dest_acc_en,
            "math_approx_mode": c.math_approx_mode, "dst_full_sync_en": c.dst_full_sync_en}
    problems = [f"{path}.config.{name}: ttnn has {getattr(config, name)!r}, the Program says {value!r}"
                for name, value in want.items() if getattr(config, name) != value]
    modes = list(config.unpack_to_dest_mode)
    if len(modes) != NUM_CIRCULAR_BUFFERS:
        problems.append(f"{path}.config.len(unpack_to_dest_mode): ttnn has {len(modes)}, tt-metal's host builds "
                        f"need one per CB slot ({NUM_CIRCULAR_BUFFERS})")
    exact = [i for i, m in enumerate(modes) if m == ttnn.UnpackToDestMode.UnpackToDestFp32]
    if exact != sorted(c.unpack_to_dest_fp32):
        problems.append(f"{path}.config.unpack_to_dest_mode: ttnn has UnpackToDestFp32 at {exact!r}, the Program "
                        f"says {sorted(c.unpack_to_dest_fp32)!r}")
    return problems
