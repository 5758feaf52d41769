"""Undefined datums (README "Undefined datums"): L1 that nothing wrote is read as whatever it holds and
tracked per datum through unpack, math, pack and NOC copies, like valgrind memcheck; the run stops only
where such a datum would leave for DRAM. A datum no output depends on is harmless, as on hardware, where
ttnn's own layernorm adds a whole epsilon tile of which only column 0 was written."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

import emulator
from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.emulator.harness import KERNELS, from_faces, from_raw, to_faces, to_raw

UNDEFINED = KERNELS / "undefined"
CORE = [CoreRange((0, 0), (0, 0))]
TILE = 2048
VARIANTS = ["pessimistic", "isa", "ttsim", "exact"]


@pytest.fixture(scope="module", params=VARIANTS)
def dev(request) -> Iterator[emulator.EmulatedDevice]:
    device = emulator.EmulatedDevice(numerics=request.param)
    yield device
    device.close()


def small_integers(n: int = 2, seed: int = 3) -> np.ndarray:
    """Integers in [-8, 8]: every sum and product below is exact in bf16 under every variant."""
    return np.random.default_rng(seed).integers(-8, 9, size=(n, 32, 32)).astype(np.float32)


def run(device, x: np.ndarray, compute: str, partial: str, *, skip: tuple[int, int] = (0, 0),
        via_l1_copy: bool = False) -> np.ndarray:
    """Runs the undefined-datum kernels on bf16 tiles x ([n, 32, 32]); returns the output tiles."""
    n = x.shape[0]
    reader_defines = {partial: "1", **({"VIA_L1_COPY": "1"} if via_l1_copy else {})}
    compute_defines = {"IN": "2" if via_l1_copy else "1"}
    cbs = [CircularBuffer(i, "bfloat16", TILE, 2, CORE) for i in (0, 1, 16, 24)]
    if via_l1_copy:
        cbs.append(CircularBuffer(2, "bfloat16", TILE, 2, CORE))
    if compute.startswith("REDUCE"):
        cbs.append(CircularBuffer(8, "bfloat16", TILE, 1, CORE))
        reader_defines["SCALER"] = "1"
        compute_defines.update({"OP_REDUCE": "1", "REDUCE_DIM": compute})
    else:
        compute_defines[compute] = "1"
    kernels = [
        Kernel("reader", "reader", str(UNDEFINED / "reader.cpp"), CORE, [AccessorArgs("x")],
               {(0, 0): [n, BufferAddress("x"), TILE, *skip]}, defines=reader_defines),
        Kernel("compute", "compute", str(UNDEFINED / "compute.cpp"), CORE, [], {(0, 0): [n]},
               defines=compute_defines, compute_config=ComputeConfig("HiFi4", True, False, False, [])),
        Kernel("writer", "writer", str(KERNELS / "writer_tiles.cpp"), CORE, [AccessorArgs("out")],
               {(0, 0): [n, BufferAddress("out"), TILE]}),
    ]
    slots = [TensorSlot("x", [n, 1024], "bfloat16", "input"), TensorSlot("out", [n, 1024], "bfloat16", "output")]
    xt = device.allocate([n, 1024], "bfloat16")
    xt.write(to_raw(to_faces(x), "bfloat16"))
    out = device.allocate([n, 1024], "bfloat16")
    emulator.run(Program("undefined", cbs, kernels, slots), [xt, out])
    return from_faces(from_raw(out.read(), "bfloat16"))


def undefined_at_writer(device, x, compute, partial, **kwargs) -> str:
    with pytest.raises(emulator.UninitialisedReadError) as info:
        run(device, x, compute, partial, **kwargs)
    message = str(info.value)
    assert "kernel 'writer' (writer) on core (0,0) in noc_async_write(" in message
    assert "was never written, or was computed from L1 nothing wrote" in message
    return message


def test_an_unwritten_datum_reaching_dram_names_the_datum_and_the_address(dev):
    message = undefined_at_writer(dev, small_integers(), "COPY_P", "SKIP_ONE", skip=(17, 5))
    # datum (17,5) sits in face 2 (rows 16..31, columns 0..15): index 512 + 16 + 5 = 533, byte 1066.
    assert "byte 1066 of the 2048-byte write, datum (17,5) of the tile in page 0 of CB 16" in message
    assert "DRAM bank 0 at 0x" in message


def test_a_noc_write_that_starts_inside_a_page_leaves_the_bytes_before_it_unwritten(dev):
    """The written-map's per-block summary (l1.cpp) must not count a block a transfer only partly covers.
    One tile, so no later write into a neighbouring page re-reads the shared block before the unpack."""
    message = undefined_at_writer(dev, small_integers(1), "COPY_P", "TAIL_BY_NOC")
    assert "byte 0 of the 2048-byte write, datum (0,0) of the tile in page 0 of CB 16" in message


def test_a_column_broadcast_never_reads_the_undefined_columns(dev):
    """mul_tiles_bcast_cols reads column 0 of its second operand only: the unwritten columns 1..31 of a
    column-0-only tile reach no output datum, so the run succeeds with the right products."""
    x = small_integers()
    out = run(dev, x, "BCAST_COL_P", "COL0_ONLY")
    np.testing.assert_array_equal(out, x * 0.5)


def test_an_undefined_datum_a_broadcast_does_not_read_is_harmless(dev):
    out = run(dev, small_integers(), "BCAST_COL_P", "SKIP_ONE", skip=(3, 7))
    np.testing.assert_array_equal(out, small_integers())


def test_undefined_datums_survive_pack_and_unpack_of_an_intermediate_cb(dev):
    """ttnn layernorm's epsilon path: q = x + eps_tile (eps in column 0 only) is packed into an intermediate
    CB, unpacked again and broadcast by column, so only q's defined column 0 is used."""
    x = small_integers()
    out = run(dev, x, "ADD_THEN_BCAST", "COL0_ONLY")
    np.testing.assert_array_equal(out, x * (x[:, :, :1] + 0.5))


