// The NOC: DRAM banks and every core's L1 as endpoints of 64-bit addresses (endpoint in the upper
// 32 bits, byte address in the lower 32). Transfers are queued and land at the barrier, so a kernel
// that forgets a barrier sees stale data exactly where hardware could. Every transfer is checked against
// the NOC's rules before it is queued: bank, buffer and L1 bounds on its whole extent, CB boundaries,
// and alignment.
#include <cstdio>
#include <cstring>

#include "runtime.h"
#include "tile.h"

namespace emu {
namespace {

constexpr uint32_t kDramEndpoint = 1u << 16;
constexpr uint32_t kL1Endpoint = 2u << 16;

uint32_t endpoint_of(uint64_t noc_addr) { return static_cast<uint32_t>(noc_addr >> 32); }
uint32_t offset_of(uint64_t noc_addr) { return static_cast<uint32_t>(noc_addr); }

// Host pointer for [offset, offset+size) of a core's L1. The whole extent must lie in usable L1 (first
// AND last byte), and if it starts inside a circular buffer it must end inside that same buffer: tt-metal's
// watcher (ttnn 0.81.1 wheel, tt_metal/hw/inc/internal/debug/sanitize.h, debug_valid_worker_addr and
// debug_valid_cb_addr) reports both. Stricter than the watcher, a range that touches no CB at all is also
// refused unless it lies inside one L1-interleaved buffer (whole extent): nothing else is allocated in
// L1, so such a transfer lands in (or reads) memory that belongs to no buffer and would corrupt whatever
// hardware keeps there.
uint8_t* l1_range(const Core& core, uint32_t offset, uint32_t size, const char* what) {
    if (offset < g_device.l1_base || uint64_t(offset) + size > g_device.l1_size) {
        fault("noc_address", "%s: L1 range [0x%x, 0x%llx) of core (%u,%u) is outside its usable L1 [0x%x, 0x%x)",
              what, offset, static_cast<unsigned long long>(uint64_t(offset) + size), core.x, core.y,
              g_device.l1_base, g_device.l1_size);
    }
    const uint32_t base = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core.l1));
    if (size == 0) {  // forming an address (get_noc_addr), not a transfer
        return core.l1 + offset;
    }
    for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
        const CBConfig& c = core.cbs[i].config;
        if (!c.configured) {
            continue;
        }
        const uint32_t begin = c.l1_addr - base;
        const uint64_t end = uint64_t(begin) + uint64_t(c.page_size) * c.num_pages;
        if (offset >= begin && offset < end) {
            if (uint64_t(offset) + size > end) {
                fault("noc_address", "%s: L1 range [0x%x, 0x%llx) of core (%u,%u) starts in CB %u [0x%x, 0x%llx) and "
                      "crosses its end", what, base + offset,
                      static_cast<unsigned long long>(uint64_t(base) + offset + size), core.x, core.y, i, base + begin,
                      static_cast<unsigned long long>(base + end));
            }
            return core.l1 + offset;
        }
    }
    for (const DramBuffer& b : g_device.l1_buffers) {  // an L1-interleaved buffer, on every L1 bank core
        const uint64_t b_end = uint64_t(b.addr) + b.size;
        if (offset < b.addr || offset >= b_end) {
            continue;
        }
        if (uint64_t(offset) + size > b_end) {
            fault("noc_address", "%s: L1 range [0x%x, 0x%llx) of core (%u,%u) overruns the end of L1 buffer "
                  "[0x%x, 0x%llx) by %llu bytes", what, offset, static_cast<unsigned long long>(uint64_t(offset) + size),
                  core.x, core.y, b.addr, static_cast<unsigned long long>(b_end),
                  static_cast<unsigned long long>(uint64_t(offset) + size - b_end));
        }
        return core.l1 + offset;
    }
    fault("noc_address", "%s: L1 range [0x%x, 0x%llx) of core (%u,%u) lies in no circular buffer and no L1 buffer",
          what, base + offset, static_cast<unsigned long long>(uint64_t(base) + offset + size), core.x, core.y);
}

