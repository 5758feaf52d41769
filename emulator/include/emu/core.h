// Internal contract between the emulator's runtime (threads, circular buffers, L1, NOC) and our
// tt-metal-compatible kernel-API headers. Kernels never include it directly; api/... headers do.
//
// Every function acts on the calling thread's kernel (one thread per reader / writer / compute
// kernel per core); the runtime binds that identity before kernel_main() runs.
//
// L1 addresses are dereferenceable, as on hardware: each core's L1 is mapped at its own fixed host
// address below 4 GiB, and every L1 address a kernel sees (get_read_ptr, get_write_ptr, NOC
// destinations) is that host address. get_noc_addr(x, y, addr) translates to the same offset in the
// target core's L1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "emu/kernel_prelude.h"

namespace emu {

// tt::DataFormat's enumerators and values, from the shared code table (emu/codes.h). The kernel API's
// global `DataFormat` (get_dataformat) is this type.
enum class DataFormat : uint8_t {
#define EMU_DATA_FORMAT(name, enumerator, value, datum_bytes) enumerator = value,
#define EMU_OTHER_DATA_FORMAT(enumerator, value) enumerator = value,
#include "emu/codes.h"
    Invalid = 0xff,
};

constexpr uint32_t data_format_datum_bytes(DataFormat f) {
    switch (f) {
#define EMU_DATA_FORMAT(name, enumerator, value, datum_bytes) \
    case DataFormat::enumerator:                              \
        return datum_bytes;
#include "emu/codes.h"
        default:
            return 0;
    }
}

constexpr uint32_t kTileDatums = 32 * 32;

enum class KernelKind : uint8_t { Reader, Writer, Compute };

constexpr uint32_t kNumCircularBuffers = 32;

struct ComputeConfig {
    uint32_t math_fidelity;  // EMU_MATH_FIDELITY values of emu/codes.h
    bool fp32_dest_acc_en;
    bool math_approx_mode;
    bool dst_full_sync_en;
    bool unpack_to_dest_fp32[kNumCircularBuffers];
};

struct CBConfig {
    bool configured;
    DataFormat format;
    uint32_t page_size;
    uint32_t num_pages;
    uint32_t l1_addr;  // kernel-visible address of the FIFO's first byte
};

// --- identity of the calling thread ------------------------------------------------------------
KernelKind kernel_kind();
const CBConfig& cb_config(uint32_t cb);  // faults when cb is not configured on this core
const ComputeConfig& compute_config();   // faults outside a compute kernel
uint32_t num_dram_banks();
uint32_t num_l1_banks();  // worker cores holding L1-interleaved banks (0 when no such tensor exists)

// --- arguments ----------------------------------------------------------------------------------
uint32_t runtime_arg(uint32_t index);
uint32_t common_runtime_arg(uint32_t index);

// --- circular buffers: blocking FIFO protocol in pages, with hardware's rules -------------------
void cb_reserve_back(uint32_t cb, uint32_t num_pages);
void cb_push_back(uint32_t cb, uint32_t num_pages);
void cb_wait_front(uint32_t cb, uint32_t num_pages);
void cb_pop_front(uint32_t cb, uint32_t num_pages);
bool cb_pages_available_at_front(uint32_t cb, uint32_t num_pages);
bool cb_pages_reservable_at_back(uint32_t cb, uint32_t num_pages);
uint32_t cb_read_addr(uint32_t cb);
uint32_t cb_write_addr(uint32_t cb);
// Host pointer to page `index` counted from the front (index < pages waited for) or from the first
// reserved page (index < pages reserved); faults otherwise, naming `what`.
uint8_t* cb_front_page(uint32_t cb, uint32_t index, const char* what);
uint8_t* cb_back_page(uint32_t cb, uint32_t index, const char* what);
// In-order packing: the next slot of the reserved region; the counter restarts at cb_push_back.
uint32_t cb_take_pack_slot(uint32_t cb);

// --- NOC ------------------------------------------------------------------------------------------
uint64_t dram_noc_addr(uint32_t bank, uint32_t bank_offset);
uint64_t l1_bank_noc_addr(uint32_t bank, uint32_t bank_offset);  // the bank core's L1 at bank_offset
uint64_t l1_noc_addr(uint32_t x, uint32_t y, uint32_t l1_addr);
uint64_t local_l1_noc_addr(uint32_t l1_addr);
void noc_read(uint64_t src, uint32_t dst_l1, uint32_t size);
void noc_write(uint32_t src_l1, uint64_t dst, uint32_t size);
void noc_read_barrier();
void noc_write_barrier();
uint32_t my_x();
uint32_t my_y();

// --- scheduling -----------------------------------------------------------------------------------
// Kernels are cooperative fibers: one runs per worker thread until it blocks. An API call that waits
// for another kernel (a CB, a semaphore, a polled L1 word) must call this inside its wait loop, or the
// kernels sharing its worker never run.
void yield_to_other_kernels();

// --- diagnostics ----------------------------------------------------------------------------------
// Reports a fault (category: a short word such as "cb_misuse") with the calling kernel, core and API
// call, then ends the whole run. Never returns.
[[noreturn]] void fault(const char* category, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// --- the API call in progress, for fault, deadlock and crash reports --------------------------------
// Recording a call must cost next to nothing (it runs on every API call), so nothing is formatted here:
// the record keeps the format string (a literal, so the pointer stays valid), a formatter instantiated
// for the argument types, and the raw argument bits. Only a report formats it (format_call). A sequence
// counter (odd while the kernel writes) lets the watchdog thread read a consistent record.
constexpr uint32_t kMaxCallArgs = 8;

struct CallRecord;
using CallFormatter = int (*)(char* buf, size_t size, const CallRecord& record);

struct CallRecord {
    uint32_t seq;  // accessed atomically (__atomic builtins); even when the record is consistent
    const char* fmt;
    CallFormatter formatter;
    uint64_t args[kMaxCallArgs];
};

// The calling kernel's record, nullptr outside kernel code.
CallRecord* call_record();
// Formats `record` into buf (always NUL-terminated); returns what snprintf returns.
int format_call(char* buf, size_t size, const CallRecord& record);

namespace detail {

// An index sequence and a compiler builtin (GCC and Clang) rather than <utility> and <type_traits>: what
// the emulator's own headers need stays independent of the prelude, which is there for kernels.
template <size_t... I>
struct Indices {};
template <size_t N, size_t... I>
struct MakeIndices : MakeIndices<N - 1, N - 1, I...> {};
template <size_t... I>
struct MakeIndices<0, I...> {
    using type = Indices<I...>;
};

template <typename T>
uint64_t call_arg_bits(T value) {
    static_assert(sizeof(T) <= sizeof(uint64_t) && __is_trivially_copyable(T),
                  "set_call arguments must be scalars or pointers to static strings");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    return bits;
}

template <typename T>
T call_arg_value(uint64_t bits) {
    T value;
    std::memcpy(&value, &bits, sizeof(T));
    return value;
}

template <typename... A, size_t... I>
int format_args(char* buf, size_t size, const CallRecord& r, Indices<I...>) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
    return std::snprintf(buf, size, r.fmt, call_arg_value<A>(r.args[I])...);
#pragma GCC diagnostic pop
}

template <typename... A>
int format_record(char* buf, size_t size, const CallRecord& r) {
    return format_args<A...>(buf, size, r, typename MakeIndices<sizeof...(A)>::type{});
}

// Never called: gives the runtime's set_call sites printf format checking (runtime.h).
inline void check_call_format(const char*, ...) __attribute__((format(printf, 1, 2)));
inline void check_call_format(const char*, ...) {}

}  // namespace detail

// Names the API call in progress on this thread. `fmt` must be a string literal; string arguments must
// be static strings (they are formatted later, when a report needs them).
template <typename... A>
inline void set_call(const char* fmt, A... args) {
    static_assert(sizeof...(A) <= kMaxCallArgs, "set_call takes at most kMaxCallArgs arguments");
    CallRecord* r = call_record();
    if (!r) {
        return;
    }
    const uint32_t seq = r->seq;
    __atomic_store_n(&r->seq, seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    r->fmt = fmt;
    r->formatter = &detail::format_record<A...>;
    size_t i = 0;
    ((r->args[i++] = detail::call_arg_bits(args)), ...);
    (void)i;
    __atomic_store_n(&r->seq, seq + 2, __ATOMIC_RELEASE);
}

}  // namespace emu