def test_copying_the_intermediate_out_finds_its_undefined_columns(dev):
    """The same q copied out whole: packing q kept columns 1..31 unwritten in the intermediate CB, so they
    are undefined again after unpacking and found at the writer, at the first of them."""
    message = undefined_at_writer(dev, small_integers(), "ADD_THEN_COPY", "COL0_ONLY")
    assert "byte 2 of the 2048-byte write, datum (0,1) of the tile in page 0 of CB 16" in message


def test_a_row_reduce_over_an_undefined_datum_makes_that_row_sum_undefined(dev):
    message = undefined_at_writer(dev, small_integers(), "REDUCE_ROW", "SKIP_ONE", skip=(9, 20))
    assert "datum (9,0) of the tile in page 0 of CB 16" in message


def test_a_column_reduce_over_an_undefined_datum_makes_that_column_sum_undefined(dev):
    message = undefined_at_writer(dev, small_integers(), "REDUCE_COL", "SKIP_ONE", skip=(9, 20))
    assert "datum (0,20) of the tile in page 0 of CB 16" in message


def test_the_reduce_kernel_sums_a_fully_written_tile(dev):
    """The control for the two reduce faults above: with no datum skipped the same program succeeds."""
    out = run(dev, small_integers(), "REDUCE_ROW", "SKIP_ONE", skip=(32, 32))
    expected = np.zeros((2, 32, 32), dtype=np.float32)
    expected[:, :, 0] = 32.0
    np.testing.assert_array_equal(out, expected)


def test_an_l1_to_l1_noc_copy_carries_undefined_datums(dev):
    """A NOC copy between L1 addresses moves the written-map with the data: the copy's unwritten columns
    stay undefined (found at the writer), its stored column 0 stays defined (the broadcast succeeds)."""
    x = small_integers()
    np.testing.assert_array_equal(run(dev, x, "BCAST_COL_P", "COL0_ONLY", via_l1_copy=True), x * 0.5)
    message = undefined_at_writer(dev, x, "COPY_P", "COL0_ONLY", via_l1_copy=True)
    assert "datum (0,1) of the tile in page 0 of CB 16" in message
