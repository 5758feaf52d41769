"""Host values <-> the raw words an emulated tensor stores, for every data format we support.

bf16 goes through `ml_dtypes` (round to nearest even on the way in, exact on the way out, as
ttnn.from_torch / to_torch do), so no hand-written rounding exists anywhere in the project.
"""
from __future__ import annotations

import ml_dtypes
import numpy as np

from emulator.device import RAW_DTYPE


def to_raw(values: np.ndarray, dtype: str) -> np.ndarray:
    """`values` as EmulatedTensor.write takes them: bf16 bit patterns (uint16) or float32."""
    if dtype not in RAW_DTYPE:
        raise ValueError(f"dtype={dtype!r}: expected one of {sorted(RAW_DTYPE)}")
    values = np.ascontiguousarray(values, dtype=np.float32)
    if dtype == "float32":
        return values
    return values.astype(ml_dtypes.bfloat16).view(np.uint16)


def from_raw(raw: np.ndarray, dtype: str) -> np.ndarray:
    """What EmulatedTensor.read returns, as float32 values (exact for both formats)."""
    if dtype not in RAW_DTYPE:
        raise ValueError(f"dtype={dtype!r}: expected one of {sorted(RAW_DTYPE)}")
    if dtype == "float32":
        return np.asarray(raw, dtype=np.float32)
    return np.ascontiguousarray(raw, dtype=np.uint16).view(ml_dtypes.bfloat16).astype(np.float32)


def quantize(values: np.ndarray, dtype: str) -> np.ndarray:
    """What the device holds after the host writes `values` in `dtype`, as float32."""
    return from_raw(to_raw(values, dtype), dtype)
