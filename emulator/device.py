"""An emulated device: a grid of worker cores with L1, and interleaved DRAM banks in a shared file.

DRAM lives in a sparse file that Python and the runner process both map, so tensors move between
host and device without copies through pipes, and a crashed runner leaves Python's view intact.
L1-interleaved tensors live in a second sparse file holding every worker core's L1 (one L1 bank per
worker core, as on Wormhole), which the runner maps as those cores' L1 when any such tensor exists.
"""
from __future__ import annotations

import math
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emulator import settings
from emulator.errors import DeviceClosedError, TensorDeallocatedError
from emulator.runner_process import RunnerProcess
from program import ELEMENT_SIZE, div_up, round_up

RAW_DTYPE = {"bfloat16": np.uint16, "float32": np.float32}
# Fresh DRAM buffers hold this byte so that data read before anything wrote it shows as NaN; it is a
# debugging aid, not a detector (the runner's L1 written-map finds uninitialised reads).
FRESH_DRAM_BYTE = 0xFF
# NOC alignment of Wormhole B0 in bytes (ttnn 0.81.1 wheel, tt_metal/hw/inc/internal/tt-1xx/wormhole/noc/
# noc_parameters.h: NOC_{L1,DRAM}_{READ,WRITE}_ALIGNMENT_BYTES); runtime/noc.cpp explains the rule.
WORMHOLE_NOC_ALIGNMENT = {"l1_read": 16, "l1_write": 16, "dram_read": 32, "dram_write": 16}
DRAM_BASE = 0x10000  # bank-local address of the first buffer: address 0 never names a buffer
DRAM_INTERLEAVED, L1_INTERLEAVED = "DRAM_INTERLEAVED", "L1_INTERLEAVED"
MEMORIES = (DRAM_INTERLEAVED, L1_INTERLEAVED)
PAGE_BYTES = 4096  # the host page size: each core's L1 starts on a page of the L1 file so the runner can map it


def _end_device(runner: RunnerProcess, folder: Path) -> None:
    """A device's end: its runner process first (it maps the files), then the folder of its files."""
    runner.close()
    shutil.rmtree(folder, True)


@dataclass(frozen=True)
class CoreCoord:
    x: int
    y: int


