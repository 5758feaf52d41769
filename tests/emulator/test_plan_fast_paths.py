"""The plan's fast paths give what the per-core, per-argument definitions give: placeholders resolved once per
launch (ArgValues) and CB offsets placed once per set of CBs a core holds (run._l1_layout). Each is checked
against a plain reference written here, on programs whose cores differ, and with io tensors that move."""
from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

import emulator
from program import (AccessorArgs, ArgValues, BufferAddress, CircularBuffer, CoreRange, Kernel, PageSize, Program,
                     TensorSlot, cores_of, round_up)

run_module = importlib.import_module("emulator.run")


def _program(cb_ranges: list[list[CoreRange]], kernel_ranges: list[CoreRange]) -> Program:
    """CBs of assorted indices and sizes on the given range lists; a reader naming both tensors on every core."""
    cbs = [CircularBuffer(index=(7 * i) % 32, data_format="bfloat16" if i % 2 else "float32", page_size=1000 + 48 * i,
                          num_pages=1 + i % 3, core_ranges=ranges) for i, ranges in enumerate(cb_ranges)]
    cores = cores_of(kernel_ranges)
    rt = {core: [BufferAddress("x"), n, PageSize("x"), BufferAddress("out"), PageSize("out"), 7]
          for n, core in enumerate(cores)}
    reader = Kernel("reader", "reader", "/nonexistent/reader.cpp", kernel_ranges,
                    [AccessorArgs("x"), 5, AccessorArgs("out", runtime_page_size=True)], rt,
                    common_runtime_args=[PageSize("out"), BufferAddress("x")])
    tensors = [TensorSlot("x", [64, 40], "bfloat16", "input"), TensorSlot("out", [64, 40], "float32", "output")]
    return Program("mixed", cbs, [reader], tensors)


# CB range lists that overlap in part, so cores hold different sets of CBs (and one set is held by cores
# that are not consecutive in a range list's order).
MIXED = [[CoreRange((0, 0), (2, 1))], [CoreRange((1, 0), (3, 2))], [CoreRange((0, 0), (2, 1))],
         [CoreRange((0, 2), (3, 2)), CoreRange((0, 0), (0, 0))], [CoreRange((2, 0), (2, 2))],
         [CoreRange((0, 0), (3, 2))]]


@pytest.fixture
def device():
    d = emulator.EmulatedDevice(grid=(4, 3))
    yield d
    d.close()


def _io(device, program):
    return [device.allocate(t.shape, t.dtype) for t in program.tensors]


def _reference_cb_entries(program: Program, device) -> list[dict]:
    """The plan's CB entries as the per-core definition gives them: each core's CBs placed from the unreserved
    base up in index order; one entry per CB and offset, its cores in the CB's core order."""
    offsets = {}
    for core in {c: None for cb in program.cbs for c in cores_of(cb.core_ranges)}:
        offset = device.l1_unreserved_base
        for cb in sorted((cb for cb in program.cbs if core in cores_of(cb.core_ranges)), key=lambda c: c.index):
            offset = round_up(offset, device.l1_alignment)
            offsets[core, cb.index] = offset
            offset += cb.total_size
    entries = []
    for cb in program.cbs:
        groups: dict[int, list[int]] = {}
        for core in cores_of(cb.core_ranges):
            groups.setdefault(offsets[core, cb.index], []).extend(core)
        entries += [{"cores": flat, "index": cb.index, "data_format": cb.data_format, "page_size": cb.page_size,
                     "num_pages": cb.num_pages, "offset": offset} for offset, flat in groups.items()]
    return entries


def _plan(program, io, device):
    layout = run_module._l1_layout(program, device)
    return run_module._plan(program, io, device, layout, [Path("/nonexistent/k.so")] * len(program.kernels),
                            Path("/nonexistent/report.json"), None, 1.0)


@pytest.mark.parametrize("ranges", [MIXED, [MIXED[-1]] * 4, MIXED[:2]], ids=["mixed", "shared", "two"])
def test_cb_entries_match_the_per_core_placement(device, ranges):
    program = _program(ranges, [CoreRange((0, 0), (3, 2))])
    program.validate()
    assert _plan(program, _io(device, program), device)["cbs"] == _reference_cb_entries(program, device)


def _reference_args(args, program, io):
    """Each placeholder resolved on its own, from the tensor it names."""
    def value(arg):
        tensor = io[program.tensor_index(arg.tensor)] if not isinstance(arg, int) else None
        if isinstance(arg, BufferAddress):
            return tensor.buffer_address()
        if isinstance(arg, PageSize):
            return tensor.buffer_aligned_page_size()
        return arg
    return [value(a) for a in args]


def test_launch_args_match_per_argument_resolution_and_follow_the_io(device):
    program = _program([MIXED[-1]], [CoreRange((0, 0), (3, 2))])
    for _ in range(2):  # a second io set at other addresses: nothing of the first launch is reused
        io = _io(device, program)
        kernel = _plan(program, io, device)["kernels"][0]
        reader = program.kernels[0]
        assert [launch["args"] for launch in kernel["launches"]] == [
            _reference_args(reader.runtime_args[core], program, io) for core in cores_of(reader.core_ranges)]
        assert kernel["common_args"] == _reference_args(reader.common_runtime_args, program, io)
        assert kernel["launches"][0]["args"][0] == io[0].buffer_address()


def test_equal_placeholders_of_other_tensors_stay_apart(device):
    """Keyed on the placeholder's kind and tensor name: x's page size is not out's, nor an address."""
    program = _program([MIXED[-1]], [CoreRange((0, 0), (0, 0))])
    io = _io(device, program)
    values = ArgValues(program, io, run_module.EmulatorResolver())
    got = values.resolved([PageSize("x"), PageSize("out"), BufferAddress("x"), BufferAddress("out"), PageSize("x")])
    assert got == [io[0].buffer_aligned_page_size(), io[1].buffer_aligned_page_size(), io[0].buffer_address(),
                   io[1].buffer_address(), io[0].buffer_aligned_page_size()]
    assert len(set(got[:4])) == 4


def test_placeholders_are_their_tensor_name_alone():
    """ArgValues keys a placeholder by its type and tensor name: a field added to one would need the key too."""
    for placeholder in (BufferAddress, PageSize):
        assert [f.name for f in dataclasses.fields(placeholder)] == ["tensor"]
        assert placeholder.__dataclass_params__.frozen


def test_an_unknown_tensor_name_is_the_programs_error(device):
    program = _program([MIXED[-1]], [CoreRange((0, 0), (0, 0))])
    values = ArgValues(program, _io(device, program), run_module.EmulatorResolver())
    with pytest.raises(KeyError, match="program 'mixed' has no io tensor named 'y'"):
        values.resolved([BufferAddress("y")])
