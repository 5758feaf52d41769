"""Allocating a tensor with its first contents (operations.device.from_torch's path) leaves device memory
exactly as allocate-then-write does: the pages where the kernels' accessors look for them, and every byte
no page covers (alignment padding, the last row's empty bank slots) still holding the fresh fill."""
import numpy as np
import pytest

from emulator import EmulatedDevice
from emulator.device import FRESH_DRAM_BYTE, L1_INTERLEAVED

# widths whose pages need alignment padding (5, 3 and 17 elements) and heights that leave banks short
SHAPES = [[1, 5], [7, 3], [13, 33], [24, 16], [2, 3, 17], [40, 1]]


@pytest.fixture(scope="module")
def device():
    d = EmulatedDevice(grid=(3, 2))
    yield d
    d.close()


def _raw(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bfloat16":
        return rng.integers(0, 1 << 16, shape).astype(np.uint16)
    return rng.standard_normal(shape).astype(np.float32)


def _page_bytes(device, tensor, page):
    """Page `page` of `tensor` read through the per-bank views (the reference addressing)."""
    bank, row = page % tensor.num_banks, page // tensor.num_banks
    address = tensor.buffer_address() + row * tensor.buffer_aligned_page_size()
    view = device.bank_view if tensor.is_dram else device.l1_bank_view
    return view(bank, address, tensor.buffer_page_size())


@pytest.mark.parametrize("memory", ["DRAM_INTERLEAVED", L1_INTERLEAVED])
@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("shape", SHAPES)
def test_upload_equals_allocate_then_write(device, shape, dtype, memory):
    raw = _raw(shape, dtype, len(shape) * 100 + shape[-1])
    written = device.allocate(shape, dtype, memory=memory)
    written.write(raw)
    uploaded = device.allocate(shape, dtype, memory=memory, data=raw)
    assert np.array_equal(written._region(), uploaded._region())  # padding included, byte for byte
    pages = raw.view(np.uint8).reshape(uploaded.buffer_num_pages(), uploaded.buffer_page_size())
    for page in range(uploaded.buffer_num_pages()):
        assert np.array_equal(_page_bytes(device, uploaded, page), pages[page])
    assert uploaded.read().tobytes() == raw.tobytes()


@pytest.mark.parametrize("shape", SHAPES)
def test_padding_of_an_upload_is_fresh(device, shape):
    """Bytes outside the pages are the fill even where an earlier tensor left other bytes."""
    earlier = device.allocate(shape, "bfloat16", data=np.zeros(shape, np.uint16))
    address = earlier.buffer_address()
    earlier.deallocate()
    raw = np.full(shape, 0x1234, np.uint16)
    tensor = device.allocate(shape, "bfloat16", data=raw)
    assert tensor.buffer_address() == address  # the same memory, reused
    region = tensor._region().copy()
    size = tensor.buffer_page_size()
    full, rest = divmod(tensor.buffer_num_pages(), tensor.num_banks)
    assert (region[:, :, size:] == FRESH_DRAM_BYTE).all()
    if rest:
        assert (region[rest:, full, :] == FRESH_DRAM_BYTE).all()
    assert (region.view(np.uint8) != FRESH_DRAM_BYTE).sum() == raw.nbytes  # 0x12, 0x34 never the fill


def test_allocated_only_tensor_is_all_fill(device):
    earlier = device.allocate([13, 33], "float32", data=np.ones((13, 33), np.float32))
    earlier.deallocate()
    assert (device.allocate([13, 33], "float32")._region() == FRESH_DRAM_BYTE).all()


def test_upload_of_wrong_data_is_refused(device):
    with pytest.raises(ValueError, match=r"allocate: got float32 \(2, 5\), expected uint16 \(2, 5\)"):
        device.allocate([2, 5], "bfloat16", data=np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match=r"allocate: got uint16 \(5, 2\), expected uint16 \(2, 5\)"):
        device.allocate([2, 5], "bfloat16", data=np.zeros((5, 2), np.uint16))
    with pytest.raises(ValueError, match=r"write: got"):
        device.allocate([2, 5], "bfloat16").write(np.zeros((5, 2), np.uint16))
