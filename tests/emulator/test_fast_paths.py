"""The whole-tile fast paths of the compute data path equal the per-datum rules they are built from, bit
for bit (issue 15 item 1): a test-only driver (fast_paths/driver.cpp, linked with the runtime's number
rules at the runner's flags) runs both on the same datums. Datums are random bit patterns weighted to the
edges that matter: zeros of both signs, denormals, the smallest normals, infinities, NaNs, the largest
finite values, and operand pairs whose sum cancels or whose product lands at an exponent boundary."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import build, settings as emulator_settings
from tests.emulator.harness import FACE_INDEX

DRIVER = Path(__file__).parent / "fast_paths" / "driver.cpp"
VARIANTS = {"pessimistic": 0, "isa": 1, "ttsim": 2, "exact": 3}
OPS = {"add": 0, "mul": 1, "store": 2, "bcast_col": 3, "unpack_bf16": 4, "unpack_fp32": 5, "pack_bf16": 6,
       "pack_fp32": 7, "sqrt_body": 8, "mad": 9}
EDGES = [0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000, 0x80800000, 0x00FFFFFF, 0x01000000,
         0x01800000, 0x3F800000, 0xBF800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000, 0x7FC00000,
         0xFFFFFFFF, 0x7F800001, 0x1F800000, 0x5F800000, 0x3F7FFFFF, 0x3F800001]


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Path:
    exe = tmp_path_factory.mktemp("fast_paths") / "driver"
    sources = [build.RUNTIME / "numerics.cpp", build.RUNTIME / "sfpu_math.cpp", DRIVER]
    flags = [f for f in build.RUNNER_FLAGS if f != "-rdynamic"]
    subprocess.run([emulator_settings.compiler(), *flags, f"-I{build.INCLUDE}", f"-I{build.RUNTIME}",
                    *map(str, sources), "-o", str(exe)], check=True, capture_output=True)
    return exe


def run(driver: Path, op: str, a: np.ndarray, b: np.ndarray | None = None, c: np.ndarray | None = None, *,
        variant: str = "pessimistic", flag: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(per-datum rule, fast path) results of `op` on the uint32 datums a (and b; mad: and c)."""
    a = np.asarray(a, dtype=np.uint32)
    b = np.zeros_like(a) if b is None else np.asarray(b, dtype=np.uint32)
    stdin = struct.pack("<4I", OPS[op], VARIANTS[variant], flag, a.size) + a.tobytes() + b.tobytes()
    if c is not None:
        stdin += np.asarray(c, dtype=np.uint32).tobytes()
    out = np.frombuffer(subprocess.run([str(driver)], input=stdin, capture_output=True, check=True).stdout,
                        dtype=np.uint32)
    return out[:out.size // 2], out[out.size // 2:]


def assert_same(reference: np.ndarray, fast: np.ndarray, *inputs: np.ndarray) -> None:
    bad = np.flatnonzero(reference != fast)
    assert bad.size == 0, (f"{bad.size} datums differ, first at {bad[0]}: inputs "
                           f"{[hex(int(x[bad[0]])) for x in inputs]} rule {hex(int(reference[bad[0]]))} "
                           f"fast {hex(int(fast[bad[0]]))}")


# --- datums ---------------------------------------------------------------------------------------------

def edge_weighted(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random bit patterns: a third uniform, a third near exponent 127 (everyday values), a third edges and
    values with exponents at the denormal and overflow boundaries."""
    bits = rng.integers(0, 2 ** 32, size=n, dtype=np.uint64).astype(np.uint32)
    everyday = (rng.integers(0, 2 ** 23, size=n) | (rng.integers(100, 155, size=n) << 23)
                | (rng.integers(0, 2, size=n) << 31)).astype(np.uint32)
    boundary = (rng.integers(0, 2 ** 23, size=n) | (rng.choice([0, 1, 2, 3, 125, 126, 127, 128, 252, 253, 254, 255],
                                                                size=n) << 23)
                | (rng.integers(0, 2, size=n) << 31)).astype(np.uint32)
    pick = rng.integers(0, 4, size=n)
    out = np.where(pick == 0, bits, np.where(pick == 1, everyday, boundary))
    edges = rng.random(n) < 0.08
    out[edges] = rng.choice(np.array(EDGES, dtype=np.uint32), size=int(edges.sum()))
    return out.astype(np.uint32)


def partner(rng: np.random.Generator, a: np.ndarray, op: str) -> np.ndarray:
    """Second operands that stress the rule: for add, the negation or a near copy of a (cancellation) or an
    exponent 1..30 away (alignment and sticky bits); for mul, exponents that put the product at the
    denormal or overflow boundary; the rest independent."""
    b = edge_weighted(rng, a.size)
    e = ((a >> 23) & 255).astype(np.int64)
    kind = rng.integers(0, 4, size=a.size)
    if op == "add":
        near = (a ^ np.uint32(0x80000000)) + rng.integers(-3, 4, size=a.size).astype(np.int64).astype(np.uint32)
        shifted_e = np.clip(e - rng.integers(1, 31, size=a.size), 0, 255).astype(np.uint32)
        shifted = (rng.integers(0, 2, size=a.size).astype(np.uint32) << 31) | (shifted_e << 23) \
            | rng.integers(0, 2 ** 23, size=a.size).astype(np.uint32)
        b = np.where(kind == 0, near, np.where(kind == 1, shifted, b))
    else:
        target = rng.choice([0, 1, 2, 3, 253, 254, 255, 256], size=a.size)
        be = np.clip(target + 127 - e, 0, 255).astype(np.uint32)
        bounded = (b & np.uint32(0x807FFFFF)) | (be << 23)
        b = np.where(kind < 2, bounded, b)
    return b.astype(np.uint32)


# --- bulk comparisons (a million datums per case) ------------------------------------------------------------

@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("op", ["add", "mul"])
def test_sfpu_mad_tiles_equal_the_rule_on_a_million_datums(driver, op, variant):
    rng = np.random.default_rng(100 * OPS[op] + VARIANTS[variant])
    a = edge_weighted(rng, 1 << 20)
    b = partner(rng, a, op)
    assert_same(*run(driver, op, a, b, variant=variant), a, b)


def addends(rng: np.random.Generator, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Third operands for a * b + c that stress the rule: the product's negation give or take a few ulps
    (cancellation exposing the product's cut low bits), an exponent 0..30 away from the product's either
    way (alignment, sticky and semi-sticky bits), the product's exponent at the range's edges; the rest
    independent."""
    c = edge_weighted(rng, a.size)
    with np.errstate(all="ignore"):  # NaN and Inf operands are drawn on purpose
        product = a.view(np.float32).astype(np.float64) * b.view(np.float32).astype(np.float64)
        p32 = product.astype(np.float32).view(np.uint32)
    pe = ((p32 >> 23) & 255).astype(np.int64)
    kind = rng.integers(0, 4, size=a.size)
    near = (p32 ^ np.uint32(0x80000000)).astype(np.int64) + rng.integers(-3, 4, size=a.size)
    away_e = np.clip(pe + rng.integers(-30, 31, size=a.size), 0, 255).astype(np.uint32)
    away = (rng.integers(0, 2, size=a.size).astype(np.uint32) << 31) | (away_e << 23) \
        | rng.integers(0, 2 ** 23, size=a.size).astype(np.uint32)
    c = np.where(kind == 0, near.astype(np.uint32), np.where(kind == 1, away, c))
    return c.astype(np.uint32)


def everyday(rng: np.random.Generator, n: int) -> np.ndarray:
    """Normal values of either sign with exponents 100..154: the common path's inputs."""
    return (rng.integers(0, 2 ** 23, size=n) | (rng.integers(100, 155, size=n) << 23)
            | (rng.integers(0, 2, size=n) << 31)).astype(np.uint32)


@pytest.mark.parametrize("operands", ["edges", "everyday"])
def test_sfpu_mad_tiles_equal_the_rule_on_a_million_triples(driver, operands):
    """sfpu_mad_n (the lane-wise common path of mad_bits, the rule for the rest) against sfpu_mad."""
    rng = np.random.default_rng(91 if operands == "edges" else 92)
    n = 1 << 20
    a, b = (edge_weighted(rng, n), edge_weighted(rng, n)) if operands == "edges" else (everyday(rng, n), everyday(rng, n))
    c = addends(rng, a, b)
    assert_same(*run(driver, "mad", a, b, c), a, b, c)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2 ** 32 - 1), st.integers(0, 2 ** 32 - 1), st.integers(0, 2 ** 32 - 1)),
                min_size=1, max_size=40))
