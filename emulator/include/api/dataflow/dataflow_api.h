// Host implementation of tt-metal 0.81's dataflow kernel API (reader / writer kernels): the classic
// free functions, with tt-metal's names and parameters. Calls land in the emulator's runtime.
#pragma once

#include <cstdint>

#include "api/compile_time_args.h"
#include "emu/core.h"
#include "hostdevcommon/kernel_structs.h"
#include "internal/emu_kernel_args.h"

#ifndef EMU_DATAFLOW_KERNEL
#error "api/dataflow/dataflow_api.h is for reader/writer kernels"
#endif

#define FORCE_INLINE inline __attribute__((always_inline))
#define tt_l1_ptr

constexpr uint8_t noc_index = 0;

#include "internal/cb_formats.h"

inline void cb_reserve_back(int32_t operand, int32_t num_pages) { emu::cb_reserve_back(operand, num_pages); }
inline void cb_push_back(const int32_t operand, const int32_t num_pages) { emu::cb_push_back(operand, num_pages); }
inline void cb_wait_front(int32_t operand, int32_t num_pages) { emu::cb_wait_front(operand, num_pages); }
inline void cb_pop_front(int32_t operand, int32_t num_pages) { emu::cb_pop_front(operand, num_pages); }
inline bool cb_pages_available_at_front(int32_t operand, int32_t num_pages) {
    return emu::cb_pages_available_at_front(operand, num_pages);
}
inline bool cb_pages_reservable_at_back(int32_t operand, int32_t num_pages) {
    return emu::cb_pages_reservable_at_back(operand, num_pages);
}
inline uint32_t get_write_ptr(uint32_t operand) { return emu::cb_write_addr(operand); }
inline uint32_t get_read_ptr(uint32_t operand) { return emu::cb_read_addr(operand); }
inline std::int32_t get_tile_size(const std::int32_t operand) {
    return emu::kTileDatums * emu::data_format_datum_bytes(emu::cb_config(operand).format);
}
// The FIFO geometry of a CB as tt-metal's LocalCBInterface reports it (fifo_* sizes in bytes / pages);
// read by production kernels for the page size (e.g. reader_unary_interleaved_start_id.cpp, ttnn 0.81.1).
struct LocalCBInterface {
    uint32_t fifo_size;
    uint32_t fifo_page_size;
    uint32_t fifo_num_pages;
};
// Returned by reference as in tt-metal (callers may bind `auto&`): a per-thread copy refreshed per call.
// Internal linkage: an inline function's static would be an STB_GNU_UNIQUE symbol, which keeps the kernel
// object loaded after dlclose, so a serving runner would have to end after each run (runner.cpp serve).
static inline LocalCBInterface& get_local_cb_interface(uint32_t cb_id) {
    thread_local LocalCBInterface view;
    const emu::CBConfig& c = emu::cb_config(cb_id);
    view = {c.page_size * c.num_pages, c.page_size, c.num_pages};
    return view;
}

inline uint64_t get_noc_addr(uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return emu::local_l1_noc_addr(addr);
}
inline uint64_t get_noc_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc = noc_index) {
    (void)noc;
    return emu::l1_noc_addr(noc_x, noc_y, addr);
}

template <uint32_t max_page_size = 8193, bool enable_noc_tracing = true>
inline void noc_async_read(uint64_t src_noc_addr, uint32_t dst_local_l1_addr, uint32_t size, uint8_t noc = noc_index,
                           uint32_t read_req_vc = 0) {
    (void)noc;
    (void)read_req_vc;
    emu::noc_read(src_noc_addr, dst_local_l1_addr, size);
}

template <uint32_t max_page_size = 8193, bool enable_noc_tracing = true, bool posted = false>
inline void noc_async_write(uint32_t src_local_l1_addr, uint64_t dst_noc_addr, uint32_t size,
                            uint8_t noc = noc_index, uint32_t vc = 0) {
    (void)noc;
    (void)vc;
    emu::noc_write(src_local_l1_addr, dst_noc_addr, size);
}

inline void noc_async_read_barrier(uint8_t noc = noc_index) {
    (void)noc;
    emu::noc_read_barrier();
}
inline void noc_async_write_barrier(uint8_t noc = noc_index) {
    (void)noc;
    emu::noc_write_barrier();
}
inline void noc_async_writes_flushed(uint8_t noc = noc_index) {
    (void)noc;
    emu::noc_write_barrier();
}

// DRAM banks, or (DRAM = false) the worker cores' L1 banks of L1-interleaved buffers (tt-metal:
// internal/dataflow/dataflow_api_addrgen.h, get_noc_addr_from_bank_id).
template <bool DRAM>
inline uint64_t get_noc_addr_from_bank_id(uint32_t bank_id, uint32_t bank_address_offset, uint8_t noc = noc_index) {
    (void)noc;
    if constexpr (DRAM) {
        return emu::dram_noc_addr(bank_id, bank_address_offset);
    } else {
        return emu::l1_bank_noc_addr(bank_id, bank_address_offset);
    }
}

#include "api/tensor/tensor_accessor.h"

template <typename AddrGen>
inline uint64_t get_noc_addr(const uint32_t id, const AddrGen& addrgen, uint32_t offset = 0,
                             uint8_t noc = noc_index) {
    return addrgen.get_noc_addr(id, offset, noc);
}

template <typename AddrGen, bool enable_noc_tracing = true>
inline void noc_async_read_page(const uint32_t id, const AddrGen& addrgen, uint32_t dst_local_l1_addr,
                                uint32_t offset = 0, uint8_t noc = noc_index) {
    emu::noc_read(addrgen.get_noc_addr(id, offset, noc), dst_local_l1_addr, addrgen.get_aligned_page_size() - offset);
}

template <typename AddrGen, bool enable_noc_tracing = true, bool posted = false>
inline void noc_async_write_page(const uint32_t id, const AddrGen& addrgen, uint32_t src_local_l1_addr,
                                 uint32_t size = 0, uint32_t offset = 0, uint8_t noc = noc_index) {
    emu::noc_write(src_local_l1_addr, addrgen.get_noc_addr(id, offset, noc),
                   size ? size : addrgen.get_aligned_page_size());
}
