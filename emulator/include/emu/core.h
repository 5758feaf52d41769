// Internal contract between the emulator's runtime (threads, circular buffers, L1, NOC) and its
// kernel-API implementations (dataflow and compute). Not a tt-metal header: kernels never include it
// directly; our tt-metal-compatible headers under emulator/include/ do.
//
// Every function here acts on the calling thread's kernel (one thread per reader / writer / compute
// kernel per core); the runtime binds that identity before kernel_main() runs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace emu {

// Numeric values are tt::DataFormat's.
enum class DataFormat : uint8_t { Float32 = 0, Float16_b = 5 };

enum class KernelKind : uint8_t { Reader, Writer, Compute };

enum class MathFidelity : uint8_t { LoFi = 0, HiFi2 = 2, HiFi3 = 3, HiFi4 = 4 };

constexpr uint32_t kNumCircularBuffers = 32;

// Fresh L1 and fresh DRAM buffers are filled with this byte, so a read of memory nothing wrote shows
// up as 0xFFFF (bf16) / 0xFFFFFFFF (fp32) datums, both NaN patterns no arithmetic produces.
constexpr uint8_t kPoisonByte = 0xFF;

struct ComputeConfig {
    MathFidelity math_fidelity;
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
    uint32_t l1_addr;  // base of the FIFO in this core's L1
};

// --- identity of the calling thread -------------------------------------------------------------
KernelKind kernel_kind();
const char* kernel_name();
uint32_t core_x();
uint32_t core_y();
const CBConfig& cb_config(uint32_t cb);  // faults when cb is not configured on this core
const ComputeConfig& compute_config();   // faults outside a compute kernel

// --- arguments -----------------------------------------------------------------------------------
uint32_t runtime_arg(uint32_t index);         // faults when index >= number of args on this core
uint32_t common_runtime_arg(uint32_t index);

// --- circular buffers: blocking FIFO protocol in pages, with hardware's rules --------------------
// Each call checks misuse (reserve/wait beyond capacity, push beyond reserved, pop beyond waited,
// a push/pop that straddles the end of the FIFO) and faults with the CB's state.
void cb_reserve_back(uint32_t cb, uint32_t num_pages);
void cb_push_back(uint32_t cb, uint32_t num_pages);
void cb_wait_front(uint32_t cb, uint32_t num_pages);
void cb_pop_front(uint32_t cb, uint32_t num_pages);
bool cb_pages_available_at_front(uint32_t cb, uint32_t num_pages);
bool cb_pages_reservable_at_back(uint32_t cb, uint32_t num_pages);
// L1 ADDRESSES ARE DEREFERENCEABLE, as on hardware: kernels routinely do
// `auto* p = reinterpret_cast<volatile uint32_t*>(get_write_ptr(cb)); p[i] = ...;`. So each core's L1
// is mapped at its own fixed address below 4 GiB (e.g. mmap MAP_FIXED_NOREPLACE at
// 0x40000000 + core_index * 0x200000), and every L1 address a kernel sees (get_read_ptr, get_write_ptr,
// CB addresses, noc_async_read destinations) is that host address truncated to 32 bits:
// core_l1_base + offset. get_noc_addr(x, y, addr) for another core translates the caller's address
// to the same offset in the target core's L1.
uint32_t cb_read_addr(uint32_t cb);   // L1 address of the front page
uint32_t cb_write_addr(uint32_t cb);  // L1 address of the first reserved page

// Host pointer to page `index` counted from the front (index < pages waited for) or from the first
// reserved page (index < pages reserved); faults otherwise, naming the call in `what`.
uint8_t* cb_front_page(uint32_t cb, uint32_t index, const char* what);
uint8_t* cb_back_page(uint32_t cb, uint32_t index, const char* what);

// In-order packing: the next free slot of the reserved region; the counter restarts at cb_push_back.
uint32_t cb_take_pack_slot(uint32_t cb);

// --- memory --------------------------------------------------------------------------------------
// Bounds-checked host pointer into this core's L1 (faults outside L1 or inside the reserved base).
uint8_t* l1_ptr(uint32_t addr, uint32_t size, const char* what);

// --- diagnostics -----------------------------------------------------------------------------------
// Report a fault (category is a short machine word such as "cb_misuse", "uninitialised_read",
// "compute_misuse", "noc_address") with the calling kernel, core and current API call, then end the
// whole run. Never returns.
[[noreturn]] void fault(const char* category, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Names the API call in progress on this thread for fault, deadlock and crash reports.
class ApiCall {
public:
    explicit ApiCall(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    ~ApiCall();
    ApiCall(const ApiCall&) = delete;
    ApiCall& operator=(const ApiCall&) = delete;
};

}  // namespace emu
