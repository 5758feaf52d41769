// A TensorAccessor as a NOC endpoint (the wheel's tt_metal/hw/inc/api/tensor/noc_traits.h,
// noc_traits_t<TensorAccessor<DSpec>>): page_id selects the page, offset_bytes the byte within it; the
// address is the accessor's get_noc_addr(page_id, offset_bytes). Remote (DRAM or another core) only.
#pragma once

#include <cstdint>

#include "api/dataflow/noc.h"

template <typename DSpec>
struct noc_traits_t<TensorAccessor<DSpec>> {
    struct src_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    struct dst_args_type {
        uint32_t page_id{};
        uint32_t offset_bytes = 0;
    };
    template <Noc::AddressType address_type>
    static uint64_t src_addr(const TensorAccessor<DSpec>& src, const Noc& noc, const src_args_type& args) {
        static_assert(address_type == Noc::AddressType::NOC, "a TensorAccessor page is a NOC address");
        return src.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id());
    }
    template <Noc::AddressType address_type>
    static uint64_t dst_addr(const TensorAccessor<DSpec>& dst, const Noc& noc, const dst_args_type& args) {
        static_assert(address_type == Noc::AddressType::NOC, "a TensorAccessor page is a NOC address");
        return dst.get_noc_addr(args.page_id, args.offset_bytes, noc.get_noc_id());
    }
};