def test_sfpu_mad_tiles_property(driver, triples):
    """Any triples, any count (a tail shorter than the vector lanes included)."""
    a, b, c = (np.array(column, dtype=np.uint32) for column in zip(*triples))
    assert_same(*run(driver, "mad", a, b, c), a, b, c)


@pytest.mark.parametrize("op", ["add", "mul"])
def test_sfpmad_never_returns_a_denormal(driver, op):
    """The compute model skips SFPSTORE's denormal flush into an fp32 DST after an SFPU add or multiply
    (compute.cpp sfpu_binary) because SFPMAD never returns a denormal: checked here on the rule itself."""
    rng = np.random.default_rng(29 + OPS[op])
    a = edge_weighted(rng, 1 << 20)
    b = partner(rng, a, op)
    reference, fast = run(driver, op, a, b)
    for results in (reference, fast):
        magnitude = results & np.uint32(0x7FFFFFFF)
        assert not np.any((magnitude > 0) & (magnitude < 0x00800000))


@pytest.mark.parametrize("op, a_special, b_special", [
    ("mul", 0x1C800000, 0x1C800000),   # 2^-70 * 2^-70: below the normal range, SFPMAD flushes it to +0
    ("mul", 0x00C00000, 0x3F800000),   # a denormal operand, read as zero
    ("add", 0x00C00000, 0x80800000),   # 1.5 * 2^-126 - 2^-126: a denormal sum
    ("add", 0x03800000, 0x00400000),   # 2^-120 + a denormal, read as zero
])
def test_one_datum_outside_the_ieee_domain_in_a_tile_of_everyday_values(driver, op, a_special, b_special):
    """sfpu_mad_n takes a whole tile from the host's IEEE arithmetic unless its cheap domain test finds a
    datum outside; here exactly one datum of 1024 is, in a different place per tile, and must get the rule."""
    a = np.full(4 * 1024, 0x3FC00000, dtype=np.uint32)  # 1.5
    b = np.full(4 * 1024, 0x40100000, dtype=np.uint32)  # 2.25
    for tile, at in enumerate([0, 17, 511, 1023]):
        a[tile * 1024 + at], b[tile * 1024 + at] = a_special, b_special
    assert_same(*run(driver, op, a, b), a, b)