class EmulatedDevice:
    """Defaults: a Wormhole n150 as the ttnn 0.81.1 wheel describes it (8x8 workers, 1464 KiB L1 with
    the unreserved region from 105824, 12 DRAM banks, 32-byte DRAM alignment). `cache_dir`: where
    this device's runs keep compiled kernels (default: settings.cache_dir())."""

    def __init__(self, grid: tuple[int, int] = (8, 8), l1_size: int = 1464 * 1024, l1_unreserved_base: int = 105824,
                 num_dram_banks: int = 12, dram_bank_size: int = 256 * 1024 * 1024, dram_alignment: int = 32,
                 l1_alignment: int = 16, cache_dir: Path | None = None, numerics: str | None = None):
        if grid[0] < 1 or grid[1] < 1 or grid[0] > 255 or grid[1] > 255:
            raise ValueError(f"grid={grid}: expected 1..255 cores in each direction")
        self.grid = (int(grid[0]), int(grid[1]))
        # None: EMULATOR_NUMERICS decides at each run; a name pins this device's numerics variant.
        self.numerics = None if numerics is None else settings.check_numerics(numerics)
        self.l1_size, self.l1_unreserved_base = l1_size, l1_unreserved_base
        self.num_dram_banks, self.dram_bank_size = num_dram_banks, dram_bank_size
        self.dram_alignment, self.l1_alignment = dram_alignment, l1_alignment
        self.noc_alignment = dict(WORMHOLE_NOC_ALIGNMENT)
        self.closed = False
        self._dir = Path(tempfile.mkdtemp(prefix="emulated-dram-", dir=settings.memory_dir()))
        self.dram_path = self._dir / "dram.bin"
        with open(self.dram_path, "wb") as f:
            f.truncate(num_dram_banks * dram_bank_size)
        self.dram = np.memmap(self.dram_path, dtype=np.uint8, mode="r+")
        self._free: list[tuple[int, int]] = [(DRAM_BASE, dram_bank_size - DRAM_BASE)]
        self.buffers: dict[int, int] = {}  # address -> bytes per bank
        self.l1_banks = [(x, y) for y in range(self.grid[1]) for x in range(self.grid[0])]
        self.l1_bank_stride = round_up(l1_size, PAGE_BYTES)
        self.l1_path = self._dir / "l1.bin"
        with open(self.l1_path, "wb") as f:
            f.truncate(len(self.l1_banks) * self.l1_bank_stride)
        self.l1 = np.memmap(self.l1_path, dtype=np.uint8, mode="r+")
        self.l1_buffers: dict[int, int] = {}  # address -> bytes per bank, allocated from the top of L1 down
        self.cache_dir = Path(cache_dir) if cache_dir is not None else settings.cache_dir()
        # the live runner of this device's runs (emulator.run starts it at the first run); ended with the
        # device by close() or, for a device nobody closed, by this finalizer (also at interpreter exit)
        self.runner = RunnerProcess(self._dir)
        self._closer = weakref.finalize(self, _end_device, self.runner, self._dir)

    def compute_with_storage_grid_size(self) -> CoreCoord:
        return CoreCoord(*self.grid)

    def allocate(self, shape: list[int], dtype: str, layout: str = "ROW_MAJOR",
                 memory: str = DRAM_INTERLEAVED, data: np.ndarray | None = None) -> EmulatedTensor:
        """A new tensor; `data` (as EmulatedTensor.write takes it) is its first contents, written in the same
        pass as the fresh fill of the bytes it does not cover (an upload need not fill what it overwrites)."""
        self.require_open("allocate")
        return EmulatedTensor(self, shape, dtype, layout, memory, data)

    def synchronize(self) -> None:
        """Returns once the device's runner has reset after its last run (runner_process.RunnerProcess):
        a run returns as soon as its results are ready, and the reset overlaps reading them."""
        self.runner.synchronize()

    def close(self) -> None:
        """Ends the device's runner, unmaps DRAM and deletes its file; the device and its tensors refuse any
        further use."""
        if self.closed:
            return
        self.closed = True
        self.dram._mmap.close()  # type: ignore[attr-defined]
        self.l1._mmap.close()  # type: ignore[attr-defined]
        self._closer()

    def require_open(self, action: str) -> None:
        if self.closed:
            raise DeviceClosedError(f"{action}: the emulated device was closed (close_device); open a new device "
                                    f"and move the tensors to it")

    def _alloc(self, bytes_per_bank: int) -> int:
        size = round_up(bytes_per_bank, self.dram_alignment)
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

    def bank_slots(self, memory: str, address: int, slots: int, slot_size: int) -> np.ndarray:
        """(banks, slots, slot_size) uint8 view of `slots * slot_size` bytes at `address` of every bank of
        `memory` (DRAM, or the L1 banks in l1_banks order): one array addresses an interleaved tensor's pages
        in all banks."""
        self.require_open("DRAM access" if memory == DRAM_INTERLEAVED else "L1 access")
        if memory == DRAM_INTERLEAVED:
            banks, stride, mapped = self.num_dram_banks, self.dram_bank_size, self.dram
        else:
            banks, stride, mapped = len(self.l1_banks), self.l1_bank_stride, self.l1
        return np.ndarray((banks, slots, slot_size), np.uint8, mapped, address, (stride, slot_size, 1))

    def bank_view(self, bank: int, address: int, size: int) -> np.ndarray:
        self.require_open("DRAM access")
        start = bank * self.dram_bank_size + address
        return self.dram[start:start + size]

    def _alloc_l1(self, bytes_per_bank: int) -> int:
        """The highest free L1 address for `bytes_per_bank` in every bank at once: tt-metal allocates L1
        buffers top-down (tenstorrent/tt-metal tt_metal/impl/buffers/buffer.cpp, Buffer constructor:
        bottom_up defaults to is_dram()) at one address valid in every L1 bank (its bank manager keeps one
        free list per bank type, tt_metal/impl/allocator/bank_manager.cpp); circular buffers grow from the
        unreserved base up and must end below the lowest L1 buffer (run._place)."""
        size = round_up(bytes_per_bank, self.l1_alignment)
        top = self.l1_size // self.l1_alignment * self.l1_alignment
        for address in sorted(self.l1_buffers, reverse=True):  # the highest gap that fits
            if top - (address + self.l1_buffers[address]) >= size:
                break
            top = address
        address = top - size
        if address < self.l1_unreserved_base:
            raise MemoryError(f"emulated L1 banks full: {size} bytes per bank requested, "
                              f"{self.l1_size - self.l1_unreserved_base} usable per bank, "
                              f"{sum(self.l1_buffers.values())} already allocated")
        self.l1_buffers[address] = size
        return address

    def _release_l1(self, address: int) -> None:
        self.l1_buffers.pop(address, None)

    def l1_bank_view(self, bank: int, address: int, size: int) -> np.ndarray:
        self.require_open("L1 access")
        start = bank * self.l1_bank_stride + address
        return self.l1[start:start + size]

    def lowest_l1_buffer(self) -> int | None:
        """The lowest address of an allocated L1 buffer: where circular buffers must end."""
        return min(self.l1_buffers) if self.l1_buffers else None


