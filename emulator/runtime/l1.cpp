// Each core's L1: mapped at a fixed host address below 4 GiB (so kernel-visible L1 addresses are
// dereferenceable), and a shadow written-map with one byte per L1 byte; both kept mapped between the
// runs of a serving runner (core_slot, release_cores). Uninitialised reads are found
// with the map, not by a poison value, so every bit pattern a kernel stores is data. Both are anonymous
// mappings: nothing is filled at start, and untouched pages cost no memory.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "pages.h"
#include "runtime.h"

namespace emu {

namespace {

constexpr uintptr_t kL1MapBase = 0x40000000u;
constexpr uint32_t kL1MapStrideShift = 21;
constexpr uintptr_t kL1MapStride = uintptr_t(1) << kL1MapStrideShift;
// Fresh CB pages hold this byte from their first cb_reserve_back on (prepare_fresh_l1); the rest of L1
// reads as zero. Detection uses the written-map, never the value (stale data shows as 0xA5A5 / 0xA5A5A5A5
// datums). Two uses of the value: a kernel's own stores are recognised at cb_push_back (and NOC sends) as
// datums that differ from it (mark_stored_datums), and the packer stores undefined datums as it
// (store_undefined), so those stay unwritten through the push.
constexpr uint8_t kFreshL1Byte = 0xA5;
// The grain of Core::full_blocks.
constexpr uint32_t kBlockShift = 8;
constexpr uint32_t kBlockBytes = 1u << kBlockShift;

}  // namespace

Core* core_of(const void* p, uint32_t& offset) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(p);
    if (a < kL1MapBase) {
        return nullptr;
    }
    const size_t index = (a - kL1MapBase) / kL1MapStride;
    if (index >= g_device.cores.size()) {
        return nullptr;
    }
    Core* core = g_device.cores[index];
    offset = static_cast<uint32_t>(a - reinterpret_cast<uintptr_t>(core->l1));
    return offset < g_device.l1_size ? core : nullptr;
}

namespace {

// MADV_POPULATE_WRITE (Linux 5.14): fault [p, p + size) in for writing now. Older kernels refuse it
// (EINVAL) and the pages fault in on first touch instead, as before.
void populate(uint8_t* p, size_t size) {
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(p) & ~(page - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + size + page - 1) & ~(page - 1);
    if (size) {
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
    }
#else
    (void)p;
    (void)size;
#endif
}

// What is mapped at core index i's fixed L1 address, kept between the runs of a serving runner: the
// Core, its mapping (the L1 file and offset for an L1 bank core; empty file: private anonymous L1) and
// its size. A slot is reused while those stay the same, so its pages stay mapped in.
struct L1Slot {
    Core* core = nullptr;
    std::string file;
    off_t offset = 0;
    uint32_t size = 0;
    uint32_t populated_lo = 0, populated_hi = 0;  // L1 offsets populate_used_memory mapped in (stay mapped)
    bool accessible = true;  // false while no plan uses this index (hide_unused_cores)
};
std::vector<L1Slot> g_slots;
// DRAM buffers (address, bytes per bank) populate_used_memory mapped in, in the DRAM mapping at
// g_populated_dram: a serving runner's later runs skip them (nothing unmaps the pages of a mapping).
std::vector<std::pair<uint32_t, uint32_t>> g_populated_buffers;
const uint8_t* g_populated_dram = nullptr;

// Maps L1 of `size` bytes at `want`: a slice of `file` from `offset`, or private anonymous memory.
// `replace`: over an existing mapping of this slot (MAP_FIXED); else never over anything (NOREPLACE).
uint8_t* map_l1_at(uintptr_t want, uint32_t size, const std::string& file, off_t offset, bool replace) {
    int fd = -1;
    if (!file.empty()) {
        fd = ::open(file.c_str(), O_RDWR);
        if (fd < 0) {
            throw std::runtime_error("cannot open the L1 file " + file);
        }
    }
    const int flags = (fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | (replace ? MAP_FIXED : MAP_FIXED_NOREPLACE);
    void* p = mmap(reinterpret_cast<void*>(want), size, PROT_READ | PROT_WRITE, flags, fd, fd < 0 ? 0 : offset);
    if (fd >= 0) {
        ::close(fd);
    }
    if (p == MAP_FAILED || reinterpret_cast<uintptr_t>(p) != want) {
        throw std::runtime_error("cannot map L1 of a core at a fixed low address");
    }
    return static_cast<uint8_t*>(p);
}

}  // namespace

void populate_used_memory() {
    for (size_t i = 0; i < g_device.cores.size(); ++i) {
        Core* core = g_device.cores[i];
        uint32_t lo = UINT32_MAX, hi = 0;
        for (const CircularBuffer& cb : core->cbs) {
            if (cb.config.configured) {
                const uint32_t offset = cb.config.l1_addr - static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core->l1));
                lo = std::min(lo, offset);
                hi = std::max(hi, offset + cb.config.page_size * cb.config.num_pages);
            }
        }
        L1Slot& slot = g_slots[i];
        if (lo < hi && !(slot.populated_lo <= lo && hi <= slot.populated_hi)) {
            populate(core->l1 + lo, hi - lo);
            populate(core->written + lo, hi - lo);
            slot.populated_lo = lo;
            slot.populated_hi = hi;
        }
    }
    if (g_populated_dram != g_device.dram) {
        g_populated_buffers.clear();
        g_populated_dram = g_device.dram;
    }
    for (const DramBuffer& b : g_device.buffers) {
        const std::pair<uint32_t, uint32_t> key{b.addr, b.size};
        if (std::find(g_populated_buffers.begin(), g_populated_buffers.end(), key) != g_populated_buffers.end()) {
            continue;
        }
        for (uint32_t bank = 0; bank < g_device.num_banks; ++bank) {
            populate(g_device.dram + bank * g_device.bank_size + b.addr, b.size);
        }
        g_populated_buffers.push_back(key);
    }
}