// Host pointer for [offset, offset+size) of a DRAM bank. The bank must exist and the whole extent (first
// AND last byte) must lie inside one allocated buffer.
uint8_t* dram_range(uint32_t bank, uint32_t offset, uint32_t size, const char* what) {
    if (bank >= g_device.num_banks) {
        fault("noc_address", "%s: DRAM bank %u does not exist (banks 0..%u)", what, bank, g_device.num_banks - 1);
    }
    const uint64_t end = uint64_t(offset) + size;
    for (const DramBuffer& b : g_device.buffers) {
        const uint64_t b_end = uint64_t(b.addr) + b.size;
        if (offset < b.addr || offset >= b_end) {
            continue;
        }
        if (end > b_end) {
            fault("noc_address", "%s: DRAM bank %u range [0x%x, 0x%llx) overruns the end of buffer [0x%x, 0x%llx) "
                  "by %llu bytes", what, bank, offset, static_cast<unsigned long long>(end), b.addr,
                  static_cast<unsigned long long>(b_end), static_cast<unsigned long long>(end - b_end));
        }
        return g_device.dram + bank * g_device.bank_size + offset;
    }
    fault("noc_address", "%s: DRAM bank %u range [0x%x, 0x%llx) lies outside every buffer", what, bank, offset,
          static_cast<unsigned long long>(end));
}

uint8_t* resolve(uint64_t noc_addr, uint32_t size, bool& is_dram, const char* what) {
    const uint32_t ep = endpoint_of(noc_addr);
    is_dram = (ep & 0xffff0000u) == kDramEndpoint;
    if (is_dram) {
        return dram_range(ep & 0xffffu, offset_of(noc_addr), size, what);
    }
    if ((ep & 0xffff0000u) == kL1Endpoint) {
        const Core* core = find_core(ep & 0xffu, (ep >> 8) & 0xffu);
        if (!core) {
            fault("noc_address", "%s: NOC address 0x%llx names core (%u,%u), which runs no kernel", what,
                  static_cast<unsigned long long>(noc_addr), ep & 0xffu, (ep >> 8) & 0xffu);
        }
        return l1_range(*core, offset_of(noc_addr), size, what);
    }
    fault("noc_address", "%s: 0x%llx is not a NOC address (use get_noc_addr / a TensorAccessor)", what,
          static_cast<unsigned long long>(noc_addr));
}

// The NOC's alignment rule, as tt-metal's watcher enforces it (ttnn 0.81.1 wheel,
// tt_metal/hw/inc/internal/debug/sanitize.h, debug_sanitize_noc_and_worker_addr ->
// DebugSanitizeNocAlignment): the local L1 address and the NOC address must agree modulo the alignment
// of the NOC target, which depends on the target and the direction (Wormhole B0:
// tt_metal/hw/inc/internal/tt-1xx/wormhole/noc/noc_parameters.h, NOC_L1_{READ,WRITE}_ALIGNMENT_BYTES = 16,
// NOC_DRAM_READ_ALIGNMENT_BYTES = 32, NOC_DRAM_WRITE_ALIGNMENT_BYTES = 16; the plan carries the values of
// the emulated architecture).
void check_alignment(uint32_t local_l1, uint64_t noc_addr, bool is_dram, bool is_read, const char* what) {
    const NocAlignment& a = g_device.noc_alignment;
    const uint32_t align = is_dram ? (is_read ? a.dram_read : a.dram_write) : (is_read ? a.l1_read : a.l1_write);
    const uint32_t mask = align - 1;
    if ((local_l1 & mask) != (offset_of(noc_addr) & mask)) {
        fault("noc_alignment", "%s: local L1 address 0x%x and %s address 0x%x disagree modulo %u bytes (%u vs %u); "
              "the NOC needs both at the same offset within a %u-byte %s %s granule",
              what, local_l1, is_dram ? "DRAM" : "L1", offset_of(noc_addr), align, local_l1 & mask,
              offset_of(noc_addr) & mask, align, is_dram ? "DRAM" : "L1", is_read ? "read" : "write");
    }
}

uint32_t local_offset(uint32_t l1_addr, uint32_t size, const char* what) {
    const uint32_t base = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(t_self->core->l1));
    if (l1_addr < base || l1_addr - base >= g_device.l1_size) {
        fault("noc_address", "%s: 0x%x is not an address in this core's L1 [0x%x, 0x%x)", what, l1_addr, base,
              base + g_device.l1_size);
    }
    l1_range(*t_self->core, l1_addr - base, size, what);
    return l1_addr - base;
}

