"""One face for real ttnn devices and the emulator, so op code and tests never branch on the kind.

The names and meanings follow ttnn's (`open_device`, `close_device`, `from_torch`, `to_torch`); the
few extra helpers (`dtype_name`, `launch`, ...) exist because ttnn spells these differently from the
emulator, and the op must stay backend-neutral. Which backend is used is decided here alone:
`OPBUILDER_DEVICE=emulator|hardware|auto` (default auto: hardware when ttnn imports and a Tenstorrent
device node is visible). This is the only module of `operations` that imports a backend.
"""
from __future__ import annotations

import glob
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from operations.settings import DEVICE_ENV, requested_backend
from program import Program, anchor_sources

# The ops name their kernel sources relative to the folder holding the `operations` package (the
# repository root, or site-packages when installed), so dumps replay in any clone.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def hardware_visible() -> bool:
    """A Tenstorrent device node exists and ttnn is importable."""
    return bool(glob.glob("/dev/tenstorrent*")) and importlib.util.find_spec("ttnn") is not None


def backend() -> str:
    """'hardware' or 'emulator': what open_device() will give."""
    choice = requested_backend()
    if choice == "auto":
        return "hardware" if hardware_visible() else "emulator"
    if choice == "hardware" and not hardware_visible():
        raise RuntimeError(f"{DEVICE_ENV}=hardware but no Tenstorrent device (or no ttnn) is visible")
    return choice


def is_emulated(obj: Any) -> bool:
    """True for emulator devices and tensors."""
    from emulator import EmulatedDevice, EmulatedTensor

    return isinstance(obj, (EmulatedDevice, EmulatedTensor))


def open_device(device_id: int = 0) -> Any:
    if backend() == "hardware":
        import ttnn

        return ttnn.open_device(device_id=device_id)
    return open_emulated_device()


def open_emulated_device(**options: Any) -> Any:
    """An emulated device whatever hardware is present, for what only the emulator can vary (its worker
    grid, say); `options` go to `emulator.EmulatedDevice` unchanged."""
    from emulator import EmulatedDevice

    return EmulatedDevice(**options)


def close_device(device: Any) -> None:
    if is_emulated(device):
        device.close()
        return
    import ttnn

    ttnn.close_device(device)


def synchronize_device(device: Any) -> None:
    """Returns once the device has finished all its work (ttnn.synchronize_device). The emulator answers a
    run before its runner has reset for the next one; whoever times it synchronizes before stopping the
    clock."""
    if is_emulated(device):
        device.synchronize()
        return
    import ttnn

    ttnn.synchronize_device(device)


_TORCH_TO_NAME = {"torch.bfloat16": "bfloat16", "torch.float32": "float32"}


def _dtype_from_torch(t: Any) -> str:
    name = _TORCH_TO_NAME.get(str(t.dtype))
    if name is None:
        raise TypeError(f"from_torch: tensor dtype {t.dtype} is not supported; expected torch.bfloat16 or torch.float32")
    return name


def _dtype_arg_name(dtype: Any) -> str:
    """Accept 'bfloat16'/'float32', ttnn.bfloat16/ttnn.float32 (DataType.BFLOAT16) or torch dtypes."""
    text = str(dtype).lower()
    for name in ("bfloat16", "float32"):
        if text == name or text.endswith("." + name):
            return name
    raise TypeError(f"dtype={dtype!r} is not supported; expected bfloat16 or float32")


DRAM_INTERLEAVED, L1_INTERLEAVED = "DRAM_INTERLEAVED", "L1_INTERLEAVED"
INTERLEAVED_MEMORIES = (DRAM_INTERLEAVED, L1_INTERLEAVED)


def from_torch(t: Any, device: Any, dtype: Any = None, memory_config: Any = None) -> Any:
    """A ROW_MAJOR, interleaved device tensor holding `t` (rounded to bf16 with round-to-nearest-even), in
    DRAM unless `memory_config` says L1 (ttnn.L1_MEMORY_CONFIG, or 'L1_INTERLEAVED' on either backend)."""
    import torch

    name = _dtype_arg_name(dtype) if dtype is not None else _dtype_from_torch(t)
    memory = _interleaved_memory("memory_config", memory_config)
    host = t.detach().to(torch.bfloat16 if name == "bfloat16" else torch.float32).contiguous()
    if not is_emulated(device):
        import ttnn

        return ttnn.from_torch(host, dtype=getattr(ttnn, name), layout=ttnn.ROW_MAJOR_LAYOUT, device=device,
                               memory_config=_ttnn_memory_config(memory))
    raw = host.view(torch.int16).numpy().view("uint16") if name == "bfloat16" else host.numpy()
    return device.allocate(list(host.shape), name, memory=memory, data=raw)


def to_torch(t: Any) -> Any:
    import torch

    if not is_emulated(t):
        import ttnn

        return ttnn.to_torch(t)
    raw = t.read()  # a new array each call (never a view of device memory), so torch may own it
    if t.dtype == "bfloat16":
        return torch.from_numpy(raw.view("int16")).view(torch.bfloat16)
    return torch.from_numpy(raw)


def dtype_name(t: Any) -> str:
    """'bfloat16', 'float32', or ttnn's own name for anything else."""
    if is_emulated(t):
        return t.dtype
    return str(t.dtype).split(".")[-1].lower()


