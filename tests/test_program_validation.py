"""Program.validate's checks of CB overlaps and runtime-arg cores, which take whole-set fast paths when nothing
is wrong: a wrong program is still refused with the message of the first offender, in program order."""
from __future__ import annotations

import pytest

from program import (MAX_RUNTIME_ARGS, BufferAddress, CircularBuffer, CoreRange, Kernel, PageSize, Program,
                     ProgramError, TensorSlot)

ROW = [CoreRange((0, 0), (3, 0))]


def _program(cbs: list[CircularBuffer], runtime_args: dict, common: list | None = None) -> Program:
    reader = Kernel("reader", "reader", "ops/k/reader.cpp", ROW, [], runtime_args, common or [])
    tensors = [TensorSlot("x", [32, 32], "bfloat16", "input"), TensorSlot("out", [32, 32], "bfloat16", "output")]
    return Program("p", cbs, [reader], tensors)


def _cb(index: int, ranges: list[CoreRange]) -> CircularBuffer:
    return CircularBuffer(index, "bfloat16", 2048, 1, ranges)


ARGS = {(x, 0): [BufferAddress("x"), x, PageSize("out")] for x in range(4)}


def test_distinct_indices_on_shared_cores_are_fine():
    _program([_cb(i, ROW) for i in range(8)], ARGS).validate()


def test_an_index_repeated_on_other_cores_is_fine():
    _program([_cb(1, [CoreRange((0, 0), (1, 0))]), _cb(2, ROW), _cb(1, [CoreRange((2, 0), (3, 0))])], ARGS).validate()


def test_an_index_repeated_on_a_shared_core_names_its_first_core():
    cbs = [_cb(1, [CoreRange((0, 0), (1, 0))]), _cb(2, ROW), _cb(1, [CoreRange((3, 0), (3, 0)), CoreRange((1, 0), (2, 0))])]
    with pytest.raises(ProgramError, match=r"^CB 1 is defined twice on core \(1, 0\)$"):
        _program(cbs, ARGS).validate()


def test_the_first_repeated_index_in_program_order_is_named():
    cbs = [_cb(5, ROW), _cb(3, ROW), _cb(3, ROW), _cb(5, ROW)]
    with pytest.raises(ProgramError, match=r"^CB 3 is defined twice on core \(0, 0\)$"):
        _program(cbs, ARGS).validate()


def test_runtime_args_outside_the_kernels_cores():
    args = {**ARGS, (4, 0): [1]}
    with pytest.raises(ProgramError, match=r"kernel 'reader': runtime args for core \(4, 0\) outside its core ranges"):
        _program([_cb(0, ROW)], args).validate()


def test_too_many_runtime_args():
    args = {**ARGS, (2, 0): [0] * (MAX_RUNTIME_ARGS + 1)}
    with pytest.raises(ProgramError, match=rf"kernel 'reader': {MAX_RUNTIME_ARGS + 1} runtime args on core \(2, 0\), "
                                           rf"max {MAX_RUNTIME_ARGS}"):
        _program([_cb(0, ROW)], args).validate()
    _program([_cb(0, ROW)], {**ARGS, (2, 0): [0] * MAX_RUNTIME_ARGS}).validate()  # the limit itself is fine


def test_the_first_core_in_order_is_named_whichever_check_it_fails():
    too_many = {(1, 0): [0] * (MAX_RUNTIME_ARGS + 1), (7, 7): [1]}
    with pytest.raises(ProgramError, match=r"runtime args on core \(1, 0\)"):
        _program([_cb(0, ROW)], too_many).validate()
    outside_first = {(7, 7): [1], (1, 0): [0] * (MAX_RUNTIME_ARGS + 1)}
    with pytest.raises(ProgramError, match=r"core \(7, 7\) outside its core ranges"):
        _program([_cb(0, ROW)], outside_first).validate()


@pytest.mark.parametrize("args, common", [({(0, 0): [BufferAddress("nope")]}, None),
                                          ({(3, 0): [1, PageSize("nope")]}, None), ({}, [PageSize("nope")])])
def test_a_placeholder_naming_no_tensor(args, common):
    with pytest.raises(KeyError, match="program 'p' has no io tensor named 'nope'"):
        _program([_cb(0, ROW)], args, common).validate()
