"""Host values <-> raw tensor words: bf16 rounds to nearest even (ties to the even mantissa), as
ttnn.from_torch does; reading back is exact; bad dtypes are named."""
from __future__ import annotations

import numpy as np
import pytest

from emulator.host_values import from_raw, quantize, to_raw


def test_bf16_rounds_ties_to_even_and_reads_back_exactly():
    ulp = 2.0 ** -7  # bf16 spacing at 1.0
    values = np.array([1 + ulp / 2, 1 + 3 * ulp / 2, 1 + ulp / 2 + 2.0 ** -20, -2.5], dtype=np.float32)
    raw = to_raw(values, "bfloat16")
    assert raw.dtype == np.uint16
    assert raw.tolist() == [0x3F80, 0x3F82, 0x3F81, 0xC020]
    np.testing.assert_array_equal(from_raw(raw, "bfloat16"), [1.0, 1 + 2 * ulp, 1 + ulp, -2.5])


def test_bf16_keeps_infinities_and_nans():
    out = quantize(np.array([np.inf, -np.inf, np.nan], dtype=np.float32), "bfloat16")
    assert out[0] == np.inf and out[1] == -np.inf and np.isnan(out[2])


def test_float32_is_stored_as_is():
    values = np.random.default_rng(0).standard_normal((4, 8)).astype(np.float32)
    np.testing.assert_array_equal(quantize(values, "float32"), values)


@pytest.mark.parametrize("convert", [to_raw, from_raw])
def test_unknown_dtype_is_named(convert):
    with pytest.raises(ValueError, match=r"dtype='int8': expected one of \['bfloat16', 'float32'\]"):
        convert(np.zeros(2), "int8")
