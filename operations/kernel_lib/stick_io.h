// kernel_lib/stick_io.h: exact reads and writes of row-major sticks in width blocks (dataflow kernels).
//
// A width block is block_tiles * 32 datums of a stick; 32 sticks of one block fill block_tiles tile
// pages of a CB, row r at r * block_bytes (what tilize_block reads and pack_untilize_block writes).
// Only the tensor's bytes move: the last block of a stick may be partial (W % (32 * block_tiles)),
// and rows past H are never read or written, so padding lives in L1 only.
// NOC alignment (source and destination must agree modulo the alignment: Wormhole L1 16 B, DRAM 32 B;
// Blackhole DRAM reads 64 B; tt-metal#22061, #8706): every DRAM address is a page start plus a multiple
// of block_bytes (>= 64 B) and every L1 address a CB page plus a multiple of block_bytes. Sizes need no
// alignment. The accessor's page stride is the tensor's aligned page size (TensorAccessorArgs'
// AlignedPageSize), so sticks whose size is not a multiple of the alignment are addressed correctly.
#pragma once

#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "tile_layout.h"

namespace kernel_lib {

// The block width is a runtime value (a loop bound on hardware), so one kernel build serves every width;
// make one with stick_blocks below.
template <uint32_t elem_bytes>
struct StickBlocks {
    uint32_t datums;  // block_tiles * 32
    uint32_t bytes;

    // Datums of block `block` that lie inside a stick of `width` datums.
    uint32_t valid_datums(uint32_t block, uint32_t width) const {
        const uint32_t start = block * datums;
        return width - start < datums ? width - start : datums;
    }

    // Starts the read of block `block` of stick `page` into `l1` (no barrier).
    template <typename Accessor>
    void read(const Accessor& tensor, uint32_t page, uint32_t block, uint32_t width, uint32_t l1) const {
        noc_async_read(tensor.get_noc_addr(page, block * bytes), l1, valid_datums(block, width) * elem_bytes);
    }

    // Block `block` of `valid_rows` sticks from `first_stick` into the rows at `rows_l1`, then the barrier.
    template <typename Accessor>
    void read_rows(const Accessor& tensor, uint32_t first_stick, uint32_t valid_rows, uint32_t block, uint32_t width,
                   uint32_t rows_l1) const {
        for (uint32_t r = 0; r < valid_rows; ++r) {
            read(tensor, first_stick + r, block, width, rows_l1 + r * bytes);
        }
        noc_async_read_barrier();
    }

    // Block `block` of stick `page` through one page of `cb` (reserve, read, barrier, push, wait): returns
    // its L1 address; the caller pops the page when done with it.
    template <typename Accessor>
    uint32_t stage(uint32_t cb, const Accessor& tensor, uint32_t page, uint32_t block, uint32_t width) const {
        cb_reserve_back(cb, 1);
        read(tensor, page, block, width, get_write_ptr(cb));
        noc_async_read_barrier();
        cb_push_back(cb, 1);
        cb_wait_front(cb, 1);
        return get_read_ptr(cb);
    }

    // The rows at `rows_l1` back into block `block` of `valid_rows` sticks from `first_stick`, then the barrier.
    template <typename Accessor>
    void write_rows(uint32_t rows_l1, const Accessor& tensor, uint32_t first_stick, uint32_t valid_rows,
                    uint32_t block, uint32_t width) const {
        const uint32_t size = valid_datums(block, width) * elem_bytes;
        for (uint32_t r = 0; r < valid_rows; ++r) {
            noc_async_write(rows_l1 + r * bytes, tensor.get_noc_addr(first_stick + r, block * bytes), size);
        }
        noc_async_write_barrier();
    }
};

template <uint32_t elem_bytes>
StickBlocks<elem_bytes> stick_blocks(uint32_t block_tiles) {
    return StickBlocks<elem_bytes>{block_tiles * kTileDim, block_tiles * kTileDim * elem_bytes};
}

}  // namespace kernel_lib