class EmulatedTensor:
    """A ROW_MAJOR interleaved tensor, one page per stick (the last dimension), page i in bank
    i mod banks: the DRAM banks, or (L1_INTERLEAVED) the worker cores' L1 banks in device.l1_banks order."""

    def __init__(self, device: EmulatedDevice, shape: list[int], dtype: str, layout: str = "ROW_MAJOR",
                 memory: str = DRAM_INTERLEAVED, data: np.ndarray | None = None):
        if dtype not in ELEMENT_SIZE:
            raise ValueError(f"dtype={dtype!r}: expected one of {sorted(ELEMENT_SIZE)}")
        if layout != "ROW_MAJOR":
            raise ValueError(f"layout={layout!r}: the emulator stores ROW_MAJOR tensors only")
        if not shape or any(int(d) < 1 for d in shape):
            raise ValueError(f"shape={list(shape)}: expected positive dimensions")
        if memory not in MEMORIES:
            raise ValueError(f"memory={memory!r}: expected one of {list(MEMORIES)} (the emulator has no sharded tensors)")
        self.device, self.shape, self.dtype, self.layout = device, tuple(int(d) for d in shape), dtype, layout
        self.memory = memory
        pages = None if data is None else self._pages_of("allocate", data)
        bytes_per_bank = self._pages_per_bank() * self.buffer_aligned_page_size()
        if self.is_dram:
            self._address = device._alloc(bytes_per_bank)
            self._release = weakref.finalize(self, device._release, self._address)
        else:
            self._address = device._alloc_l1(bytes_per_bank)
            self._release = weakref.finalize(self, device._release_l1, self._address)
        if data is None:
            self._region()[...] = FRESH_DRAM_BYTE
        else:
            self._store(pages)
            self._fill_unused()

    @property
    def is_dram(self) -> bool:
        return self.memory == DRAM_INTERLEAVED

    @property
    def num_banks(self) -> int:
        return self.device.num_dram_banks if self.is_dram else len(self.device.l1_banks)

    @property
    def is_allocated(self) -> bool:
        return self._release.alive

    def require_usable(self, action: str) -> None:
        """Raises unless this tensor's memory still belongs to it: ttnn refuses deallocated tensors too."""
        self.device.require_open(f"{action} of a {self.dtype} {list(self.shape)} tensor")
        if not self.is_allocated:
            raise TensorDeallocatedError(f"{action}: this {self.dtype} {list(self.shape)} tensor was deallocated; "
                                         f"its memory may now hold another tensor")

    def buffer_address(self) -> int:
        self.require_usable("buffer_address")
        return self._address

    def element_size(self) -> int:
        return ELEMENT_SIZE[self.dtype]

    def volume(self) -> int:
        return math.prod(self.shape)

    def buffer_page_size(self) -> int:
        return self.shape[-1] * self.element_size()

    def buffer_aligned_page_size(self) -> int:
        alignment = self.device.dram_alignment if self.is_dram else self.device.l1_alignment
        return round_up(self.buffer_page_size(), alignment)

    def buffer_num_pages(self) -> int:
        return self.volume() // self.shape[-1]

    def _pages_per_bank(self) -> int:
        return div_up(self.buffer_num_pages(), self.num_banks)

    def _region(self) -> np.ndarray:
        """This tensor's bytes in every bank, a (banks, pages per bank, aligned page) uint8 view: page i is
        [i % banks, i // banks], as the kernels' interleaved accessors address it."""
        return self.device.bank_slots(self.memory, self._address, self._pages_per_bank(),
                                      self.buffer_aligned_page_size())

    def _pages_of(self, action: str, raw: np.ndarray) -> np.ndarray:
        """`raw` as (pages, page bytes) uint8, after checking it is this tensor's dtype and shape."""
        expected = RAW_DTYPE[self.dtype]
        if raw.dtype != expected or tuple(raw.shape) != self.shape:
            raise ValueError(f"{action}: got {raw.dtype} {tuple(raw.shape)}, expected {np.dtype(expected)} {self.shape}")
        return np.ascontiguousarray(raw).view(np.uint8).reshape(self.buffer_num_pages(), self.buffer_page_size())

    def _bank_page_counts(self) -> list[int]:
        """How many of this tensor's pages each bank holds (pages fill the banks row by row)."""
        pages, banks = self.buffer_num_pages(), self.num_banks
        return [len(range(bank, pages, banks)) for bank in range(banks)]

    def _store(self, pages: np.ndarray) -> None:
        """Each page into its bank slot (page bytes only; alignment padding is left as it is). Bank by bank:
        each copy then reads or writes one bank's region in address order (one strided copy over every bank
        read 8 MiB from cold caches 1.6x slower here, and wrote it no faster)."""
        region, size, banks = self._region(), self.buffer_page_size(), self.num_banks
        for bank, count in enumerate(self._bank_page_counts()):
            region[bank, :count, :size] = pages[bank::banks]

    def _fill_unused(self) -> None:
        """The fresh fill of every byte of the region no page covers: alignment padding, and the slots past the
        last page of each bank holding fewer pages than the others."""
        region, size = self._region(), self.buffer_page_size()
        region[:, :, size:] = FRESH_DRAM_BYTE
        for bank, count in enumerate(self._bank_page_counts()):
            region[bank, count:] = FRESH_DRAM_BYTE

    def write(self, raw: np.ndarray) -> None:
        """Host -> device memory. `raw`: uint16 bf16 bit patterns or float32 values, in this tensor's shape."""
        self.require_usable("write")
        self._store(self._pages_of("write", raw))

    def read(self) -> np.ndarray:
        """Device memory -> host, as write() takes it (bank by bank, as _store)."""
        self.require_usable("read")
        region, size, banks = self._region(), self.buffer_page_size(), self.num_banks
        pages = np.empty((self.buffer_num_pages(), size), dtype=np.uint8)
        for bank, count in enumerate(self._bank_page_counts()):
            pages[bank::banks] = region[bank, :count, :size]
        return pages.view(RAW_DTYPE[self.dtype]).reshape(self.shape)

    def deallocate(self) -> None:
        self._release()