Core* core_slot(size_t index) {
    const uintptr_t want = kL1MapBase + index * kL1MapStride;
    if (g_device.l1_size > kL1MapStride) {
        throw std::runtime_error("L1 of " + std::to_string(g_device.l1_size) + " bytes exceeds the " +
                                 std::to_string(kL1MapStride) + "-byte mapping stride");
    }
    // The cores holding L1 banks come first (load_plan adds them in bank order) and map their slice of
    // the shared L1 file, so L1-interleaved tensors pass between host and kernels in place.
    const bool bank = index < g_device.l1_banks.size();
    const std::string file = bank ? g_device.l1_path : std::string();
    const off_t offset = bank ? off_t(index) * g_device.l1_bank_stride : 0;
    if (index >= g_slots.size()) {
        g_slots.resize(index + 1);
    }
    L1Slot& slot = g_slots[index];
    const uint32_t size = g_device.l1_size;
    if (slot.core && slot.size == size && slot.file == file && slot.offset == offset) {
        if (!slot.accessible) {
            mprotect(slot.core->l1, size, PROT_READ | PROT_WRITE);
            slot.accessible = true;
        }
        return slot.core;
    }
    const bool replace = slot.core && slot.size == size;
    if (slot.core && !replace) {
        munmap(slot.core->l1, slot.size);
        munmap(slot.core->written, slot.size);
    }
    uint8_t* l1 = map_l1_at(want, size, file, offset, replace);
    uint8_t* written = replace ? slot.core->written : nullptr;
    if (!written) {
        void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED) {
            throw std::runtime_error("cannot map the L1 written-map");
        }
        written = static_cast<uint8_t*>(map);
    }
    if (!slot.core) {
        slot.core = new Core;
    }
    slot.core->l1 = l1;
    slot.core->written = written;
    slot.core->full_blocks.assign((size + kBlockBytes * 64 - 1) / (kBlockBytes * 64), 0);
    slot.core->current_blocks.assign(slot.core->full_blocks.size(), 0);
    slot = {slot.core, file, offset, size, 0, 0, true};
    return slot.core;
}

void release_cores() {
    for (size_t i = 0; i < g_device.cores.size(); ++i) {
        Core* core = g_device.cores[i];
        const L1Slot& slot = g_slots[i];
        if (slot.file.empty()) {
            zero_touched_pages(core->l1, slot.size);  // the L1 file's bytes are the host's, as in a new process
        }
        // The written-map keeps its bytes: with no block current, all of it reads as unwritten.
        std::fill(core->current_blocks.begin(), core->current_blocks.end(), 0);
        std::fill(core->full_blocks.begin(), core->full_blocks.end(), 0);
        for (CircularBuffer& cb : core->cbs) {
            cb = CircularBuffer{};
        }
        core->x = core->y = 0;
    }
    g_device.cores.clear();
}

void hide_unused_cores() {
    for (size_t i = g_device.cores.size(); i < g_slots.size(); ++i) {
        L1Slot& slot = g_slots[i];
        if (slot.core && slot.accessible) {
            mprotect(slot.core->l1, slot.size, PROT_NONE);
            slot.accessible = false;
        }
    }
}

