// The runner's own state: cores, circular buffers, threads, DRAM and the report. Shared by the
// runtime's translation units; kernels only see emu/core.h through the api/ headers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "emu/core.h"

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
};

struct Core {
    uint32_t x = 0, y = 0;
    uint8_t* l1 = nullptr;  // host address == kernel-visible address
    CircularBuffer cbs[kNumCircularBuffers];
    std::mutex mutex;  // guards every CB of this core
    std::condition_variable changed;
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
    char call[160] = "kernel_main";
    char blocked_on[200] = "";
    std::vector<PendingCopy> pending_reads, pending_writes;
    ComputeState* compute_state = nullptr;
    uint64_t dram_read = 0, dram_written = 0, noc_transactions = 0;
    double busy_seconds = 0;
    std::vector<std::string> trace_events;
};

struct DramBuffer {
    uint32_t addr;
    uint32_t size;  // bytes per bank
};

struct Device {
    uint32_t l1_size = 0, l1_base = 0, num_banks = 0, dram_alignment = 32;
    uint64_t bank_size = 0;
    uint8_t* dram = nullptr;
    std::vector<DramBuffer> buffers;
    std::vector<Core*> cores;
    bool trace = false;
    double start_time = 0;
};

extern Device g_device;
extern thread_local KernelThread* t_self;
extern std::atomic<uint64_t> g_progress;

Core* find_core(uint32_t x, uint32_t y);
double now_seconds();
void trace_event(const char* name, double begin, double end);
// Blocks on the core's condition variable until `ready` holds, keeping deadlock accounting.
template <typename Ready>
void wait_until(std::unique_lock<std::mutex>& lock, const char* what, Ready ready);
void mark_blocked(const char* what);
void mark_running();
void finish_noc(KernelThread& t);
std::string cb_state_json(const Core& core);

template <typename Ready>
void wait_until(std::unique_lock<std::mutex>& lock, const char* what, Ready ready) {
    if (ready()) {
        return;
    }
    const double begin = now_seconds();
    mark_blocked(what);
    while (!ready()) {
        t_self->core->changed.wait(lock);
    }
    mark_running();
    trace_event(what, begin, now_seconds());
}

}  // namespace emu