@pytest.mark.parametrize("fp32_dest", [True, False])
def test_sfpu_store_tile_equals_the_rule(driver, fp32_dest):
    a = edge_weighted(np.random.default_rng(7), 1 << 18)
    assert_same(*run(driver, "store", a, flag=int(fp32_dest)), a)


def test_bcast_col_column_equals_the_rule(driver):
    """Whole tiles, some with Inf or NaN in columns 1..7 (the rows that take the full rotate-and-add)."""
    a = edge_weighted(np.random.default_rng(11), 256 * 1024)
    reference, fast = run(driver, "bcast_col", a)
    assert reference.size == 256 * 32
    assert_same(reference, fast)


@pytest.mark.parametrize("flag", [0, 1, 2], ids=["bf16_register", "to_dest", "tf32_register"])
@pytest.mark.parametrize("op", ["unpack_bf16", "unpack_fp32"])
def test_unpack_tile_equals_the_rule(driver, op, flag):
    a = edge_weighted(np.random.default_rng(13), 256 * 1024)
    assert_same(*run(driver, op, a, flag=flag), a)


@pytest.mark.parametrize("fp32_dest", [True, False])
@pytest.mark.parametrize("op", ["pack_bf16", "pack_fp32"])
def test_pack_tile_equals_the_rule(driver, op, fp32_dest):
    a = edge_weighted(np.random.default_rng(17), 256 * 1024)
    assert_same(*run(driver, op, a, flag=int(fp32_dest)), a)


