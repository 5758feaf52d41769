"""The program package on a fixture Program of its own: validation without the filesystem, the JSON
codec and its packaged schema, source anchoring, tensor placeholders and the hardware constants."""
from __future__ import annotations

import json
from pathlib import PurePosixPath

import jsonschema
import pytest

import program
from program import (AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, PageSize, Program,
                     ProgramError, TensorSlot)

CORES = [CoreRange((0, 0), (1, 0))]


def fixture_program(source_dir: str = "ops/fixture/kernels") -> Program:
    """Two cores, a reader and a compute kernel, every kind of argument; sources that exist nowhere."""
    reader = Kernel("reader", "reader", f"{source_dir}/reader.cpp", CORES,
                    [7, AccessorArgs("x"), AccessorArgs("y", runtime_page_size=True)],
                    {(0, 0): [BufferAddress("x"), 0], (1, 0): [BufferAddress("y"), 1, PageSize("y")]}, [3, PageSize("x")],
                    {"FLAG": "1"})
    compute = Kernel("compute", "compute", "/abs/compute.cpp", CORES, [1], {},
                     compute_config=ComputeConfig("HiFi2", False, True, False, [0]))
    cbs = [CircularBuffer(0, "bfloat16", program.TILE_BYTES["bfloat16"], 2, CORES, "input tiles")]
    tensors = [TensorSlot("x", [32, 64], "bfloat16", "input"), TensorSlot("y", [32, 64], "bfloat16", "output")]
    return Program("fixture", cbs, [reader, compute], tensors)


def test_validate_never_reads_the_filesystem():
    fixture_program().validate()  # no source exists: validation names files, it does not open them


def test_validate_still_refuses_an_empty_source():
    p = fixture_program()
    p.kernels[0].source = " "
    with pytest.raises(ProgramError, match=r"kernel 'reader': source is empty"):
        p.validate()


def test_output_must_come_last():
    p = fixture_program()
    p.tensors.reverse()
    with pytest.raises(ProgramError, match="last io tensor must be the output"):
        p.validate()


def test_dump_matches_the_packaged_schema_and_round_trips():
    p = fixture_program()
    data = json.loads(program.dumps(p))
    jsonschema.validate(data, program.schema())
    assert program.loads(program.dumps(p)) == p
    assert Program.from_json(p.to_json()) == p and Program.from_dict(p.to_dict()) == p
    assert data["kernels"][0]["source"] == "ops/fixture/kernels/reader.cpp", "sources are dumped as given"


def test_anchor_sources_joins_relative_sources_only():
    p = fixture_program()
    anchored = program.anchor_sources(p, PurePosixPath("/clone"))
    assert [k.source for k in anchored.kernels] == ["/clone/ops/fixture/kernels/reader.cpp", "/abs/compute.cpp"]
    assert p.kernels[0].source == "ops/fixture/kernels/reader.cpp", "the original is left as it was"


class FakeResolver:
    """Stands in for a backend: every tensor's words and address are derived from its name."""

    def accessor_args(self, tensor: str) -> list[int]:
        return [2 * len(tensor), 90 + len(tensor)]  # an interleaved tensor's [config, page size]

    def buffer_address(self, tensor: str) -> int:
        return 0x1000 * len(tensor) + ord(tensor[0])


def test_placeholders_expand_through_the_resolver():
    p = fixture_program()
    io = ["xx", "yyy"]
    reader = p.kernels[0]
    # a runtime page size: the config word alone with ArgConfig::RuntimePageSize (128), the page size a runtime arg
    assert program.compile_time_args(p, reader, io, FakeResolver()) == [7, 4, 92, 6 | 128]
    assert program.runtime_args(p, reader, (1, 0), io, FakeResolver()) == [0x3000 + ord("y"), 1, 93]
    assert program.common_runtime_args(p, reader, io, FakeResolver()) == [3, 92]
    assert program.runtime_args(p, p.kernels[1], (0, 0), io, FakeResolver()) == []


class ShardedResolver(FakeResolver):
    def accessor_args(self, tensor: str) -> list[int]:
        return [1, 4, 2, 2]  # ArgConfig::Sharded and a distribution spec


def test_a_runtime_page_size_needs_an_interleaved_tensor():
    p = fixture_program()
    with pytest.raises(ValueError, match=r"tensor 'y': accessor words \[1, 4, 2, 2\] are not an interleaved"):
        program.compile_time_args(p, p.kernels[0], ["xx", "yyy"], ShardedResolver())
    with pytest.raises(ValueError, match=r"tensor 'y': accessor words .* are not an interleaved"):
        program.runtime_args(p, p.kernels[0], (1, 0), ["xx", "yyy"], ShardedResolver())


def test_a_page_size_of_an_unknown_tensor_is_refused():
    p = fixture_program()
    p.kernels[0].runtime_args[(0, 0)].append(PageSize("nope"))
    with pytest.raises(KeyError, match="no io tensor named 'nope'"):
        p.validate()


def test_hardware_constants_and_alignment():
    assert (program.TILE_HEIGHT, program.TILE_WIDTH, program.FACE_HEIGHT, program.FACE_WIDTH) == (32, 32, 16, 16)
    assert program.TILE_BYTES == {"bfloat16": 2048, "float32": 4096}
    assert [program.round_up(v, 32) for v in (0, 1, 32, 33)] == [0, 32, 32, 64]
    assert [program.div_up(v, 12) for v in (0, 1, 12, 13)] == [0, 1, 1, 2]


def test_program_package_names_no_repository_root():
    assert not hasattr(program, "REPO_ROOT")
