"""The backend-neutral Program: the contract between ops and the backends that run them.

Ops build a `Program`; backends (`emulator`, `ttnn_backend`) consume it. This package imports
nothing else of ours and reads no environment, so either side can change without reaching into
the other. Modules: `model` (the Program and its validation), `codec` (JSON form and its schema),
`tensors` (tensor placeholders and the resolver interface), `hardware` (tile shape, sizes).
"""
from program.codec import SCHEMA_FILE, dumps, loads, schema
from program.hardware import (DATA_FORMATS, ELEMENT_SIZE, FACE_HEIGHT, FACE_HW, FACE_WIDTH, NUM_CIRCULAR_BUFFERS,
                              TILE_BYTES, TILE_HEIGHT, TILE_HW, TILE_WIDTH, div_up, round_up)
from program.model import (KERNEL_KINDS, MATH_FIDELITIES, MAX_CB_INDEX, MAX_RUNTIME_ARGS, CircularBuffer,
                           ComputeConfig, CoreRange, Corners, Kernel, Program, ProgramError, TensorSlot, anchor_sources,
                           corners_of, cores_of, cores_of_corners)
from program.tensors import (AccessorArgs, ArgValues, BufferAddress, CompileTimeArg, PageSize, RuntimeArg, TensorResolver,
                             common_runtime_args, compile_time_args, runtime_args)

__all__ = ["DATA_FORMATS", "ELEMENT_SIZE", "FACE_HEIGHT", "FACE_HW", "FACE_WIDTH", "KERNEL_KINDS", "MATH_FIDELITIES",
           "MAX_CB_INDEX", "MAX_RUNTIME_ARGS", "NUM_CIRCULAR_BUFFERS", "SCHEMA_FILE", "TILE_BYTES", "TILE_HEIGHT",
           "TILE_HW", "TILE_WIDTH", "AccessorArgs", "ArgValues", "BufferAddress", "CircularBuffer", "CompileTimeArg",
           "ComputeConfig", "CoreRange", "Corners", "Kernel", "PageSize", "Program", "ProgramError", "RuntimeArg", "TensorResolver",
           "TensorSlot", "anchor_sources", "common_runtime_args", "compile_time_args", "corners_of", "cores_of", "cores_of_corners", "div_up", "dumps", "loads", "round_up",
           "runtime_args", "schema"]
