"""operations/device.py with real ttnn enums, dtypes, layouts, memory configs and host tensors.

No device can be opened here (ttnn raises "No chips detected"), so the checks use what ttnn builds
without one: host ROW_MAJOR tensors (a TILE host tensor already asks the cluster for its tile size),
the enums and memory configs, and the signatures of the calls the facade makes on hardware. Device
identity is checked with stand-ins that behave like nanobind wrappers: distinct Python objects
around one MeshDevice id.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import ttnn

from emulator import EmulatedDevice
from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm

FACADE = Path(devices.__file__)


def host_tensor(dtype, values=0.0):
    return ttnn.Tensor([values] * 1024, [32, 32], dtype, ttnn.ROW_MAJOR_LAYOUT)


@pytest.mark.parametrize("dtype,name", [(ttnn.bfloat16, "bfloat16"), (ttnn.float32, "float32"),
                                        (ttnn.uint32, "uint32")])
def test_dtype_name_of_a_ttnn_tensor(dtype, name):
    assert devices.dtype_name(host_tensor(dtype, 0 if name == "uint32" else 0.0)) == name


def test_layout_names_of_ttnn_layouts():
    assert devices.layout_name(host_tensor(ttnn.float32)) == "ROW_MAJOR"
    assert devices.layout_name(SimpleNamespace(layout=ttnn.TILE_LAYOUT)) == "TILE"
    assert devices.layout_name(SimpleNamespace(layout=ttnn.ROW_MAJOR_LAYOUT)) == "ROW_MAJOR"


@pytest.mark.parametrize("config,name", [
    (None, "DRAM_INTERLEAVED"), (ttnn.DRAM_MEMORY_CONFIG, "DRAM_INTERLEAVED"), (ttnn.L1_MEMORY_CONFIG, "L1_INTERLEAVED"),
    (ttnn.L1_HEIGHT_SHARDED_MEMORY_CONFIG, "L1_HEIGHT_SHARDED"), (ttnn.L1_BLOCK_SHARDED_MEMORY_CONFIG, "L1_BLOCK_SHARDED"),
    ("l1_interleaved", "L1_INTERLEAVED")])
def test_memory_config_names(config, name):
    assert devices.memory_config_name(config) == name


@pytest.mark.parametrize("memory,buffer_type", [("DRAM_INTERLEAVED", "DRAM"), ("L1_INTERLEAVED", "L1")])
def test_interleaved_memories_lower_to_ttnn_configs(memory, buffer_type):
    """What from_torch and allocate hand ttnn on hardware: an interleaved config of that buffer type,
    which names back to the memory it came from."""
    config = devices._ttnn_memory_config(memory)
    assert config.buffer_type == getattr(ttnn.BufferType, buffer_type)
    assert config.memory_layout == ttnn.TensorMemoryLayout.INTERLEAVED
    assert devices.memory_config_name(config) == memory


def test_dtype_arguments_accept_exactly_bfloat16_and_float32():
    assert devices._dtype_arg_name(ttnn.bfloat16) == "bfloat16"
    assert devices._dtype_arg_name(ttnn.float32) == "float32"
    assert devices._dtype_arg_name("float32") == "float32"
    for other in (ttnn.bfloat8_b, ttnn.uint32, "tfloat32"):
        with pytest.raises(TypeError, match=rf"dtype={re.escape(repr(other))} is not supported; expected bfloat16 "
                                            r"or float32"):
            devices._dtype_arg_name(other)


def test_a_host_tensor_is_no_device_tensor_and_the_op_says_so():
    t = host_tensor(ttnn.bfloat16)
    assert t.storage_type() == ttnn.StorageType.HOST
    assert not devices.is_device_tensor(t)
    assert devices.device_of(t) is None
    with pytest.raises(TypeError, match=r"input_tensor: expected a device tensor \(ttnn.Tensor or emulated\), "
                                        r"got Tensor"):
        layer_norm_rm(t)


class MeshWrapper:
    """What nanobind may hand back for one device: a new Python object each time, the same MeshDevice id."""

    def __init__(self, mesh_id: int):
        self._id = mesh_id

    def id(self) -> int:
        return self._id


def test_ttnn_devices_are_the_same_by_mesh_id_not_by_python_object():
    assert "id" in dir(ttnn.MeshDevice)
    assert "MeshDevice" in ttnn.Tensor.device.__doc__.split("\n")[0]  # device(self) -> ...MeshDevice
    a, b, other = MeshWrapper(3), MeshWrapper(3), MeshWrapper(4)
    assert a is not b and devices.same_device(a, b)
    assert not devices.same_device(a, other)
    assert devices.device_key(a) == ("ttnn", 3)


def test_a_non_device_is_refused_by_name():
    with pytest.raises(TypeError, match=r"device='n150': expected a ttnn device \(MeshDevice\) or an emulated device"):
        devices.device_key("n150")


def test_emulated_devices_are_told_apart():
    one, two = EmulatedDevice(), EmulatedDevice()
    try:
        x = one.allocate([1, 1, 32, 64], "float32")
        with pytest.raises(ValueError, match=r"gamma: lives on another device than input_tensor"):
            layer_norm_rm(x, gamma=two.allocate([64], "float32"))
        with pytest.raises(ValueError, match=r"device=.*: expected the device input_tensor lives on"):
            layer_norm_rm(x, device=two)
        with pytest.raises(ValueError, match=r"memory_config='L1_HEIGHT_SHARDED'"):  # the device check passed first
            layer_norm_rm(x, device=one, memory_config="L1_HEIGHT_SHARDED")
    finally:
        one.close()
        two.close()


def ttnn_references(source: str) -> set[str]:
    """Every dotted name `ttnn.A[.B...]` the facade uses."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            parts, inner = [], node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "ttnn":
                names.add(".".join(reversed(parts)))
    return names


def test_every_ttnn_name_the_facade_uses_exists_in_the_wheel():
    names = ttnn_references(FACADE.read_text())
    assert {"open_device", "from_torch", "allocate_tensor_on_device", "generic_op", "StorageType.DEVICE"} <= names
    missing = []
    for name in sorted(names):
        obj = ttnn
        for part in name.split("."):
            obj = getattr(obj, part, None)
        if obj is None:
            missing.append(name)
    assert missing == []


def test_the_facade_calls_ttnn_with_parameters_it_declares():
    """allocate_tensor_on_device is called positionally; from_torch, open_device by keyword."""
    doc = ttnn.allocate_tensor_on_device.__doc__.split("\n")[0]
    params = re.findall(r"(\w+):", doc[doc.index("(") + 1:doc.rindex(")")])
    assert params == ["shape", "dtype", "layout", "mesh_device", "memory_config"]
    import inspect

    from_torch = inspect.signature(ttnn.from_torch.function).parameters
    assert {"dtype", "layout", "device", "memory_config"} <= set(from_torch)
    assert "device_id" in ttnn.open_device.__doc__.split("\n")[0]
