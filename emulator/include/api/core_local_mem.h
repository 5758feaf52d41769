// CoreLocalMem<T>: a typed address in the calling core's L1 (the wheel's tt_metal/hw/inc/api/core_local_mem.h).
// Used by production readers as a raw-address NOC endpoint; L1 addresses here are dereferenceable host
// addresses (see emu/core.h), so element access is a plain pointer access.
#pragma once

#include <cstddef>
#include <cstdint>

template <typename T, typename AddressType = uintptr_t>
class CoreLocalMem {
public:
    CoreLocalMem(AddressType address) : address_(address) {}
    CoreLocalMem(T* ptr) : address_(reinterpret_cast<AddressType>(ptr)) {}

    AddressType get_address() const { return address_; }
    T* get_unsafe_ptr() const { return reinterpret_cast<T*>(address_); }
    T& operator[](std::size_t i) const { return get_unsafe_ptr()[i]; }

private:
    AddressType address_;
};

#ifdef EMU_DATAFLOW_KERNEL
#include "api/dataflow/noc.h"

template <typename T, typename AddressType>
struct noc_traits_t<CoreLocalMem<T, AddressType>> {
    struct src_args_type {
        AddressType offset_bytes = 0;
    };
    struct dst_args_type {
        AddressType offset_bytes = 0;
    };
    template <Noc::AddressType address_type>
    static uint32_t src_addr(const CoreLocalMem<T, AddressType>& src, const Noc&, const src_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "CoreLocalMem is a local L1 source only");
        return static_cast<uint32_t>(src.get_address() + args.offset_bytes);
    }
    template <Noc::AddressType address_type>
    static uint32_t dst_addr(const CoreLocalMem<T, AddressType>& dst, const Noc&, const dst_args_type& args) {
        static_assert(address_type == Noc::AddressType::LOCAL_L1, "CoreLocalMem is a local L1 destination only");
        return static_cast<uint32_t>(dst.get_address() + args.offset_bytes);
    }
};
#endif
