"""Tensor placeholders in a Program's argument lists, and the interface that fills them in.

A compile-time arg list may hold `AccessorArgs(name)` and a runtime arg list `BufferAddress(name)`:
values only a tensor allocated on a device can give. Each backend supplies a `TensorResolver` (ttnn's
`TensorAccessorArgs(t)` on hardware, the emulator's own buffer table), and `compile_time_args` /
`runtime_args` expand a kernel's lists with it the same way for every backend.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Union

if TYPE_CHECKING:
    from program.model import Kernel, Program


@dataclass(frozen=True)
class AccessorArgs:
    """Placeholder in a compile-time arg list for the named tensor's TensorAccessorArgs words."""

    tensor: str


@dataclass(frozen=True)
class BufferAddress:
    """Placeholder in a runtime arg list for the named tensor's buffer address."""

    tensor: str


CompileTimeArg = Union[int, AccessorArgs]
RuntimeArg = Union[int, BufferAddress]


class TensorResolver(Protocol):
    """What a backend knows about one of its io tensors."""

    def accessor_args(self, tensor: Any) -> list[int]: ...

    def buffer_address(self, tensor: Any) -> int: ...


def compile_time_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's compile-time args with every AccessorArgs expanded to the tensor's words."""
    out: list[int] = []
    for arg in kernel.compile_time_args:
        if isinstance(arg, AccessorArgs):
            out += resolve.accessor_args(io[program.tensor_index(arg.tensor)])
        else:
            out.append(int(arg))
    return out


def runtime_args(program: Program, kernel: Kernel, core: tuple[int, int], io: list[Any],
                 resolve: TensorResolver) -> list[int]:
    """The kernel's runtime args on `core` (empty when it has none there), addresses filled in."""
    return _resolved(program, kernel.runtime_args.get(core, []), io, resolve)


def common_runtime_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's common runtime args (the same on every core), addresses filled in."""
    return _resolved(program, kernel.common_runtime_args, io, resolve)


def _resolved(program: Program, args: list[Any], io: list[Any], resolve: TensorResolver) -> list[int]:
    return [resolve.buffer_address(io[program.tensor_index(a.tensor)]) if isinstance(a, BufferAddress) else int(a)
            for a in args]
