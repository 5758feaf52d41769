// The runner's own state: cores, circular buffers, threads, DRAM and the report. Shared by the
// runtime's translation units; kernels only see emu/core.h through the api/ headers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "emu/core.h"
#include "events.h"
#include "fiber.h"

// The runtime's own set_call sites get printf format checking; the call itself only records (core.h).
#define set_call(...) ((false ? ::emu::detail::check_call_format(__VA_ARGS__) : (void)0), ::emu::set_call(__VA_ARGS__))

namespace emu {

struct CircularBuffer {
    CBConfig config{};
    uint64_t pushed = 0;     // pages pushed since launch
    uint64_t popped = 0;     // pages popped since launch
    uint32_t wr_page = 0;    // FIFO page index of the next reserve
    uint32_t rd_page = 0;    // FIFO page index of the front
    uint32_t reserved = 0;   // pages reserved and not yet pushed
    uint32_t waited = 0;     // pages waited for and not yet popped
    uint32_t pack_slot = 0;  // next in-order pack slot in the reserved region
    uint32_t fresh_pages = 0;  // FIFO pages [0, fresh_pages) were prepared (prepare_fresh_l1) or used
    uint64_t unreserved_writes = 0;  // back pages written beyond the reserved ones, all free (cb_back_page)
    uint64_t unreserved_pushes = 0;  // pushes of more pages than reserved, all free (cb_push_back)
};

struct Core {
    uint32_t x = 0, y = 0;
    uint8_t* l1 = nullptr;       // host address == kernel-visible address
    uint8_t* written = nullptr;  // one byte per L1 byte: nonzero once something wrote it (l1.cpp)
    // One bit per 256-byte block of L1: set only while every byte of the block is written (l1.cpp keeps it
    // with the written-map), so asking whether a whole tile is written reads a few bits, not the map.
    std::vector<uint64_t> full_blocks;
    // One bit per 256-byte block: set once the block's written-map bytes are current in this run. A clear
    // block reads as all unwritten whatever its bytes hold, so a reset clears these bits instead of the
    // whole map, and a block's bytes are zeroed only when a run first needs them (l1.cpp current_map).
    std::vector<uint64_t> current_blocks;
    CircularBuffer cbs[kNumCircularBuffers];
    std::mutex mutex;  // guards every CB of this core; never held across a fiber switch
};

struct PendingCopy {
    uint8_t* dst;
    const uint8_t* src;
    uint32_t size;
};

struct ComputeState;  // compute.cpp

enum class ThreadState : uint8_t { Running, Blocked, Done };

struct KernelThread {
    std::string kernel;
    KernelKind kind = KernelKind::Reader;
    Core* core = nullptr;
    std::vector<uint32_t> args;
    const std::vector<uint32_t>* common_args = nullptr;
    const ComputeConfig* compute = nullptr;
    void (*entry)() = nullptr;
    std::atomic<ThreadState> state{ThreadState::Running};
    CallRecord call{};  // the API call in progress (blocked in it while state is Blocked)
    Fiber fiber;
    std::vector<PendingCopy> pending_reads, pending_writes;
    ComputeState* compute_state = nullptr;
    uint64_t dram_read = 0, dram_written = 0, noc_transactions = 0;
    double busy_seconds = 0;
    std::vector<std::string> trace_events;
    events::ThreadLog event_log;  // filled only when the plan names an events file (events.h)
};

struct DramBuffer {
    uint32_t addr;
    uint32_t size;  // bytes per bank
};

// Byte alignment of NOC transfers per target and direction (see check_alignment in noc.cpp).
struct NocAlignment {
    uint32_t l1_read = 16, l1_write = 16, dram_read = 32, dram_write = 16;
};

// How the watchdog decides: it looks every tick_ms; deadlock_ticks looks in a row with every live kernel
// blocked on a CB make a deadlock; hang_seconds without any CB, NOC or API progress make a hang.
struct Watchdog {
    double hang_seconds = 10;
    uint32_t tick_ms = 20;
    uint32_t deadlock_ticks = 10;
};

struct Device {
    uint32_t l1_size = 0, l1_base = 0, num_banks = 0, dram_alignment = 32;
    NocAlignment noc_alignment{};
    Watchdog watchdog{};
    std::string report_path, report_tmp_path, trace_path, events_path;
    uint64_t bank_size = 0;
    uint8_t* dram = nullptr;
    std::vector<DramBuffer> buffers;
    // L1-interleaved buffers (plan device.l1_interleaved): bank i is core l1_banks[i], whose L1 is mapped
    // from the shared L1 file at i * l1_bank_stride; each buffer has one address valid in every bank.
    std::string l1_path;
    uint32_t l1_bank_stride = 0;
    std::vector<std::pair<uint32_t, uint32_t>> l1_banks;
    std::vector<DramBuffer> l1_buffers;
    std::vector<Core*> cores;
    bool trace = false;
    double start_time = 0;
};

extern Device g_device;
extern std::vector<std::unique_ptr<KernelThread>> g_threads;
extern thread_local KernelThread* t_self;
extern std::atomic<uint64_t> g_progress;

// plan.cpp: reads the plan (emulator/contract/plan.schema.json); throws std::runtime_error naming the
// offending key or value.
void load_plan(const std::string& path);
// Between the runs of a serving runner: closes every kernel object the plan opened and forgets the plan's
// kernels, args and per-run device settings (mappings of DRAM and L1 stay). False when a kernel object
// stayed loaded (dlclose may keep one, e.g. for a STB_GNU_UNIQUE symbol): its globals would not be
// fresh, so the runner must not serve another run.
bool unload_plan();
Core* add_core(uint32_t x, uint32_t y);

// l1.cpp
// The Core of index `index` (its L1 at that index's fixed address), mapped for this plan: the same
// Core and mapping as the last run's at that index while the mapping stays the same (private, or the
// same slice of the same L1 file), else mapped anew. Throws std::runtime_error when it cannot map.
Core* core_slot(size_t index);
// Between the runs of a serving runner: every core of the run reads as in a new process again (private
// L1 zero where touched, every written-map block unwritten, CB states cleared) and stays mapped;
// g_device.cores empties.
void release_cores();
// After load_plan: the L1 of every core index an earlier run used and this plan does not is made
// inaccessible (as unmapped in a new process: an access is a SIGSEGV), keeping its pages; core_slot
// opens it again. Indices the plan uses are never toggled, so their pages keep their write access.
void hide_unused_cores();
// Maps in, before any worker starts, the memory a run will write: every core's CB region of L1 and of its
// written-map, and the DRAM buffers. Only a speed-up (one fault-free pass instead of a page fault per
// first touch, each of which costs other workers a TLB shootdown once they run); contents are unchanged.
// A serving runner skips what an earlier run mapped in: those pages stay mapped.
void populate_used_memory();
// The core whose L1 holds p, and p's offset in it; nullptr when p is not in any core's L1.
Core* core_of(const void* p, uint32_t& offset);
void mark_l1_written(const void* p, uint32_t size);
// Fills the never-written bytes of [p, p + size) with the fresh-L1 byte: done once per CB page, at its
// first reservation, instead of filling every core's whole L1 at start.
void prepare_fresh_l1(uint8_t* p, uint32_t size);
// Marks the datums of [p, p + size) that a kernel's own stores changed from fresh L1.
void mark_stored_datums(const uint8_t* p, uint32_t size, uint32_t datum_bytes);
// The written-map bytes of [p, p + size) of p's L1 (one per L1 byte, nonzero once written), made current
// first; nullptr when p is not L1. Read-only for callers: every change goes through the functions here,
// which keep Core::full_blocks and Core::current_blocks.
const uint8_t* written_bytes(const void* p, uint32_t size);
// Whether every byte of [p, p + size) is written (true when p is not L1: host memory, DRAM).
bool all_written(const void* p, uint32_t size);
// The packer stores an undefined datum: [p, p + size) receives the fresh-L1 byte and stays unwritten, so
// the undefinedness travels with the data (mark_stored_datums at the push keeps it so).
void store_undefined(uint8_t* p, uint32_t size);
// A NOC transfer landed: dst's written-map follows src's (L1 -> L1 keeps undefined bytes undefined);
// a DRAM source counts as written.
void copy_written(const uint8_t* src, uint8_t* dst, uint32_t size);

// compute.cpp
void start_compute(KernelThread& t);
void finish_compute(KernelThread& t);
// Frees the compute state start_compute made (between the runs of a serving runner).
void end_compute(KernelThread& t);

// report.cpp: the runner's report (emulator/contract/report.schema.json), written atomically.
constexpr int kReportVersion = 1;
const char* kind_name(KernelKind k);
std::string json_escape(const char* s);
std::string ok_report();
std::string fault_report(const char* category, const std::string& message);
void write_report(const std::string& body);
// Allocation-free, for the crash handler: write to report_tmp_path, rename over report_path.
void write_report_raw(const char* data, size_t size);
// runner.cpp: writes a fault report for the calling thread and ends the process.
[[noreturn]] void report_fault_and_exit(const char* category, const std::string& message);

Core* find_core(uint32_t x, uint32_t y);
double now_seconds();
void trace_event(const char* name, double begin, double end);
// Formats a kernel's current call (the call record of core.h) into buf.
void format_thread_call(const KernelThread& t, char* buf, size_t size);
// Blocks the calling kernel in its current call until `ready` holds: its fiber yields to the other
// kernels of its worker, with the lock released, and rechecks when resumed. Keeps deadlock accounting.
template <typename Ready>
void wait_until(std::unique_lock<std::mutex>& lock, Ready ready);
void mark_blocked();
void mark_running();
void finish_noc(KernelThread& t);
std::string cb_state_json(const Core& core);

template <typename Ready>
void wait_until(std::unique_lock<std::mutex>& lock, Ready ready) {
    if (ready()) {
        return;
    }
    const double begin = g_device.trace ? now_seconds() : 0;
    mark_blocked();
    do {
        lock.unlock();
        yield_to_other_kernels();
        lock.lock();
    } while (!ready());
    mark_running();
    if (g_device.trace) {
        char what[200];
        format_thread_call(*t_self, what, sizeof what);
        trace_event(what, begin, now_seconds());
    }
}

}  // namespace emu