def layout_name(t: Any) -> str:
    if is_emulated(t):
        return t.layout
    return "ROW_MAJOR" if "ROW_MAJOR" in str(t.layout).upper() else "TILE"


def memory_name(t: Any) -> str:
    """'DRAM_INTERLEAVED', 'L1_INTERLEAVED' or a description of what else the tensor uses."""
    if is_emulated(t):
        return str(t.memory)
    return memory_config_name(t.memory_config())


def memory_config_name(config: Any) -> str:
    """None (the default) means DRAM interleaved, as in ttnn."""
    if config is None:
        return "DRAM_INTERLEAVED"
    if isinstance(config, str):
        return config.upper()
    buffer = str(config.buffer_type).split(".")[-1].upper()
    layout = str(config.memory_layout).split(".")[-1].upper()
    return f"{buffer}_{layout}"


def _interleaved_memory(argument: str, config: Any) -> str:
    """The interleaved memory a config names; anything else (sharded) is refused naming `argument`."""
    name = memory_config_name(config)
    if name not in INTERLEAVED_MEMORIES:
        raise ValueError(f"{argument}={config!r} ({name}): expected {' or '.join(INTERLEAVED_MEMORIES)}; "
                         f"sharded memory is not supported")
    return name


def _ttnn_memory_config(memory: str) -> Any:
    import ttnn

    return ttnn.L1_MEMORY_CONFIG if memory == L1_INTERLEAVED else ttnn.DRAM_MEMORY_CONFIG


def shape_of(t: Any) -> list[int]:
    return [int(d) for d in t.shape]


def device_of(t: Any) -> Any:
    return t.device if is_emulated(t) else t.device()


def device_key(device: Any) -> tuple[str, int]:
    """A stable identity for comparing devices. Not `is`: nanobind may wrap one live ttnn device in several
    Python objects. A ttnn device is a MeshDevice whose id() is a per-mesh unique number assigned at creation
    (tenstorrent/tt-metal tt_metal/distributed/mesh_device.cpp: mesh_id_(generate_unique_mesh_id()),
    MeshDevice::id()); an emulated device is one Python object for its whole life."""
    if is_emulated(device):
        return ("emulator", id(device))
    mesh_id = getattr(device, "id", None)
    if not callable(mesh_id):
        raise TypeError(f"device={device!r}: expected a ttnn device (MeshDevice) or an emulated device")
    return ("ttnn", int(mesh_id()))


def same_device(a: Any, b: Any) -> bool:
    return device_key(a) == device_key(b)


def is_device_tensor(obj: Any) -> bool:
    """True for tensors that live on a (real or emulated) device."""
    if is_emulated(obj):
        return hasattr(obj, "buffer_address")
    try:
        import ttnn
    except ImportError:
        return False
    return isinstance(obj, ttnn.Tensor) and obj.storage_type() == ttnn.StorageType.DEVICE


def grid_size(device: Any) -> tuple[int, int]:
    grid = device.compute_with_storage_grid_size()
    return int(grid.x), int(grid.y)


def l1_budget(device: Any) -> int:
    """Bytes of L1 per worker core that circular buffers may use: on the emulator, up to its lowest
    L1-interleaved buffer (CBs grow from the unreserved base, L1 buffers from the top down)."""
    if is_emulated(device):
        lowest = device.lowest_l1_buffer()
        return (device.l1_size if lowest is None else lowest) - device.l1_unreserved_base
    import ttnn

    return int(ttnn.get_max_worker_l1_unreserved_size())


def allocate(shape: list[int], dtype: str, device: Any, memory: str = DRAM_INTERLEAVED) -> Any:
    """An uninitialised ROW_MAJOR tensor, interleaved in `memory` (DRAM_INTERLEAVED or L1_INTERLEAVED)."""
    if is_emulated(device):
        return device.allocate(list(shape), dtype, memory=memory)
    import ttnn

    return ttnn.allocate_tensor_on_device(ttnn.Shape(list(shape)), getattr(ttnn, dtype), ttnn.ROW_MAJOR_LAYOUT,
                                          device, _ttnn_memory_config(memory))


@dataclass
class LaunchResult:
    """What a launch returns: the output tensor, and what the backend counted (the emulator's
    `RunResult`: cores, DRAM bytes, NOC transactions, compiles, cache hits; None on hardware)."""

    output: Any
    stats: Any = None


def launch(program: Program, io_tensors: list[Any], estimate: bool = False) -> LaunchResult:
    """Run `program` on the device the io tensors live on (output last), kernel sources anchored at SOURCE_ROOT.
    `estimate` (emulator only): `stats.estimate` is the modelled Wormhole n150 device time of the run."""
    program = anchor_sources(program, SOURCE_ROOT)
    if is_emulated(io_tensors[-1]):
        import emulator

        return LaunchResult(io_tensors[-1], emulator.run(program, io_tensors, estimate=estimate))
    if estimate:
        raise ValueError("estimate=True: the device-time estimate models an emulated run; this launch is on hardware")
    import ttnn

    from ttnn_backend.lowering import to_ttnn

    return LaunchResult(ttnn.generic_op(list(io_tensors), to_ttnn(program, io_tensors)))
