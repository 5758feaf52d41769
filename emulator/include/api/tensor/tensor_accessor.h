// TensorAccessor for interleaved buffers: page `id` lives in bank id % banks at
// base + (id / banks) * page_size, as tt-metal's interleaved allocator places it; the banks are the DRAM
// banks, or the worker cores' L1 banks when the accessor words' IsDram bit is clear. The page size is the
// one given to the constructor at run time (default: the compile-time aligned page size), as in
// tt-metal 0.81.1 (api/tensor/tensor_accessor.h, interleaved TensorAccessor: `page_size_in` feeds both
// InterleavedAddrGen's page stride and get_aligned_page_size()).
#pragma once

#include <cstdint>

#include "api/tensor/tensor_accessor_args.h"
#include "api/tensor/tensor_binding_token.h"
#include "internal/emu_kernel_args.h"
#include "emu/core.h"

template <typename DSpec>
class TensorAccessor {
public:
    constexpr TensorAccessor(const DSpec& args, uint32_t bank_base_address, uint32_t page_size)
        : base_(bank_base_address), page_size_(page_size) {
        (void)args;
    }
    // Without a page size: the args' aligned page size (a common runtime arg under RuntimePageSize).
    TensorAccessor(const DSpec& args, uint32_t bank_base_address)
        : base_(bank_base_address), page_size_(args.get_aligned_page_size()) {}

    // From a named tensor binding (tensor::name): the address is the binding's common runtime arg.
    template <uint32_t CTA_OFFSET, uint32_t ADDR_CRTA_OFFSET>
    TensorAccessor(const tensor_accessor::TensorBindingToken<CTA_OFFSET, ADDR_CRTA_OFFSET>&)
        : base_(get_common_arg_val<uint32_t>(ADDR_CRTA_OFFSET / 4)), page_size_(DSpec::AlignedPageSize) {}

    uint64_t get_noc_addr(const uint32_t page_id, const uint32_t offset = 0, uint8_t noc = 0) const {
        (void)noc;
        if constexpr (DSpec::is_dram) {
            const uint32_t banks = emu::num_dram_banks();
            return emu::dram_noc_addr(page_id % banks, base_ + (page_id / banks) * page_size_ + offset);
        } else {
            const uint32_t banks = emu::num_l1_banks();
            if (banks == 0) {
                return emu::l1_bank_noc_addr(0, base_);  // faults: no L1 bank exists
            }
            return emu::l1_bank_noc_addr(page_id % banks, base_ + (page_id / banks) * page_size_ + offset);
        }
    }

    constexpr uint32_t get_aligned_page_size() const { return page_size_; }
    constexpr uint32_t page_size() const { return page_size_; }

private:
    uint32_t base_;
    uint32_t page_size_;
};

template <uint32_t CTA_OFFSET, uint32_t ADDR_CRTA_OFFSET>
TensorAccessor(const tensor_accessor::TensorBindingToken<CTA_OFFSET, ADDR_CRTA_OFFSET>&)
    -> TensorAccessor<TensorAccessorArgs<CTA_OFFSET>>;
