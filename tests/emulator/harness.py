"""Runs one compute operation tile by tile on the emulator, and models what the hardware data path
should produce, so the tests can compare the emulator bit for bit with the documented path.

Tiles travel as pages of a [num_tiles, 1024] ROW_MAJOR tensor whose datums are already in tile
(face) order, so the test kernels need no tilize.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

import emulator
from emulator.host_values import from_raw, quantize, to_raw
from program import (FACE_HEIGHT, FACE_HW, FACE_WIDTH, TILE_BYTES, TILE_HEIGHT, TILE_HW, TILE_WIDTH, AccessorArgs,
                     BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot)

KERNELS = Path(__file__).parent / "kernels"
CORE = [CoreRange((0, 0), (0, 0))]

rows, cols = np.meshgrid(np.arange(TILE_HEIGHT), np.arange(TILE_WIDTH), indexing="ij")
FACES_PER_ROW = TILE_WIDTH // FACE_WIDTH
FACE_INDEX = (((rows // FACE_HEIGHT) * FACES_PER_ROW + cols // FACE_WIDTH) * FACE_HW
              + (rows % FACE_HEIGHT) * FACE_WIDTH + cols % FACE_WIDTH).reshape(-1)


def to_faces(tiles: np.ndarray) -> np.ndarray:
    out = np.empty((tiles.shape[0], TILE_HW), dtype=tiles.dtype)
    out[:, FACE_INDEX] = tiles.reshape(tiles.shape[0], TILE_HW)
    return out


def from_faces(flat: np.ndarray) -> np.ndarray:
    return flat[:, FACE_INDEX].reshape(flat.shape[0], TILE_HEIGHT, TILE_WIDTH)


# --- model of the data path --------------------------------------------------------------------------

def truncate(values: np.ndarray, keep_mask: int) -> np.ndarray:
    return (np.asarray(values, dtype=np.float32).view(np.uint32) & np.uint32(keep_mask)).view(np.float32)


def src(values: np.ndarray, dtype: str, fp32_dest: bool, to_dest: bool = False) -> np.ndarray:
    """A CB's datums as unpacked: bf16 exact; fp32 exact to DST, else TF32 (fp32 DST) or bf16."""
    if dtype == "bfloat16" or to_dest:
        return values.astype(np.float32)
    return truncate(values, 0xFFFFE000 if fp32_dest else 0xFFFF0000)


def round_bf16_even(values: np.ndarray) -> np.ndarray:
    return quantize(values, "bfloat16")


def pack(values: np.ndarray, dtype: str) -> np.ndarray:
    """DST -> CB: fp32 exact; bf16 rounded half away from zero."""
    v = np.asarray(values, dtype=np.float32)
    if dtype == "float32":
        return v
    u = v.view(np.uint32)
    hi = (u >> 16) + ((u & 0xFFFF) >= 0x8000)
    return (hi.astype(np.uint32) << 16).view(np.float32)


# --- running ---------------------------------------------------------------------------------------------

def run_tile_op(device: emulator.EmulatedDevice, defines: dict[str, str], inputs: list[np.ndarray],
                in_dtype: str, out_dtype: str, *, fp32_dest: bool = True, fidelity: str = "HiFi4",
                approx: bool = False, unpack_to_dest: list[int] | None = None, scaler: float | None = None,
                scaler_dtype: str = "bfloat16", results: list[emulator.RunResult] | None = None) -> np.ndarray:
    """Runs the compute_tile_op kernel on `inputs` ([n, 32, 32] each); returns [n, 32, 32] float32.
    `results`, if given, receives the run's RunResult (warnings, counts)."""
    n = inputs[0].shape[0]
    names = ["a", "b"][:len(inputs)]
    slots = [TensorSlot(name, [n, TILE_HW], in_dtype, "input") for name in names]
    slots.append(TensorSlot("out", [n, TILE_HW], out_dtype, "output"))
    cbs = [CircularBuffer(i, in_dtype, TILE_BYTES[in_dtype], 2, CORE) for i in range(len(inputs))]
    cbs.append(CircularBuffer(16, out_dtype, TILE_BYTES[out_dtype], 2, CORE))
    reader_defines = {}
    if scaler is not None:
        cbs.append(CircularBuffer(8, scaler_dtype, TILE_BYTES[scaler_dtype], 1, CORE))
        reader_defines["SCALER"] = "1"
    tile_bytes = TILE_BYTES[in_dtype]
    b_name = names[-1]
    scaler_bits = int(np.float32(scaler or 0).view(np.uint32))
    kernels = [
        Kernel("reader", "reader", str(KERNELS / "reader_tiles.cpp"), CORE,
               [len(inputs), AccessorArgs("a"), AccessorArgs(b_name)],
               {(0, 0): [n, BufferAddress("a"), BufferAddress(b_name), tile_bytes, scaler_bits]},
               defines=reader_defines),
        Kernel("compute", "compute", str(KERNELS / "compute_tile_op.cpp"), CORE, [len(inputs)], {(0, 0): [n]},
               defines=defines, compute_config=ComputeConfig(fidelity, fp32_dest, approx, False,
                                                             list(unpack_to_dest or []))),
        Kernel("writer", "writer", str(KERNELS / "writer_tiles.cpp"), CORE, [AccessorArgs("out")],
               {(0, 0): [n, BufferAddress("out"), TILE_BYTES[out_dtype]]}),
    ]
    program = Program("tile_op", cbs, kernels, slots)
    io = []
    for name, values in zip(names, inputs):
        t = device.allocate([n, TILE_HW], in_dtype)
        t.write(to_raw(to_faces(values), in_dtype))
        io.append(t)
    io.append(device.allocate([n, TILE_HW], out_dtype))
    result = emulator.run(program, io)
    if results is not None:
        results.append(result)
    return from_faces(from_raw(io[-1].read(), out_dtype))
