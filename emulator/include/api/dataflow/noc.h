// The object-style NOC API of tt-metal 0.81 (`Noc`), as the wheel's production reader/writer kernels
// call it: noc.async_read(src, dst, size, src_args, dst_args) and async_write(...), where src and dst are
// endpoints (TensorAccessor, DataflowBuffer, CoreLocalMem) whose addresses come from noc_traits_t<T>.
// Semantics follow the wheel's tt_metal/hw/inc/api/dataflow/noc.h (ttnn 0.81.1): a read lands at the
// destination's local L1 address, the source is resolved to a NOC address; a write is the reverse; the
// barriers are the free-function barriers. Only unicast, default-VC, no transaction-id transfers are
// emulated: any other NocOptions is refused at compile time.
#pragma once

#include <cstdint>
#include <cstring>

#include "api/dataflow/dataflow_api.h"

// Endpoint descriptions: each endpoint type specialises this with src_args_type / dst_args_type and
// static src_addr / dst_addr (NOC address of a source, local L1 address of a destination, or vice versa).
template <typename T>
struct noc_traits_t;

// Arguments of a DataflowBuffer endpoint (shared by reads and writes, as in the wheel's noc.h).
struct DataflowBufferArgs {
    uint32_t offset_bytes{};
};

enum class NocOptions : uint32_t { DEFAULT = 0, CUSTOM_VC = 1, TXN_ID = 2, POSTED = 4 };
constexpr bool has_flag(NocOptions opts, NocOptions flag) {
    return (static_cast<uint32_t>(opts) & static_cast<uint32_t>(flag)) != 0;
}

struct NocOptVals {
    uint32_t vc = 0;
    uint32_t trid = 0;
};

class Noc {
public:
    enum class AddressType { NOC, LOCAL_L1 };

    explicit Noc(uint8_t noc_id = noc_index) : noc_id_(noc_id) {}
    uint8_t get_noc_id() const { return noc_id_; }

    template <NocOptions opts = NocOptions::DEFAULT, uint32_t max_page_size = 8193, bool enable_noc_tracing = true,
              typename Src, typename Dst>
    void async_read(const Src& src, const Dst& dst, uint32_t size_bytes,
                    const typename noc_traits_t<Src>::src_args_type& src_args,
                    const typename noc_traits_t<Dst>::dst_args_type& dst_args, const NocOptVals& noc_opts = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "the emulator models default-option NOC reads only");
        (void)noc_opts;
        emu::set_call("Noc::async_read(size=%u)", size_bytes);
        const uint64_t from = noc_traits_t<Src>::template src_addr<AddressType::NOC>(src, *this, src_args);
        const uint32_t to = noc_traits_t<Dst>::template dst_addr<AddressType::LOCAL_L1>(dst, *this, dst_args);
        emu::noc_read(from, to, size_bytes);
    }

    template <NocOptions opts = NocOptions::DEFAULT, uint32_t max_page_size = 8193, bool enable_noc_tracing = true,
              typename Src, typename Dst>
    void async_write(const Src& src, const Dst& dst, uint32_t size_bytes,
                     const typename noc_traits_t<Src>::src_args_type& src_args,
                     const typename noc_traits_t<Dst>::dst_args_type& dst_args, const NocOptVals& noc_opts = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "the emulator models default-option NOC writes only");
        (void)noc_opts;
        emu::set_call("Noc::async_write(size=%u)", size_bytes);
        const uint32_t from = noc_traits_t<Src>::template src_addr<AddressType::LOCAL_L1>(src, *this, src_args);
        const uint64_t to = noc_traits_t<Dst>::template dst_addr<AddressType::NOC>(dst, *this, dst_args);
        emu::noc_write(from, to, size_bytes);
    }

    // Zero-fill `size_bytes` of a local L1 endpoint (Noc::async_write_zeros in the wheel's noc.h: the NOC
    // writes zeros from its zero source). The bytes are zero once write_zeros_l1_barrier returns; here
    // they are written at the call, which that barrier cannot tell apart.
    template <typename Dst>
    void async_write_zeros(const Dst& dst, uint32_t size_bytes,
                           const typename noc_traits_t<Dst>::dst_args_type& dst_args = {}) const {
        emu::set_call("Noc::async_write_zeros(size=%u)", size_bytes);
        const uint32_t to = noc_traits_t<Dst>::template dst_addr<AddressType::LOCAL_L1>(dst, *this, dst_args);
        std::memset(reinterpret_cast<void*>(static_cast<uintptr_t>(to)), 0, size_bytes);
    }
    void write_zeros_l1_barrier() const {}

    void async_read_barrier(const NocOptVals& = {}) const { noc_async_read_barrier(noc_id_); }
    void async_write_barrier(const NocOptVals& = {}) const { noc_async_write_barrier(noc_id_); }
    void async_writes_flushed(const NocOptVals& = {}) const { noc_async_writes_flushed(noc_id_); }

private:
    uint8_t noc_id_;
};