namespace {

bool bit_of(const std::vector<uint64_t>& bits, uint32_t block) { return (bits[block >> 6] >> (block & 63)) & 1u; }

void set_bit(std::vector<uint64_t>& bits, uint32_t block, bool on) {
    const uint64_t bit = uint64_t(1) << (block & 63);
    bits[block >> 6] = on ? bits[block >> 6] | bit : bits[block >> 6] & ~bit;
}

bool block_full(const Core& core, uint32_t block) { return bit_of(core.full_blocks, block); }
void set_block(Core& core, uint32_t block, bool full) { set_bit(core.full_blocks, block, full); }
bool block_current(const Core& core, uint32_t block) { return bit_of(core.current_blocks, block); }

// The blocks [first, last] that [offset, offset + size) overlaps (size > 0).
struct Blocks {
    uint32_t first, last;
};
Blocks blocks_of(uint32_t offset, uint32_t size) { return {offset >> kBlockShift, (offset + size - 1) >> kBlockShift}; }

uint32_t block_length(uint32_t block) { return std::min(kBlockBytes, g_device.l1_size - (block << kBlockShift)); }

// Makes block k's written-map bytes current: a block not current in this run holds nothing written.
void make_current(Core& core, uint32_t k) {
    if (!block_current(core, k)) {
        std::memset(core.written + (k << kBlockShift), 0, block_length(k));
        set_bit(core.current_blocks, k, true);
    }
}

// The written-map bytes of [offset, offset + size), current (for reading or changing them in place).
uint8_t* current_map(Core& core, uint32_t offset, uint32_t size) {
    if (size > 0) {
        const Blocks b = blocks_of(offset, size);
        for (uint32_t k = b.first; k <= b.last; ++k) {
            make_current(core, k);
        }
    }
    return core.written + offset;
}

// The written-map bytes of [offset, offset + size), for a caller that overwrites every one of them: only
// the edge blocks it covers in part need their other bytes current first.
uint8_t* map_to_overwrite(Core& core, uint32_t offset, uint32_t size) {
    if (size > 0) {
        const Blocks b = blocks_of(offset, size);
        make_current(core, b.first);
        make_current(core, b.last);
        for (uint32_t k = b.first + 1; k < b.last; ++k) {
            set_bit(core.current_blocks, k, true);
        }
    }
    return core.written + offset;
}

// Whether the full bits of blocks [first, last] are all set, a 64-block word at a time.
bool all_full(const Core& core, uint32_t first, uint32_t last) {
    for (uint32_t w = first >> 6; w <= last >> 6; ++w) {
        const uint32_t lo = w == first >> 6 ? first & 63 : 0;
        const uint32_t hi = w == last >> 6 ? last & 63 : 63;
        const uint64_t mask = (~uint64_t(0) >> (63 - hi)) & (~uint64_t(0) << lo);
        if ((core.full_blocks[w] & mask) != mask) {
            return false;
        }
    }
    return true;
}

// Re-reads the written-map of every block [offset, offset + size) overlaps (current blocks): after a change
// that may leave holes (a copy of another map, recognised stores).
void refresh_blocks(Core& core, uint32_t offset, uint32_t size) {
    if (size == 0) {
        return;
    }
    const Blocks b = blocks_of(offset, size);
    for (uint32_t k = b.first; k <= b.last; ++k) {
        set_block(core, k, !std::memchr(core.written + (k << kBlockShift), 0, block_length(k)));
    }
}

// An edge block of a write into [offset, offset + size): full if the write covers it, else re-read unless
// it was full already (a write only adds written bytes).
void fill_edge_block(Core& core, uint32_t k, uint32_t offset, uint32_t size) {
    const uint64_t begin = uint64_t(k) << kBlockShift;
    if (offset <= begin && uint64_t(offset) + size >= begin + kBlockBytes) {
        set_block(core, k, true);
    } else if (!block_full(core, k)) {
        refresh_blocks(core, static_cast<uint32_t>(begin), 1);
    }
}

// After [offset, offset + size) became written: the blocks between its edges are full.
void fill_blocks(Core& core, uint32_t offset, uint32_t size) {
    if (size == 0) {
        return;
    }
    const Blocks b = blocks_of(offset, size);
    fill_edge_block(core, b.first, offset, size);
    for (uint32_t k = b.first + 1; k < b.last; ++k) {
        set_block(core, k, true);
    }
    if (b.last != b.first) {
        fill_edge_block(core, b.last, offset, size);
    }
}

void clear_blocks(Core& core, uint32_t offset, uint32_t size) {
    if (size == 0) {
        return;
    }
    const Blocks b = blocks_of(offset, size);
    for (uint32_t k = b.first; k <= b.last; ++k) {
        set_block(core, k, false);
    }
}

}  // namespace

