// kernel_lib/tile_fill.h: tiles and padding a dataflow kernel writes into CB pages itself.
//
// Constant tiles (epsilon, the partial-tile mask), parameter tiles whose 32 rows each repeat a stick
// (gamma, beta: the compute kernel then applies them element-wise on the SFPU, exactly in fp32; built by
// NOC copies), and
// the padding of a width block's rows in L1 (partial last tile, rows past H), so padding holds values
// the op chose and never what the CB held before.
#pragma once

#include <stdint.h>

#include "api/dataflow/dataflow_api.h"
#include "tile_layout.h"

namespace kernel_lib {

// One fp32 tile: `bits` in columns [0, valid_cols) of every row, 0 elsewhere.
inline void push_filled_fp32_tile(uint32_t cb, uint32_t bits, uint32_t valid_cols) {
    cb_reserve_back(cb, 1);
    volatile uint32_t* tile = reinterpret_cast<volatile uint32_t*>(get_write_ptr(cb));
    for (uint32_t r = 0; r < kTileDim; ++r) {
        for (uint32_t c = 0; c < kTileDim; ++c) {
            tile[tile_datum(r, c)] = c < valid_cols ? bits : 0u;
        }
    }
    cb_push_back(cb, 1);
}

// block_tiles tiles: tile t repeats stick[32t .. 32t+31] (zero past `valid` datums) in all 32 rows. Built by
// the NOC, not by RISC-V stores (1024 stores a tile were the reader's whole cost in the silicon estimate):
// a face is 16 rows of 16 contiguous datums and its rows are contiguous, so per tile the first row of the
// two upper faces is read from the stick, doubled in place (1 -> 2 -> 4 -> 8 -> 16 rows), and the upper
// half (faces 0, 1) copied onto the lower half (faces 2, 3): 11 local NOC reads a tile, one barrier a step.
// The stick's datums past `valid` are zeroed first, in its own page (which holds block_tiles * 32 datums).
// Every size is a multiple of a face row (32 B bf16, 64 B fp32) and source and destination sit a whole number
// of face rows from 16-byte aligned CB pages, so the NOC's L1 alignment rule holds.
template <typename Datum>
void push_row_repeated_tiles(uint32_t cb, uint32_t stick_l1, uint32_t valid, uint32_t block_tiles) {
    constexpr uint32_t row_bytes = kFaceDim * sizeof(Datum);
    constexpr uint32_t face_bytes = kFaceDatums * sizeof(Datum);
    constexpr uint32_t tile_bytes = 4 * face_bytes;
    volatile Datum* stick = reinterpret_cast<volatile Datum*>(stick_l1);
    for (uint32_t j = valid; j < block_tiles * kTileDim; ++j) {
        stick[j] = 0;
    }
    cb_reserve_back(cb, block_tiles);
    const uint32_t tiles = get_write_ptr(cb);
    for (uint32_t t = 0; t < block_tiles; ++t) {
        for (uint32_t f = 0; f < 2; ++f) {
            noc_async_read(get_noc_addr(stick_l1 + (t * kTileDim + f * kFaceDim) * sizeof(Datum)),
                           tiles + t * tile_bytes + f * face_bytes, row_bytes);
        }
    }
    noc_async_read_barrier();
    for (uint32_t rows = 1; rows < kFaceDim; rows *= 2) {
        for (uint32_t t = 0; t < block_tiles; ++t) {
            for (uint32_t f = 0; f < 2; ++f) {
                const uint32_t face = tiles + t * tile_bytes + f * face_bytes;
                noc_async_read(get_noc_addr(face), face + rows * row_bytes, rows * row_bytes);
            }
        }
        noc_async_read_barrier();
    }
    for (uint32_t t = 0; t < block_tiles; ++t) {
        const uint32_t tile = tiles + t * tile_bytes;
        noc_async_read(get_noc_addr(tile), tile + 2 * face_bytes, 2 * face_bytes);
    }
    noc_async_read_barrier();
    cb_push_back(cb, block_tiles);
}

// Pads the 32 rows (row_datums datums each) of a width block in L1: on the `valid_rows` rows that exist,
// datums [first, row_datums) get row_value[r]; on the rest every datum gets zero.
template <typename Datum>
void pad_block_rows(uint32_t rows_l1, uint32_t row_datums, uint32_t valid_rows, uint32_t first,
                    const Datum* row_value) {
    const Datum zero = 0;
    for (uint32_t r = 0; r < kTileDim; ++r) {
        volatile Datum* row = reinterpret_cast<volatile Datum*>(rows_l1 + r * row_datums * sizeof(Datum));
        const Datum value = r < valid_rows ? row_value[r] : zero;
        for (uint32_t c = r < valid_rows ? first : 0; c < row_datums; ++c) {
            row[c] = value;
        }
    }
}

}  // namespace kernel_lib
