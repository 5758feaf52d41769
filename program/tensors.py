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


class ArgValues:
    """The argument lists of one launch (`program` with `io`, through `resolve`) with every placeholder filled
    in. Each distinct placeholder is resolved once and each tensor name looked up once: every core's runtime
    args name the same few tensors, and a launch spells out thousands of args. Serves one launch only (a new
    program, io list or resolver needs a new one), so nothing it remembers can outlive what it was read from."""

    def __init__(self, program: Program, io: list[Any], resolve: TensorResolver) -> None:
        self._program, self._io, self._resolve = program, io, resolve
        self._indices: dict[str, int] = {}
        for i, t in enumerate(program.tensors):
            self._indices.setdefault(t.name, i)  # the first of a repeated name, as Program.tensor_index
        self._values: dict[tuple[type, str], int] = {}

    def tensor(self, name: str) -> Any:
        """The io tensor named `name` (Program.tensor_index's error for a name the program lacks)."""
        index = self._indices.get(name)
        return self._io[self._program.tensor_index(name) if index is None else index]

    def compile_time_args(self, kernel: Kernel) -> list[int]:
        """The kernel's compile-time args with every AccessorArgs expanded to the tensor's words."""
        out: list[int] = []
        for arg in kernel.compile_time_args:
            if isinstance(arg, AccessorArgs):
                words = self._resolve.accessor_args(self.tensor(arg.tensor))
                out += [_interleaved(arg.tensor, words)[0] | ARG_CONFIG_RUNTIME_PAGE_SIZE] if arg.runtime_page_size else words
            else:
                out.append(int(arg))
        return out

    def runtime_args(self, kernel: Kernel, core: tuple[int, int]) -> list[int]:
        """The kernel's runtime args on `core` (empty when it has none there), addresses filled in."""
        return self.resolved(kernel.runtime_args.get(core, []))

    def common_runtime_args(self, kernel: Kernel) -> list[int]:
        """The kernel's common runtime args (the same on every core), addresses filled in."""
        return self.resolved(kernel.common_runtime_args)

    def resolved(self, args: list[Any]) -> list[int]:
        """`args` with placeholders filled in; plain ints (most args, on every core) pass as they are."""
        value = self._value
        return [a if type(a) is int else value(a) for a in args]

    def _value(self, arg: Any) -> int:
        """A placeholder's value, remembered: a placeholder is a frozen value whose one field is the tensor name,
        so its type and that name say what it resolves to (a key hashed in C, unlike the dataclass itself)."""
        if type(arg) not in _PLACEHOLDERS:
            return self._fresh(arg)
        key = (type(arg), arg.tensor)
        value = self._values.get(key)
        if value is None:
            value = self._values[key] = self._fresh(arg)
        return value

    def _fresh(self, arg: Any) -> int:
        if isinstance(arg, BufferAddress):
            return self._resolve.buffer_address(self.tensor(arg.tensor))
        if isinstance(arg, PageSize):
            return _interleaved(arg.tensor, self._resolve.accessor_args(self.tensor(arg.tensor)))[1]
        return int(arg)


_PLACEHOLDERS = (BufferAddress, PageSize)


def compile_time_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's compile-time args with every AccessorArgs expanded to the tensor's words."""
    return ArgValues(program, io, resolve).compile_time_args(kernel)


def _interleaved(tensor: str, words: list[int]) -> list[int]:
    """`words` when they are an interleaved tensor's [ArgConfig bits, aligned page size]; else a clear error."""
    if len(words) != INTERLEAVED_WORDS or words[0] & ARG_CONFIG_SHARDED:
        raise ValueError(f"tensor {tensor!r}: accessor words {list(words)} are not an interleaved tensor's "
                         f"[ArgConfig bits, aligned page size]; a runtime page size needs an interleaved tensor")
    return list(words)


def runtime_args(program: Program, kernel: Kernel, core: tuple[int, int], io: list[Any],
                 resolve: TensorResolver) -> list[int]:
    """The kernel's runtime args on `core` (empty when it has none there), addresses filled in."""
    return ArgValues(program, io, resolve).runtime_args(kernel, core)


def common_runtime_args(program: Program, kernel: Kernel, io: list[Any], resolve: TensorResolver) -> list[int]:
    """The kernel's common runtime args (the same on every core), addresses filled in."""
    return ArgValues(program, io, resolve).common_runtime_args(kernel)
