"""The backend-neutral Program: the contract between ops and the backends that run them.

Ops build a `Program`; backends (`emulator`, `ttnn_backend`) consume it. This package imports
nothing else of ours, so either side can change without reaching into the other.
"""
from program.model import (DATA_FORMATS, ELEMENT_SIZE, KERNEL_KINDS, MATH_FIDELITIES, MAX_CB_INDEX, MAX_RUNTIME_ARGS,
                           REPO_ROOT, TILE_BYTES, AccessorArgs, BufferAddress, CircularBuffer, CompileTimeArg,
                           ComputeConfig, CoreRange, Kernel, Program, ProgramError, RuntimeArg, TensorSlot, cores_of)

__all__ = ["DATA_FORMATS", "ELEMENT_SIZE", "KERNEL_KINDS", "MATH_FIDELITIES", "MAX_CB_INDEX", "MAX_RUNTIME_ARGS",
           "REPO_ROOT", "TILE_BYTES", "AccessorArgs", "BufferAddress", "CircularBuffer", "CompileTimeArg",
           "ComputeConfig", "CoreRange", "Kernel", "Program", "ProgramError", "RuntimeArg", "TensorSlot", "cores_of"]
