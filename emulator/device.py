"""An emulated device: a grid of worker cores with L1, and interleaved DRAM banks in a shared file.

DRAM lives in a sparse file that Python and the runner process both map, so tensors move between
host and device without copies through pipes, and a crashed runner leaves Python's view intact.
"""
from __future__ import annotations

import math
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from emulator import settings

ELEMENT_SIZE = {"bfloat16": 2, "float32": 4}
RAW_DTYPE = {"bfloat16": np.uint16, "float32": np.float32}
POISON_BYTE = 0xFF
DRAM_BASE = 0x10000  # bank-local address of the first buffer: address 0 never names a buffer


@dataclass(frozen=True)
class CoreCoord:
    x: int
    y: int


class EmulatedDevice:
    """Defaults: a Wormhole n150 as the ttnn 0.81.1 wheel describes it (8x8 workers, 1464 KiB L1 with
    the unreserved region from 105824, 12 DRAM banks, 32-byte DRAM alignment)."""

    def __init__(self, grid: tuple[int, int] = (8, 8), l1_size: int = 1464 * 1024, l1_unreserved_base: int = 105824,
                 num_dram_banks: int = 12, dram_bank_size: int = 256 * 1024 * 1024, dram_alignment: int = 32,
                 l1_alignment: int = 16, numerics: str | None = None):
        if grid[0] < 1 or grid[1] < 1 or grid[0] > 255 or grid[1] > 255:
            raise ValueError(f"grid={grid}: expected 1..255 cores in each direction")
        self.grid = (int(grid[0]), int(grid[1]))
        # None: EMULATOR_NUMERICS decides at each run; a name pins this device's numerics variant.
        self.numerics = None if numerics is None else settings.check_numerics(numerics)
        self.l1_size, self.l1_unreserved_base = l1_size, l1_unreserved_base
        self.num_dram_banks, self.dram_bank_size = num_dram_banks, dram_bank_size
        self.dram_alignment, self.l1_alignment = dram_alignment, l1_alignment
        self._dir = Path(tempfile.mkdtemp(prefix="emulated-dram-"))
        self.dram_path = self._dir / "dram.bin"
        with open(self.dram_path, "wb") as f:
            f.truncate(num_dram_banks * dram_bank_size)
        self.dram = np.memmap(self.dram_path, dtype=np.uint8, mode="r+")
        self._free: list[tuple[int, int]] = [(DRAM_BASE, dram_bank_size - DRAM_BASE)]
        self.buffers: dict[int, int] = {}  # address -> bytes per bank
        self.last_run: Any = None
        self._closer = weakref.finalize(self, shutil.rmtree, self._dir, True)

    def compute_with_storage_grid_size(self) -> CoreCoord:
        return CoreCoord(*self.grid)

    def allocate(self, shape: list[int], dtype: str, layout: str = "ROW_MAJOR") -> EmulatedTensor:
        return EmulatedTensor(self, shape, dtype, layout)

    def close(self) -> None:
        self.dram._mmap.close()  # type: ignore[attr-defined]
        self._closer()

    def _alloc(self, bytes_per_bank: int) -> int:
        size = -(-bytes_per_bank // self.dram_alignment) * self.dram_alignment
        for i, (start, length) in enumerate(self._free):
            if length >= size:
                self._free[i] = (start + size, length - size)
                self.buffers[start] = size
                return start
        raise MemoryError(f"emulated DRAM bank full: {size} bytes per bank requested, "
                          f"bank size {self.dram_bank_size}")

    def _release(self, address: int) -> None:
        size = self.buffers.pop(address, None)
        if size is None:
            return
        self._free.append((address, size))
        self._free.sort()
        merged: list[tuple[int, int]] = []
        for start, length in self._free:
            if merged and merged[-1][0] + merged[-1][1] == start:
                merged[-1] = (merged[-1][0], merged[-1][1] + length)
            else:
                merged.append((start, length))
        self._free = merged

    def bank_view(self, bank: int, address: int, size: int) -> np.ndarray:
        start = bank * self.dram_bank_size + address
        return self.dram[start:start + size]


class EmulatedTensor:
    """A ROW_MAJOR tensor in interleaved DRAM: one page per stick (the last dimension)."""

    def __init__(self, device: EmulatedDevice, shape: list[int], dtype: str, layout: str = "ROW_MAJOR"):
        if dtype not in ELEMENT_SIZE:
            raise ValueError(f"dtype={dtype!r}: expected one of {sorted(ELEMENT_SIZE)}")
        if layout != "ROW_MAJOR":
            raise ValueError(f"layout={layout!r}: the emulator stores ROW_MAJOR tensors only")
        if not shape or any(int(d) < 1 for d in shape):
            raise ValueError(f"shape={list(shape)}: expected positive dimensions")
        self.device, self.shape, self.dtype, self.layout = device, tuple(int(d) for d in shape), dtype, layout
        self._address = device._alloc(self._pages_per_bank() * self.buffer_aligned_page_size())
        self._release = weakref.finalize(self, device._release, self._address)
        for bank in range(device.num_dram_banks):
            device.bank_view(bank, self._address, device.buffers[self._address])[:] = POISON_BYTE

    def buffer_address(self) -> int:
        return self._address

    def element_size(self) -> int:
        return ELEMENT_SIZE[self.dtype]

    def volume(self) -> int:
        return math.prod(self.shape)

    def buffer_page_size(self) -> int:
        return self.shape[-1] * self.element_size()

    def buffer_aligned_page_size(self) -> int:
        align = self.device.dram_alignment
        return -(-self.buffer_page_size() // align) * align

    def buffer_num_pages(self) -> int:
        return self.volume() // self.shape[-1]

    def _pages_per_bank(self) -> int:
        return -(-self.buffer_num_pages() // self.device.num_dram_banks)

    def _bank_pages(self, bank: int) -> np.ndarray:
        """A (pages in this bank, aligned page) uint8 view of this tensor's region of `bank`."""
        count = len(range(bank, self.buffer_num_pages(), self.device.num_dram_banks))
        aligned = self.buffer_aligned_page_size()
        return self.device.bank_view(bank, self._address, count * aligned).reshape(count, aligned)

    def write(self, raw: np.ndarray) -> None:
        """Host -> DRAM. `raw`: uint16 bf16 bit patterns or float32 values, in this tensor's shape."""
        expected = RAW_DTYPE[self.dtype]
        if raw.dtype != expected or tuple(raw.shape) != self.shape:
            raise ValueError(f"write: got {raw.dtype} {tuple(raw.shape)}, expected {np.dtype(expected)} {self.shape}")
        pages = np.ascontiguousarray(raw).view(np.uint8).reshape(self.buffer_num_pages(), self.buffer_page_size())
        for bank in range(min(self.device.num_dram_banks, self.buffer_num_pages())):
            self._bank_pages(bank)[:, :self.buffer_page_size()] = pages[bank::self.device.num_dram_banks]

    def read(self) -> np.ndarray:
        """DRAM -> host, as write() takes it."""
        pages = np.empty((self.buffer_num_pages(), self.buffer_page_size()), dtype=np.uint8)
        for bank in range(min(self.device.num_dram_banks, self.buffer_num_pages())):
            pages[bank::self.device.num_dram_banks] = self._bank_pages(bank)[:, :self.buffer_page_size()]
        return pages.view(RAW_DTYPE[self.dtype]).reshape(self.shape)

    def deallocate(self) -> None:
        self._release()
