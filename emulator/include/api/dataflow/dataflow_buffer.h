// DataflowBuffer: tt-metal 0.81's object view of a circular buffer (the wheel's
// tt_metal/hw/inc/api/dataflow/dataflow_buffer.h). On Wormhole/Blackhole ("tt-1xx") a DataflowBuffer is
// a CB id whose methods are the CB calls; this is usable from reader, writer and compute kernels. As a
// NOC endpoint its address is the CB's write pointer (destination) or read pointer (source) plus
// offset_bytes, as noc_traits_t<DataflowBuffer> in the wheel's header computes it.
#pragma once

#include <cstdint>

#include "emu/core.h"

class DataflowBuffer {
public:
    DataflowBuffer(uint16_t logical_dfb_id) : id_(logical_dfb_id) {}

    uint16_t get_id() const { return id_; }
    void reserve_back(uint16_t num_entries) { emu::cb_reserve_back(id_, num_entries); }
    void push_back(uint16_t num_entries) { emu::cb_push_back(id_, num_entries); }
    void wait_front(uint16_t num_entries) { emu::cb_wait_front(id_, num_entries); }
    void pop_front(uint16_t num_entries) { emu::cb_pop_front(id_, num_entries); }
    uint32_t get_write_ptr() const { return emu::cb_write_addr(id_); }
    uint32_t get_read_ptr() const { return emu::cb_read_addr(id_); }
    uint32_t get_entry_size() const { return emu::cb_config(id_).page_size; }
    uint32_t get_total_num_entries() const { return emu::cb_config(id_).num_pages; }
    uint32_t get_total_size_bytes() const { return get_entry_size() * get_total_num_entries(); }
    // A tile of the CB's format: 32x32 datums (bf16 2 bytes, fp32 4 bytes), headerless.
    uint32_t get_tile_size() const { return emu::cb_config(id_).format == emu::DataFormat::Float32 ? 4096 : 2048; }
    bool pages_reservable_at_back(int32_t num_pages) const { return emu::cb_pages_reservable_at_back(id_, num_pages); }
    bool pages_available_at_front(int32_t num_pages) const { return emu::cb_pages_available_at_front(id_, num_pages); }

private:
    uint16_t id_;
};

#ifdef EMU_DATAFLOW_KERNEL
#include "api/dataflow/noc.h"

template <>
struct noc_traits_t<DataflowBuffer> {
    using src_args_type = DataflowBufferArgs;
    using dst_args_type = DataflowBufferArgs;
    template <Noc::AddressType address_type>
    static uint32_t src_addr(const DataflowBuffer& src, const Noc&, const src_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "a DataflowBuffer is a local L1 source only");
        return src.get_read_ptr() + args.offset_bytes;
    }
    template <Noc::AddressType address_type>
    static uint32_t dst_addr(const DataflowBuffer& dst, const Noc&, const dst_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "a DataflowBuffer is a local L1 destination only");
        return dst.get_write_ptr() + args.offset_bytes;
    }
};
#endif