// The configured CB of `core` whose FIFO holds L1 offset `offset` (l1_range made sure one does).
uint32_t cb_holding(const Core& core, uint32_t offset) {
    const uint32_t base = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core.l1));
    for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
        const CBConfig& c = core.cbs[i].config;
        if (c.configured && offset >= c.l1_addr - base &&
            offset - (c.l1_addr - base) < uint64_t(c.page_size) * c.num_pages) {
            return i;
        }
    }
    return kNumCircularBuffers;
}

// A kernel's own stores into the source of a transfer count as written, as at cb_push_back: recognised
// (mark_stored_datums, by the datum size of the CB holding them) before the transfer sends the data and,
// to L1, its written-map.
void recognise_stores(const uint8_t* p, uint32_t size) {
    uint32_t offset = 0;
    const Core* core = core_of(p, offset);
    const uint32_t cb = core ? cb_holding(*core, offset) : kNumCircularBuffers;
    if (cb < kNumCircularBuffers) {
        mark_stored_datums(p, size, data_format_datum_bytes(core->cbs[cb].config.format));
    }
}

// Where undefined data becomes observable: a NOC write to DRAM sends L1 bytes that no NOC transfer,
// packer or kernel store defined (or that the packer stored from an undefined datum). On hardware the
// write sends whatever bits L1 holds; the emulator stops here, naming the first such datum (README
// "Undefined datums").
void require_defined(const uint8_t* from, uint32_t src_offset, uint32_t size, uint64_t dst) {
    if (all_written(from, size)) {
        return;
    }
    // `from` is this core's L1 and not all written: its map holds a zero byte.
    const uint8_t* w = written_bytes(from, size);
    const uint8_t* bad = static_cast<const uint8_t*>(std::memchr(w, 0, size));
    const Core& core = *t_self->core;
    const uint32_t cb = cb_holding(core, src_offset);
    const CBConfig& c = core.cbs[cb].config;
    const uint32_t datum_bytes = data_format_datum_bytes(c.format);
    const uint32_t byte = static_cast<uint32_t>(bad - w);
    const uint32_t base = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core.l1));
    const uint32_t in_cb = src_offset + byte - (c.l1_addr - base);
    const uint32_t page = in_cb / c.page_size, datum = in_cb % c.page_size / datum_bytes;
    char where[64];
    if (c.page_size == kTileDatums * datum_bytes) {
        std::snprintf(where, sizeof where, "datum (%u,%u) of the tile", row_of(datum), col_of(datum));
    } else {
        std::snprintf(where, sizeof where, "datum %u", datum);
    }
    const uint32_t bank = endpoint_of(dst) & 0xffffu, offset = offset_of(dst) + byte;
    uint32_t buffer = 0;
    for (const DramBuffer& b : g_device.buffers) {
        buffer = offset >= b.addr && offset - b.addr < b.size ? b.addr : buffer;
    }
    fault("uninitialised_read", "noc_async_write sends undefined data to DRAM: byte %u of the %u-byte write, %s in "
          "page %u of CB %u (L1 0x%x), was never written, or was computed from L1 nothing wrote; it would land "
          "in DRAM bank %u at 0x%x (buffer at 0x%x, byte %u of it in this bank)", byte, size, where, page, cb,
          base + src_offset + byte, bank, offset, buffer, offset - buffer);
}

// The data of a NOC transfer moves at its barrier; asking the host's caches for its first lines when it is
// issued lets the transfers a kernel issues before one barrier (sticks far apart in DRAM) overlap their
// cache misses. kForWrite: the lines will be written (the destination of a write).
template <int kForWrite>
void prefetch_first_lines(const uint8_t* p, uint32_t size) {
    constexpr uint32_t kPrefetchBytes = 1024;
    for (uint32_t line = 0; line < size && line < kPrefetchBytes; line += 64) {
        __builtin_prefetch(p + line, kForWrite);
    }
}

void run_copies(std::vector<PendingCopy>& copies) {
    const double begin = g_device.trace ? now_seconds() : 0;
    for (const PendingCopy& p : copies) {
        std::memmove(p.dst, p.src, p.size);
        copy_written(p.src, p.dst, p.size);
    }
    g_progress.fetch_add(1);
    if (!copies.empty()) {
        trace_event("noc transfers", begin, now_seconds());
    }
    copies.clear();
}

}  // namespace