bool all_written(const void* p, uint32_t size) {
    uint32_t offset = 0;
    const Core* core = core_of(p, offset);
    if (!core || size == 0) {
        return true;
    }
    const Blocks b = blocks_of(offset, size);
    if (all_full(*core, b.first, b.last)) {
        return true;
    }
    for (uint32_t k = b.first; k <= b.last; ++k) {
        if (block_full(*core, k)) {
            continue;
        }
        if (!block_current(*core, k)) {
            return false;
        }
        const uint32_t begin = std::max(offset, k << kBlockShift);
        const uint32_t end = std::min(offset + size, (k + 1) << kBlockShift);
        if (std::memchr(core->written + begin, 0, end - begin)) {
            return false;
        }
    }
    return true;
}

const uint8_t* written_bytes(const void* p, uint32_t size) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    return core ? current_map(*core, offset, size) : nullptr;
}

void prepare_fresh_l1(uint8_t* p, uint32_t size) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    if (!core || all_written(p, size)) {
        return;
    }
    // Block by block: a run of blocks not current holds nothing written (one fill); in a current block the
    // written bytes (a NOC transfer that landed first, the end of the page before) keep their data,
    // branch-free so it vectorises.
    const uint32_t end = offset + size;
    const Blocks b = blocks_of(offset, size);
    for (uint32_t k = b.first; k <= b.last;) {
        const uint32_t begin = std::max(offset, k << kBlockShift);
        if (!block_current(*core, k)) {
            uint32_t j = k + 1;
            while (j <= b.last && !block_current(*core, j)) {
                ++j;
            }
            std::memset(core->l1 + begin, kFreshL1Byte, std::min(end, j << kBlockShift) - begin);
            k = j;
            continue;
        }
        if (!block_full(*core, k)) {
            uint8_t* q = core->l1 + begin;
            const uint8_t* w = core->written + begin;
            const uint32_t len = std::min(end, (k + 1) << kBlockShift) - begin;
            for (uint32_t i = 0; i < len; ++i) {
                q[i] = w[i] ? q[i] : kFreshL1Byte;
            }
        }
        ++k;
    }
}

void mark_l1_written(const void* p, uint32_t size) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    // A CB page's later uses find it written already (the packer writes each page of the ring again).
    if (core && !all_written(p, size)) {
        std::memset(map_to_overwrite(*core, offset, size), 1, size);
        fill_blocks(*core, offset, size);
    }
}

void store_undefined(uint8_t* p, uint32_t size) {
    uint32_t offset = 0;
    if (Core* core = core_of(p, offset)) {
        std::memset(p, kFreshL1Byte, size);
        std::memset(map_to_overwrite(*core, offset, size), 0, size);
        clear_blocks(*core, offset, size);
    }
}

void copy_written(const uint8_t* src, uint8_t* dst, uint32_t size) {
    uint32_t offset = 0;
    Core* core = core_of(dst, offset);
    if (!core) {
        return;
    }
    if (all_written(src, size)) {
        mark_l1_written(dst, size);
        return;
    }
    const uint8_t* from = written_bytes(src, size);
    std::memmove(map_to_overwrite(*core, offset, size), from, size);
    refresh_blocks(*core, offset, size);
}

void mark_stored_datums(const uint8_t* p, uint32_t size, uint32_t datum_bytes) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    if (!core || all_written(p, size)) {
        return;  // all written already (a NOC transfer landed, or the packer wrote the page)
    }
    uint8_t* w = current_map(*core, offset, size);
    // Branch-free per datum so the loop vectorises: a datum any byte of which differs from fresh L1 was
    // stored by the kernel, and all its bytes count as written.
    for (uint32_t i = 0; i + datum_bytes <= size; i += datum_bytes) {
        uint8_t stored = 0;
        for (uint32_t b = 0; b < datum_bytes; ++b) {
            stored |= static_cast<uint8_t>(p[i + b] != kFreshL1Byte);
        }
        for (uint32_t b = 0; b < datum_bytes; ++b) {
            w[i + b] |= stored;
        }
    }
    refresh_blocks(*core, offset, size);
}

}  // namespace emu
