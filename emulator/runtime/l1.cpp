// Each core's L1: mapped at a fixed host address below 4 GiB (so kernel-visible L1 addresses are
// dereferenceable), and a shadow written-map with one byte per L1 byte. Uninitialised reads are found
// with the map, not by a poison value, so every bit pattern a kernel stores is data. Both are anonymous
// mappings: nothing is filled at start, and untouched pages cost no memory.
#include <sys/mman.h>

#include <cstring>

#include "runtime.h"

namespace emu {
namespace {

constexpr uintptr_t kL1MapBase = 0x40000000u;
constexpr uintptr_t kL1MapStride = 0x200000u;
// Fresh CB pages hold this byte from their first cb_reserve_back on (prepare_fresh_l1); the rest of L1
// reads as zero. It is a debugging aid only (stale data shows as 0xA5A5 / 0xA5A5A5A5 datums); detection
// uses the written-map. The one use of the value: a kernel's own stores are recognised at cb_push_back
// as datums that differ from it (see mark_stored_datums).
constexpr uint8_t kFreshL1Byte = 0xA5;

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

}  // namespace

void map_l1(Core& core, size_t index) {
    const uintptr_t want = kL1MapBase + index * kL1MapStride;
    if (g_device.l1_size > kL1MapStride) {
        throw std::runtime_error("L1 of " + std::to_string(g_device.l1_size) + " bytes exceeds the " +
                                 std::to_string(kL1MapStride) + "-byte mapping stride");
    }
    void* p = mmap(reinterpret_cast<void*>(want), g_device.l1_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || reinterpret_cast<uintptr_t>(p) != want) {
        throw std::runtime_error("cannot map L1 of a core at a fixed low address");
    }
    void* map = mmap(nullptr, g_device.l1_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        throw std::runtime_error("cannot map the L1 written-map");
    }
    core.l1 = static_cast<uint8_t*>(p);
    core.written = static_cast<uint8_t*>(map);
}

void prepare_fresh_l1(uint8_t* p, uint32_t size) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    if (!core) {
        return;
    }
    const uint8_t* w = core->written + offset;
    uint32_t i = 0;
    while (i < size) {
        // Runs of never-written bytes are filled whole; written bytes (a NOC transfer that landed first)
        // keep their data.
        uint32_t end = i;
        while (end < size && !w[end]) {
            ++end;
        }
        std::memset(p + i, kFreshL1Byte, end - i);
        while (end < size && w[end]) {
            ++end;
        }
        i = end;
    }
}

void mark_l1_written(const void* p, uint32_t size) {
    uint32_t offset = 0;
    if (Core* core = core_of(p, offset)) {
        std::memset(core->written + offset, 1, size);
    }
}

bool l1_written(const void* p, uint32_t size) {
    uint32_t offset = 0;
    const Core* core = core_of(p, offset);
    if (!core) {
        return true;  // not L1: host staging buffers of the compute model
    }
    for (uint32_t i = 0; i < size; ++i) {
        if (!core->written[offset + i]) {
            return false;
        }
    }
    return true;
}

void mark_stored_datums(const uint8_t* p, uint32_t size, uint32_t datum_bytes) {
    uint32_t offset = 0;
    Core* core = core_of(p, offset);
    if (!core) {
        return;
    }
    for (uint32_t i = 0; i + datum_bytes <= size; i += datum_bytes) {
        uint8_t* w = core->written + offset + i;
        bool stored = false;
        for (uint32_t b = 0; b < datum_bytes; ++b) {
            stored = stored || p[i + b] != kFreshL1Byte;
        }
        if (stored) {
            std::memset(w, 1, datum_bytes);
        }
    }
}

}  // namespace emu
