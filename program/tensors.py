"""Tensor placeholders in a Program's argument lists, and the interface that fills them in.

A compile-time arg list may hold `AccessorArgs(name)` and a runtime arg list `BufferAddress(name)` or
`PageSize(name)`: values only a tensor allocated on a device can give. Each backend supplies a `TensorResolver` (ttnn's
`TensorAccessorArgs(t)` on hardware, the emulator's own buffer table), and `compile_time_args` /
`runtime_args` expand a kernel's lists with it the same way for every backend.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Union

if TYPE_CHECKING:
    from program.model import Kernel, Program


# tt-metal 0.81.1 hostdevcommon/tensor_accessor/arg_config.hpp, ArgConfig: Sharded = 1 << 0, RuntimePageSize = 1 << 7.
ARG_CONFIG_SHARDED = 1
ARG_CONFIG_RUNTIME_PAGE_SIZE = 1 << 7
# An interleaved tensor's TensorAccessorArgs words in 0.81.1: [ArgConfig bits, aligned page size]
# (hw/inc/api/tensor/tensor_accessor_args.h: NumArgsCT is 2 when neither Sharded nor RuntimePageSize is set).
INTERLEAVED_WORDS = 2


@dataclass(frozen=True)
class AccessorArgs:
    """Placeholder in a compile-time arg list for the named tensor's TensorAccessorArgs words.

    `runtime_page_size`: the words of an interleaved tensor with ArgConfig::RuntimePageSize set, as tt-metal
    0.81.1 defines it for row-major tensors whose page size follows the shape: the config word alone (the
    aligned page size leaves the compile-time args, so one kernel build serves every width); the kernel takes
    the page size from a runtime arg (`PageSize`) and passes it to the TensorAccessor constructor."""

    tensor: str
    runtime_page_size: bool = False


@dataclass(frozen=True)
class BufferAddress:
    """Placeholder in a runtime arg list for the named tensor's buffer address."""

    tensor: str


@dataclass(frozen=True)
class PageSize:
    """Placeholder in a runtime arg list for the named interleaved tensor's aligned page size (the page stride
    of its banks: the second of its TensorAccessorArgs words)."""

    tensor: str


CompileTimeArg = Union[int, AccessorArgs]
RuntimeArg = Union[int, BufferAddress, PageSize]


class TensorResolver(Protocol):
    """What a backend knows about one of its io tensors."""

    def accessor_args(self, tensor: Any) -> list[int]: ...

    def buffer_address(self, tensor: Any) -> int: ...


def compile_time_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's compile-time args with every AccessorArgs expanded to the tensor's words."""
    out: list[int] = []
    for arg in kernel.compile_time_args:
        if isinstance(arg, AccessorArgs):
            words = resolve.accessor_args(io[program.tensor_index(arg.tensor)])
            out += [_interleaved(arg.tensor, words)[0] | ARG_CONFIG_RUNTIME_PAGE_SIZE] if arg.runtime_page_size else words
        else:
            out.append(int(arg))
    return out


def _interleaved(tensor: str, words: list[int]) -> list[int]:
    """`words` when they are an interleaved tensor's [ArgConfig bits, aligned page size]; else a clear error."""
    if len(words) != INTERLEAVED_WORDS or words[0] & ARG_CONFIG_SHARDED:
        raise ValueError(f"tensor {tensor!r}: accessor words {list(words)} are not an interleaved tensor's "
                         f"[ArgConfig bits, aligned page size]; a runtime page size needs an interleaved tensor")
    return list(words)


def runtime_args(program: Program, kernel: Kernel, core: tuple[int, int], io: list[Any],
                 resolve: TensorResolver) -> list[int]:
    """The kernel's runtime args on `core` (empty when it has none there), addresses filled in."""
    return _resolved(program, kernel.runtime_args.get(core, []), io, resolve)


def common_runtime_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's common runtime args (the same on every core), addresses filled in."""
    return _resolved(program, kernel.common_runtime_args, io, resolve)


def _resolved(program: Program, args: list[Any], io: list[Any], resolve: TensorResolver) -> list[int]:
    # plain ints (most args, on every core of every launch) pass as they are
    return [a if type(a) is int else _resolved_arg(program, a, io, resolve) for a in args]


def _resolved_arg(program: Program, arg: Any, io: list[Any], resolve: TensorResolver) -> int:
    if isinstance(arg, BufferAddress):
        return resolve.buffer_address(io[program.tensor_index(arg.tensor)])
    if isinstance(arg, PageSize):
        return _interleaved(arg.tensor, resolve.accessor_args(io[program.tensor_index(arg.tensor)]))[1]
    return int(arg)
