"""ttnn's TILE layout on the host: a [..., H, W] tensor as 32x32 tiles, tiles in row-major order over
(batch, H/32, W/32), each tile's datums in face order (four 16x16 faces, row-major inside a face and
across faces), one tile per DRAM page. The emulator stores pages of a [num_tiles, 1024] tensor, which
is exactly this paging for interleaved TILE tensors."""
from __future__ import annotations

import numpy as np
import torch

TILE = 32
_r, _c = np.meshgrid(np.arange(TILE), np.arange(TILE), indexing="ij")
# Position, inside a tile's 1024 datums, of the datum at (row, column).
FACE_INDEX = (((_r // 16) * 2 + _c // 16) * 256 + (_r % 16) * 16 + _c % 16).reshape(-1)


def to_tiles(x: torch.Tensor) -> torch.Tensor:
    """[..., H, W] (H, W multiples of 32) -> [num_tiles, 1024] in page order, datums in face order."""
    h, w = x.shape[-2:]
    if h % TILE or w % TILE:
        raise ValueError(f"shape {list(x.shape)}: H and W must be multiples of {TILE}")
    t = x.reshape(-1, h // TILE, TILE, w // TILE, TILE).permute(0, 1, 3, 2, 4).reshape(-1, TILE * TILE)
    out = torch.empty_like(t)
    out[:, torch.from_numpy(FACE_INDEX)] = t
    return out


def from_tiles(pages: torch.Tensor, shape: list[int]) -> torch.Tensor:
    """Inverse of to_tiles."""
    h, w = shape[-2:]
    t = pages[:, torch.from_numpy(FACE_INDEX)]
    return t.reshape(-1, h // TILE, w // TILE, TILE, TILE).permute(0, 1, 3, 2, 4).reshape(shape)


def to_raw(x: torch.Tensor, dtype: str) -> np.ndarray:
    """Host -> device datums: bf16 bit patterns (round to nearest even, as ttnn.from_torch) or float32."""
    if dtype == "bfloat16":
        return x.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    return x.to(torch.float32).numpy()


def from_raw(raw: np.ndarray, dtype: str) -> torch.Tensor:
    if dtype == "bfloat16":
        return torch.from_numpy((raw.astype(np.uint32) << 16).view(np.float32))
    return torch.from_numpy(raw.astype(np.float32))
