"""Running a mirrored program on the emulator: place the inputs, run with the wheel on the include path,
read the output back in its logical shape."""
from __future__ import annotations

import torch

import emulator
from tests.conformance import wheel
from tests.conformance.layout import from_raw, from_tiles, to_raw, to_tiles
from tests.conformance.programs.common import Case


def run_case(device: emulator.EmulatedDevice, case: Case) -> torch.Tensor:
    io = []
    for slot in case.program.tensors:
        t = device.allocate(slot.shape, slot.dtype)
        if slot.role == "input":
            x = case.inputs[slot.name]
            host = to_tiles(x) if case.layouts.get(slot.name, "TILE") == "TILE" else x
            t.write(to_raw(host.reshape(slot.shape), slot.dtype))
        io.append(t)
    root = wheel.unpacked_root()
    emulator.run(case.program, io, include_dirs=(root, root / "ttnn" / "cpp"))
    out_slot = case.program.tensors[-1]
    raw = from_raw(io[-1].read(), out_slot.dtype)
    if case.reduced_h:
        padded = [*case.output_shape[:-2], 32, case.output_shape[-1]]
        return from_tiles(raw, padded)[..., :1, :]
    if case.reduced_w:
        padded = [*case.output_shape[:-1], 32]
        return from_tiles(raw, padded)[..., :1]
    if case.layouts.get(out_slot.name, "TILE") == "TILE":
        return from_tiles(raw, case.output_shape)
    return raw.reshape(case.output_shape)


def device_values(x: torch.Tensor, dtype: str) -> torch.Tensor:
    """What the device holds for host values `x` (ttnn.from_torch rounds to nearest even)."""
    return x.to(torch.bfloat16).to(torch.float64) if dtype == "bfloat16" else x.to(torch.float32).to(torch.float64)