uint32_t num_dram_banks() { return g_device.num_banks; }
uint32_t my_x() { return t_self->core->x; }
uint32_t my_y() { return t_self->core->y; }

uint64_t dram_noc_addr(uint32_t bank, uint32_t bank_offset) {
    return (uint64_t(kDramEndpoint | bank) << 32) | bank_offset;
}

uint32_t num_l1_banks() { return static_cast<uint32_t>(g_device.l1_banks.size()); }

// An L1 bank's address is the bank core's L1 at that byte offset: the offset is the same in every bank
// (device.py _alloc_l1), and on Wormhole each worker core holds one L1 bank.
uint64_t l1_bank_noc_addr(uint32_t bank, uint32_t bank_offset) {
    if (bank >= g_device.l1_banks.size()) {
        fault("noc_address", "L1 bank %u does not exist (%zu L1 banks; are any L1-interleaved tensors allocated?)",
              bank, g_device.l1_banks.size());
    }
    const auto [x, y] = g_device.l1_banks[bank];
    return (uint64_t(kL1Endpoint | (y << 8) | x) << 32) | bank_offset;
}

uint64_t l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr) {
    const uint32_t offset = local_offset(l1_addr, 0, "get_noc_addr(x, y, addr)");
    return (uint64_t(kL1Endpoint | (y << 8) | x) << 32) | offset;
}

uint64_t local_l1_noc_addr(uint32_t l1_addr) { return l1_noc_addr(t_self->core->x, t_self->core->y, l1_addr); }

void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size) {
    set_call("noc_async_read(src=0x%llx, dst=0x%x, size=%u)", static_cast<unsigned long long>(src), dst_l1, size);
    bool is_dram = false;
    const uint8_t* from = resolve(src, size, is_dram, "noc_async_read source");
    uint8_t* to = t_self->core->l1 + local_offset(dst_l1, size, "noc_async_read destination");
    check_alignment(dst_l1, src, is_dram, true, "noc_async_read");
    if (!is_dram) {
        recognise_stores(from, size);
    }
    EMU_EVENT(noc(events::Op::NocRead, size, is_dram, dst_l1));
    prefetch_first_lines<0>(from, size);
    t_self->pending_reads.push_back({to, from, size});
    t_self->noc_transactions += 1;
    g_progress.fetch_add(1);
    if (is_dram) {
        t_self->dram_read += size;
    }
}

void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size) {
    set_call("noc_async_write(src=0x%x, dst=0x%llx, size=%u)", src_l1, static_cast<unsigned long long>(dst), size);
    bool is_dram = false;
    const uint32_t src_offset = local_offset(src_l1, size, "noc_async_write source");
    const uint8_t* from = t_self->core->l1 + src_offset;
    uint8_t* to = resolve(dst, size, is_dram, "noc_async_write destination");
    check_alignment(src_l1, dst, is_dram, false, "noc_async_write");
    recognise_stores(from, size);
    if (is_dram) {
        require_defined(from, src_offset, size, dst);
    }
    EMU_EVENT(noc(events::Op::NocWrite, size, is_dram, 0));
    prefetch_first_lines<1>(to, size);
    t_self->pending_writes.push_back({to, from, size});
    t_self->noc_transactions += 1;
    g_progress.fetch_add(1);
    if (is_dram) {
        t_self->dram_written += size;
    }
}

void noc_read_barrier() {
    set_call("noc_async_read_barrier()");
    EMU_EVENT(simple(events::Op::NocReadBarrier));
    run_copies(t_self->pending_reads);
}

void noc_write_barrier() {
    set_call("noc_async_write_barrier()");
    EMU_EVENT(simple(events::Op::NocWriteBarrier));
    run_copies(t_self->pending_writes);
}

void finish_noc(KernelThread& t) {
    if (!t.pending_reads.empty()) {
        fault("noc_misuse", "kernel returned with %zu noc_async_read(s) never completed by noc_async_read_barrier",
              t.pending_reads.size());
    }
    if (!t.pending_writes.empty()) {
        fault("noc_misuse", "kernel returned with %zu noc_async_write(s) never completed by noc_async_write_barrier",
              t.pending_writes.size());
    }
}

}  // namespace emu
