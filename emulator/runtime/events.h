// The cost-model event log (emulator/cost_model/events.py documents each event and its fields). When the
// plan names an events file, every API implementation appends one fixed-size Record per call to its
// kernel's log; the runner formats them only at the end, into that file. When it does not, each hook is a
// single predictable branch on `g_on` and nothing else: no formatting, no allocation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emu/compute.h"
#include "emu/core.h"

namespace emu {
struct KernelThread;
}

namespace emu::events {

extern bool g_on;  // set once by load_plan, before any kernel runs

enum class Op : uint8_t {
    Compute, Init, CbWaitFront, CbPopFront, CbReserveBack, CbPushBack,
    RegsAcquire, RegsCommit, RegsWait, RegsRelease, NocRead, NocWrite, NocReadBarrier, NocWriteBarrier, Riscv,
};

// Which TRISCs an init configures (events.py: `threads`).
enum Threads : uint8_t { kUnpack = 1, kMath = 2, kPack = 4, kUnpackMath = 3, kAll = 7 };

// One call. `call` is a string literal (static storage), never freed. cb: the CB whose format the call
// moves (0xff: none). a: tiles / pages / bytes / threads / datums; b: block_tiles.
struct Record {
    const char* call;
    uint32_t a;
    uint32_t b;
    uint8_t op;
    uint8_t cb;
    uint8_t flags;  // kToDest | kApprox | kDram
};
constexpr uint8_t kToDest = 1, kApprox = 2, kDram = 4;

// One kernel's log, and the NOC-read bytes that landed in each CB since that CB's last push (for `pushed`).
struct ThreadLog {
    std::vector<Record> records;
    uint64_t noc_bytes_into_cb[kNumCircularBuffers] = {};
};

// Recorders, called only when g_on (through EMU_EVENT). The compute ones read the calling kernel's
// compute config for fidelity, approximation and fp32 DST.
void tile_call(const char* call, uint32_t cb, uint32_t tiles, uint32_t block_tiles = 1, bool to_dest = false);
void binary(BinOp op, Bcast bcast, uint32_t cb);
void reduce(Pool pool, Dim dim, uint32_t cb);
void sfpu_unary(Sfpu op, bool approx);
void sfpu_binary(Sfpu op, BinOp bin);
void init(const char* call, uint8_t threads);
void simple(Op op, uint32_t cb = 0xff, uint32_t pages = 0);
// local_l1: a read's destination (kernel-visible L1 address), credited to the CB it lands in.
void noc(Op op, uint32_t bytes, bool dram, uint32_t local_l1);
// At cb_push_back of a data-movement kernel, before the push event: the pushed bytes that no NOC read
// delivered since the CB's last push were stored by the kernel's own code (a RISC-V loop the runtime
// cannot see); they become one `riscv` event of that many datums.
void pushed(uint32_t cb, uint32_t bytes, uint32_t datum_bytes);

// runner: writes every kernel's log as JSON lines (two lines per kernel launch, see events.cpp),
// atomically (temp file, then rename).
void write_file(const std::string& path);

}  // namespace emu::events

// A hook: one line in an API implementation; a single branch when events are off.
#define EMU_EVENT(recorder) (__builtin_expect(::emu::events::g_on, 0) ? ::emu::events::recorder : (void)0)
