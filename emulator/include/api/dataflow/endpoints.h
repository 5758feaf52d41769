// NOC endpoints named by coordinates (the wheel's api/dataflow/endpoints.h, ttnn 0.81.1): a
// UnicastEndpoint source or destination is {noc_x, noc_y, addr}, i.e. get_noc_addr(x, y, addr). Also
// my_x[noc] / my_y[noc], the calling core's NOC coordinates, which firmware keeps per NOC.
#pragma once

#include <cstdint>

#include "api/dataflow/noc.h"

struct UnicastEndpoint {
    uint64_t get_noc_unicast_addr(uint32_t noc_x, uint32_t noc_y, uint32_t addr, uint8_t noc) const {
        return ::get_noc_addr(noc_x, noc_y, addr, noc);
    }
};

template <>
struct noc_traits_t<UnicastEndpoint> {
    struct src_args_type {
        uint32_t noc_x{};
        uint32_t noc_y{};
        uint32_t addr{};
    };
    using dst_args_type = src_args_type;
    template <Noc::AddressType address_type>
    static uint64_t src_addr(const UnicastEndpoint& ep, const Noc& noc, const src_args_type& a) {
        static_assert(address_type == Noc::AddressType::NOC, "a UnicastEndpoint is a NOC address");
        return ep.get_noc_unicast_addr(a.noc_x, a.noc_y, a.addr, noc.get_noc_id());
    }
    template <Noc::AddressType address_type>
    static uint64_t dst_addr(const UnicastEndpoint& ep, const Noc& noc, const dst_args_type& a) {
        static_assert(address_type == Noc::AddressType::NOC, "a UnicastEndpoint is a NOC address");
        return ep.get_noc_unicast_addr(a.noc_x, a.noc_y, a.addr, noc.get_noc_id());
    }
};

namespace emu_coords {
struct MyX {
    uint32_t operator[](int) const { return emu::my_x(); }
};
struct MyY {
    uint32_t operator[](int) const { return emu::my_y(); }
};
}  // namespace emu_coords
inline constexpr emu_coords::MyX my_x{};
inline constexpr emu_coords::MyY my_y{};