@pytest.mark.parametrize("flag", [0, 1, 3], ids=["sqrt", "rsqrt", "rsqrt_fast"])
def test_sqrt_body_tile_equals_the_rule(driver, flag):
    """Positive everyday values (what rsqrt_tile meets in a norm) as well as every edge and sign."""
    rng = np.random.default_rng(19 + flag)
    a = edge_weighted(rng, 1 << 18)
    a[::3] &= np.uint32(0x7FFFFFFF)
    assert_same(*run(driver, "sqrt_body", a, flag=flag), a)


# --- hypothesis: shrinking counterexamples -------------------------------------------------------------------

datum = st.one_of(st.sampled_from(EDGES), st.integers(0, 2 ** 32 - 1),
                  st.builds(lambda s, e, m: (s << 31) | (e << 23) | m, st.integers(0, 1), st.integers(0, 255),
                            st.integers(0, 2 ** 23 - 1)))
HYPOTHESIS = settings(max_examples=300, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


@HYPOTHESIS
@given(pairs=st.lists(st.tuples(datum, datum), min_size=1, max_size=200), op=st.sampled_from(["add", "mul"]),
       variant=st.sampled_from(list(VARIANTS)))
def test_sfpu_mad_tiles_equal_the_rule_property(driver, pairs, op, variant):
    a, b = (np.array(x, dtype=np.uint32) for x in zip(*pairs))
    assert_same(*run(driver, op, a, b, variant=variant), a, b)


@HYPOTHESIS
@given(data=st.lists(datum, min_size=1, max_size=200), flag=st.sampled_from([0, 1, 3]))
def test_sqrt_body_property(driver, data, flag):
    a = np.array(data, dtype=np.uint32)
    assert_same(*run(driver, "sqrt_body", a, flag=flag), a)


@HYPOTHESIS
@given(data=st.lists(datum, min_size=1, max_size=200), fp32_dest=st.booleans())
def test_sfpu_store_property(driver, data, fp32_dest):
    a = np.array(data, dtype=np.uint32)
    assert_same(*run(driver, "store", a, flag=int(fp32_dest)), a)


@HYPOTHESIS
@given(rows=st.lists(st.lists(datum, min_size=8, max_size=8), min_size=1, max_size=32))
def test_bcast_col_property(driver, rows):
    """Columns 0..7 of the first rows of a tile (the rest 0.0): what the column broadcast reads."""
    tile = np.zeros((32, 32), dtype=np.uint32)
    tile[:len(rows), :8] = np.array(rows, dtype=np.uint32)
    faces = np.empty(1024, dtype=np.uint32)
    faces[FACE_INDEX] = tile.reshape(-1)
    assert_same(*run(driver, "bcast_col", faces))


@HYPOTHESIS
@given(data=st.lists(datum, min_size=1, max_size=1024), op=st.sampled_from(["unpack_bf16", "unpack_fp32", "pack_bf16",
                                                                           "pack_fp32"]),
       flag=st.integers(0, 2), variant=st.sampled_from(list(VARIANTS)))
def test_unpack_and_pack_tile_property(driver, data, op, flag, variant):
    """The datums drawn, repeated to fill a tile."""
    a = np.resize(np.array(data, dtype=np.uint32), 1024)
    assert_same(*run(driver, op, a, flag=flag if op.startswith("unpack") else flag & 1, variant=variant), a)
