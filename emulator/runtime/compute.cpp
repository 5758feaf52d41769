// The compute kernel's data path: unpack from L1 into source registers (or straight into DST),
// FPU math into DST, SFPU math on DST, pack back to L1, with the hardware's number formats and the
// state (inits, DST ownership, data formats) whose misuse hardware punishes silently.
//
// Number rules live in numerics.cpp (FPU, packer) and sfpu_math.cpp (SFPU), each citing its source;
// emulator/README.md gathers them in the fidelity table.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>

#include "emu/compute.h"
#include "numerics.h"
#include "runtime.h"
#include "sfpu_math.h"
#include "tile.h"

namespace emu {

enum class DstState : uint8_t { Free, Math, Committed, Pack };
enum class FpuMode : uint8_t { None, Copy, Tilize, Untilize, Reduce, Binary, Matmul, Transpose, UnaryBcast };

struct ComputeState {
    bool started = false;
    DataFormat srca = DataFormat::Float16_b, srcb = DataFormat::Float16_b, pack = DataFormat::Float16_b;
    // Where each unpacker is configured to deliver (SrcA/SrcB, or straight to DST for an
    // unpack_to_dest_fp32 CB) and the CB whose configuration set it.
    bool srca_to_dest = false, srcb_to_dest = false;
    uint32_t srca_cb = 0, srcb_cb = 0;
    DstState dst_state = DstState::Free;
    FpuMode fpu = FpuMode::None;
    BinOp bin = BinOp::Add;
    Bcast bcast = Bcast::None;
    Pool pool = Pool::Sum;
    Dim dim = Dim::Row;
    bool tilize_active = false;
    bool untilize_active = false;
    uint32_t untilize_block_ct = 0, untilize_full_ct = 0;
    bool reduce_mask = false;
    Sfpu sfpu_configured = Sfpu::Square;
    bool sfpu_has_init = false;
    bool reduce_touched[16] = {};
    float dst[16][1024] = {};  // read through dst_tile / dst_tile_overwritten only
    uint32_t dst_zero_pending = 0;  // bit i: DST tile i reads as zero (regs_acquire) and is not yet zeroed
    DatumMask dst_undefined[16];  // per DST tile: datums computed from L1 nothing wrote
};

namespace {

ComputeState& cs() { return *t_self->compute_state; }

// --- number formats --------------------------------------------------------------------------

uint32_t bits_of(float f) { return __builtin_bit_cast(uint32_t, f); }

// The empty asm is an optimisation barrier: g++ 12.2 at -O2 folds bit_cast(float, bit_cast(u32, f) & mask)
// back to f in some inlined loops (reproduced standalone), silently dropping the truncation.
float float_of(uint32_t u) {
    __asm__("" : "+r"(u));
    return __builtin_bit_cast(float, u);
}

float truncate_to(float f, uint32_t keep_mask) { return float_of(bits_of(f) & keep_mask); }
constexpr uint32_t kBf16Mask = 0xFFFF0000u;  // 7 explicit mantissa bits

float round_bf16_nearest_even(float f) {
    const uint32_t u = bits_of(f);
    if (std::isnan(f)) {
        return float_of(u | 0x00400000u);
    }
    const uint32_t rounded = u + 0x7FFFu + ((u >> 16) & 1u);
    return float_of(rounded & kBf16Mask);
}

const char* format_name(DataFormat f) { return f == DataFormat::Float32 ? "Float32" : "Float16_b"; }

uint32_t datum_bytes(DataFormat f) { return f == DataFormat::Float32 ? 4 : 2; }

bool dest_fp32() { return compute_config().fp32_dest_acc_en; }

// --- checks ----------------------------------------------------------------------------------------

void require_started(const char* call) {
    if (!cs().started) {
        fault("compute_misuse", "%s before compute_kernel_hw_startup() (on hardware the DST semaphore is never "
              "initialised and the core hangs)", call);
    }
}

uint32_t dst_capacity() {
    const ComputeConfig& c = compute_config();
    return (c.dst_full_sync_en ? 16u : 8u) / (c.fp32_dest_acc_en ? 2u : 1u);
}

// DST tile i. Hardware clears the DST section when the packer releases it (ZEROACC in the LLK's
// dest-section-done), so after tile_regs_acquire every tile reads 0.0 until written; the zeroing happens
// here, at a tile's first use, not for the whole section at each acquire.
float* dst_tile(ComputeState& s, uint32_t i) {
    if ((s.dst_zero_pending >> i) & 1u) {
        std::memset(s.dst[i], 0, sizeof s.dst[i]);
        s.dst_zero_pending &= ~(1u << i);
    }
    return s.dst[i];
}

// DST tile i for a write of every datum (its old contents, zero or not, are never read).
float* dst_tile_overwritten(ComputeState& s, uint32_t i) {
    s.dst_zero_pending &= ~(1u << i);
    return s.dst[i];
}

void require_dst(uint32_t idst, const char* call) {
    if (idst >= dst_capacity()) {
        fault("compute_misuse", "%s uses DST tile %u but DST holds %u tiles (%s DST, %s sync)", call, idst,
              dst_capacity(), dest_fp32() ? "fp32" : "bf16", compute_config().dst_full_sync_en ? "full" : "half");
    }
}

void require_math(const char* call) {
    require_started(call);
    if (cs().dst_state != DstState::Math) {
        fault("compute_misuse", "%s outside tile_regs_acquire() ... tile_regs_commit()", call);
    }
}

void require_mode(FpuMode mode, const char* call, const char* init) {
    require_math(call);
    if (cs().fpu != mode) {
        fault("compute_misuse", "%s without its init: call %s first (the unpacker and math are set up for "
              "another operation)", call, init);
    }
}

void begin_fpu_init(FpuMode mode, const char* call) {
    require_started(call);
    ComputeState& s = cs();
    if (s.tilize_active && mode != FpuMode::Tilize) {
        fault("compute_misuse", "%s while tilize is configured: call tilize_uninit() first", call);
    }
    if (s.untilize_active && mode != FpuMode::Untilize) {
        fault("compute_misuse", "%s while pack_untilize is configured: call pack_untilize_uninit() first", call);
    }
    s.fpu = mode;
}

// --- unpack ---------------------------------------------------------------------------------------

enum class Reg : uint8_t { SrcA, SrcB };
enum class Needed : uint8_t { All, Row0, Col0, First };

bool needed(Needed n, uint32_t i) {
    switch (n) {
        case Needed::All: return true;
        case Needed::Row0: return row_of(i) == 0;
        case Needed::Col0: return col_of(i) == 0;
        case Needed::First: return i == 0;
    }
    return true;
}

bool unpacks_to_dest(uint32_t cb) {
    return compute_config().unpack_to_dest_fp32[cb] && cb_config(cb).format == DataFormat::Float32;
}

const char* destination_name(bool to_dest) { return to_dest ? "straight to DST (unpack_to_dest_fp32)" : "into SrcA/SrcB"; }

// The unpacker's format and destination are set by hw_startup / reconfig_data_format from one CB; reading
// another CB needs a reconfig when either differs (llk_unpack_common.h: the unpack-to-dest mode is part
// of the unpacker's data-format configuration, so two Float32 CBs of different destinations still differ).
void check_format(uint32_t cb, Reg reg, const char* call) {
    const ComputeState& s = cs();
    const DataFormat have = cb_config(cb).format;
    const DataFormat configured = reg == Reg::SrcA ? s.srca : s.srcb;
    if (have != configured) {
        fault("format_mismatch", "%s: CB %u holds %s but %s is configured for %s (missing reconfig_data_format)",
              call, cb, format_name(have), reg == Reg::SrcA ? "srcA" : "srcB", format_name(configured));
    }
    const bool to_dest = unpacks_to_dest(cb);
    const bool configured_to_dest = reg == Reg::SrcA ? s.srca_to_dest : s.srcb_to_dest;
    if (to_dest != configured_to_dest) {
        fault("format_mismatch", "%s: CB %u unpacks %s but the %s unpacker is configured by CB %u to unpack %s "
              "(missing reconfig_data_format)", call, cb, destination_name(to_dest), reg == Reg::SrcA ? "srcA" : "srcB",
              reg == Reg::SrcA ? s.srca_cb : s.srcb_cb, destination_name(configured_to_dest));
    }
}

// A CB the compute kernel reads or writes as tiles must have pages of one tile of its format (the
// unpacker and packer step through L1 by the format's tile size, not by the CB's page size).
void check_tile_pages(uint32_t cb, const char* call) {
    const CBConfig& c = cb_config(cb);
    const uint32_t tile = kDatums * datum_bytes(c.format);
    if (c.page_size != tile) {
        fault("format_mismatch", "%s: CB %u holds %s tiles of %u bytes but its page size is %u bytes", call, cb,
              format_name(c.format), tile, c.page_size);
    }
}

void configure_unpacker(Reg reg, uint32_t cb) {
    ComputeState& s = cs();
    (reg == Reg::SrcA ? s.srca : s.srcb) = cb_config(cb).format;
    (reg == Reg::SrcA ? s.srca_to_dest : s.srcb_to_dest) = unpacks_to_dest(cb);
    (reg == Reg::SrcA ? s.srca_cb : s.srcb_cb) = cb;
}

// Which datums of the tile at `page` nothing wrote: the unpacker reads whatever bits L1 holds, and the
// compute model carries them on as undefined (README "Undefined datums"). None when `page` is not L1
// (a host staging buffer) or every byte of it is written; datums `need` leaves out are never used.
DatumMask unwritten_datums(const uint8_t* page, uint32_t bytes, Needed need) {
    DatumMask m;
    if (all_written(page, kDatums * bytes)) {
        return m;
    }
    const uint8_t* w = written_bytes(page, kDatums * bytes);
    for (uint32_t i = 0; i < kDatums; ++i) {
        bool all = true;
        for (uint32_t b = 0; b < bytes; ++b) {
            all &= w[i * bytes + b] != 0;
        }
        m.set(i, !all && needed(need, i));
    }
    return m;
}

// A tile's datums as the FPU sees them: bf16 exact; fp32 through numerics.h unpack_fp32_datum into a TF32
// (fp32 DST) or bf16 register. `to_dest` is the unpack-to-dest path (copy/tilize/untilize of an
// unpack_to_dest_fp32 CB): exact. `undefined` receives the datums nothing wrote.
void unpack_tile(const uint8_t* page, DataFormat fmt, bool to_dest, Needed need, float* out, DatumMask& undefined) {
    const SrcFormat reg = dest_fp32() ? SrcFormat::Tf32 : SrcFormat::Bf16;
    unpack_tile_datums(page, fmt == DataFormat::Float32, to_dest, reg, out);
    if (need != Needed::All) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            out[i] = needed(need, i) ? out[i] : 0.0f;
        }
    }
    undefined = unwritten_datums(page, datum_bytes(fmt), need);
}

void read_operand(uint32_t cb, uint32_t tile, Reg reg, Needed need, const char* call, float* out,
                  DatumMask& undefined) {
    check_tile_pages(cb, call);
    check_format(cb, reg, call);
    if (unpacks_to_dest(cb)) {
        fault("compute_misuse", "%s: CB %u is in unpack_to_dest_fp32 mode, which only copy/tilize/untilize can "
              "read; an FPU operand from it is unpacked wrongly on hardware", call, cb);
    }
    unpack_tile(cb_front_page(cb, tile, call), cb_config(cb).format, false, need, out, undefined);
}

void read_for_copy(uint32_t cb, uint32_t tile, const char* call, float* out, DatumMask& undefined) {
    check_tile_pages(cb, call);
    check_format(cb, Reg::SrcA, call);
    unpack_tile(cb_front_page(cb, tile, call), cb_config(cb).format, unpacks_to_dest(cb), Needed::All, out,
                undefined);
}

// --- DST writes -------------------------------------------------------------------------------------

enum class Rounding : uint8_t { Nearest, Truncate };

float dst_value(float v, Rounding r, bool fp32_dest) {
    if (fp32_dest) {
        return v;
    }
    return r == Rounding::Nearest ? round_bf16_nearest_even(v) : truncate_to(v, kBf16Mask);
}

// A datacopy into DST of a whole tile: dst_value(v, Truncate) per datum, branch-free (a 16-bit DST keeps
// the top half of every datum).
void dst_store_tile(float* v, bool fp32_dest) {
    if (fp32_dest) {
        return;  // an fp32 DST keeps every bit
    }
    for (uint32_t i = 0; i < kDatums; ++i) {  // in integer words: no float casts for g++ to fold (float_of)
        uint32_t u;
        std::memcpy(&u, v + i, sizeof u);
        u &= kBf16Mask;
        std::memcpy(v + i, &u, sizeof u);
    }
}

float apply(BinOp op, float a, float b, uint32_t fidelity) {
    switch (op) {
        case BinOp::Add: return elw_add(a, b);
        case BinOp::Sub: return elw_add(a, -b);
        case BinOp::Mul: return fidelity_product(a, b, fidelity);
    }
    return 0.0f;
}

// The register format a CB's data occupies in SrcA/SrcB (see unpack_tile).
SrcFormat src_format_of(uint32_t cb) {
    return cb_config(cb).format == DataFormat::Float32 && dest_fp32() ? SrcFormat::Tf32 : SrcFormat::Bf16;
}

// SrcB's datums as the FPU decodes them beside SrcA's format (numerics.h srcb_decode_format).
void decode_srcb(uint32_t cb_a, uint32_t cb_b, float* b) {
    const SrcFormat f = srcb_decode_format(src_format_of(cb_a), src_format_of(cb_b));
    for (uint32_t i = 0; i < kDatums; ++i) {
        b[i] = src_value(b[i], f);
    }
}

// DST -> L1 through the packer's conversion (numerics.h pack_datum). An undefined datum is stored as
// fresh L1 and stays unwritten there (l1.cpp store_undefined), so a later read of it is undefined too.
void pack_into(const float* values, const DatumMask& undefined, DataFormat fmt, uint8_t* page) {
    const uint32_t bytes = datum_bytes(fmt);
    pack_tile_datums(values, dest_fp32(), fmt == DataFormat::Float32, page);
    if (undefined.any()) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            if (undefined.test(i)) {
                store_undefined(page + bytes * i, bytes);
            }
        }
    }
}

void check_pack_format(uint32_t ocb, const char* call) {
    if (cb_config(ocb).format != cs().pack) {
        fault("format_mismatch", "%s: CB %u holds %s but the packer is configured for %s "
              "(missing pack_reconfig_data_format)", call, ocb, format_name(cb_config(ocb).format),
              format_name(cs().pack));
    }
}

}  // namespace

// --- runner hooks ------------------------------------------------------------------------------------

namespace {

// Compute states of earlier runs, kept for the next: a new one per kernel per run, freed at the run's end,
// gave its ~70 KB back to the OS and page-faulted it in again every run of a serving runner.
std::mutex g_pool_mutex;
std::vector<std::unique_ptr<ComputeState>> g_pool;

}  // namespace

void start_compute(KernelThread& t) {
    std::unique_ptr<ComputeState> s;
    {
        std::lock_guard<std::mutex> lock(g_pool_mutex);
        if (!g_pool.empty()) {
            s = std::move(g_pool.back());
            g_pool.pop_back();
        }
    }
    if (s) {
        s->~ComputeState();
        new (s.get()) ComputeState;  // reset in place: no 70 KB temporary on the kernel's fiber stack
    } else {
        s = std::make_unique<ComputeState>();
    }
    t.compute_state = s.release();
}

void end_compute(KernelThread& t) {
    if (!t.compute_state) {
        return;  // a data-movement kernel
    }
    std::lock_guard<std::mutex> lock(g_pool_mutex);
    g_pool.emplace_back(t.compute_state);
    t.compute_state = nullptr;
}

void finish_compute(KernelThread& t) {
    if (t.compute_state->dst_state != DstState::Free) {
        fault("compute_misuse", "kernel returned holding DST (tile_regs_acquire without tile_regs_release)");
    }
}

// --- API -------------------------------------------------------------------------------------------------

void hw_startup(uint32_t icb0, uint32_t icb1, uint32_t ocb) {
    set_call("compute_kernel_hw_startup(%u, %u, %u)", icb0, icb1, ocb);
    EMU_EVENT(init("compute_kernel_hw_startup", events::kAll));
    ComputeState& s = cs();
    configure_unpacker(Reg::SrcA, icb0);
    configure_unpacker(Reg::SrcB, icb1);
    s.pack = cb_config(ocb).format;
    s.started = true;
}

void regs_acquire() {
    set_call("tile_regs_acquire()");
    EMU_EVENT(simple(events::Op::RegsAcquire));
    require_started("tile_regs_acquire");
    ComputeState& s = cs();
    if (s.dst_state != DstState::Free) {
        fault("compute_misuse", "tile_regs_acquire() while DST is still held (missing tile_regs_release)");
    }
    s.dst_zero_pending = (1u << dst_capacity()) - 1u;
    std::memset(s.reduce_touched, 0, sizeof s.reduce_touched);
    for (DatumMask& m : s.dst_undefined) {
        m = DatumMask{};
    }
    s.dst_state = DstState::Math;
}

void regs_commit() {
    set_call("tile_regs_commit()");
    EMU_EVENT(simple(events::Op::RegsCommit));
    if (cs().dst_state != DstState::Math) {
        fault("compute_misuse", "tile_regs_commit() without tile_regs_acquire()");
    }
    cs().dst_state = DstState::Committed;
}

void regs_wait() {
    set_call("tile_regs_wait()");
    EMU_EVENT(simple(events::Op::RegsWait));
    if (cs().dst_state != DstState::Committed) {
        fault("compute_misuse", "tile_regs_wait() without tile_regs_commit() (PACK would wait for MATH forever)");
    }
    cs().dst_state = DstState::Pack;
}

void regs_release() {
    set_call("tile_regs_release()");
    EMU_EVENT(simple(events::Op::RegsRelease));
    if (cs().dst_state != DstState::Pack) {
        fault("compute_misuse", "tile_regs_release() without tile_regs_wait()");
    }
    cs().dst_state = DstState::Free;
}

void reconfig_srca(uint32_t cb) {
    set_call("reconfig_data_format_srca(%u)", cb);
    EMU_EVENT(init("reconfig_data_format_srca", events::kUnpackMath));
    configure_unpacker(Reg::SrcA, cb);
}

void reconfig_srcb(uint32_t cb) {
    set_call("reconfig_data_format_srcb(%u)", cb);
    EMU_EVENT(init("reconfig_data_format_srcb", events::kUnpackMath));
    configure_unpacker(Reg::SrcB, cb);
}

void reconfig_pack(uint32_t cb) {
    set_call("pack_reconfig_data_format(%u)", cb);
    EMU_EVENT(init("pack_reconfig_data_format", events::kPack));
    cs().pack = cb_config(cb).format;
}

void copy_init(uint32_t cb) {
    set_call("copy_init(%u)", cb);
    EMU_EVENT(init("copy_init", events::kUnpackMath));
    begin_fpu_init(FpuMode::Copy, "copy_init");
}

void copy_tile(uint32_t cb, uint32_t itile, uint32_t idst) {
    set_call("copy_tile(cb=%u, tile=%u, dst=%u)", cb, itile, idst);
    EMU_EVENT(tile_call("copy_tile", cb, 1, 1, unpacks_to_dest(cb)));
    require_mode(FpuMode::Copy, "copy_tile", "copy_init");
    require_dst(idst, "copy_tile");
    float* d = dst_tile_overwritten(cs(), idst);
    read_for_copy(cb, itile, "copy_tile", d, cs().dst_undefined[idst]);
    dst_store_tile(d, dest_fp32());
}

void tilize_init(uint32_t icb, uint32_t block, uint32_t ocb) {
    set_call("tilize_init(%u, %u, %u)", icb, block, ocb);
    EMU_EVENT(init("tilize_init", events::kAll));
    begin_fpu_init(FpuMode::Tilize, "tilize_init");
    cs().tilize_active = true;
}

void tilize_block(uint32_t icb, uint32_t block, uint32_t ocb) {
    set_call("tilize_block(icb=%u, block=%u, ocb=%u)", icb, block, ocb);
    EMU_EVENT(tile_call("tilize_block", icb, block));
    require_started("tilize_block");
    if (cs().fpu != FpuMode::Tilize) {
        fault("compute_misuse", "tilize_block without tilize_init");
    }
    if (cs().dst_state != DstState::Free) {
        fault("compute_misuse", "tilize_block inside tile_regs_acquire/release: it manages DST itself");
    }
    check_format(icb, Reg::SrcA, "tilize_block");
    check_pack_format(ocb, "tilize_block");
    check_tile_pages(ocb, "tilize_block");
    const CBConfig& in = cb_config(icb);
    const uint32_t bytes = datum_bytes(in.format);
    const uint32_t row_datums = block * 32;
    // The block's 32 rows sit contiguously from the front page on; fetch each page to bounds-check it.
    const uint8_t* rows = cb_front_page(icb, 0, "tilize_block");
    cb_front_page(icb, block - 1, "tilize_block");
    if (uint64_t(32) * row_datums * bytes > uint64_t(block) * in.page_size) {
        fault("compute_misuse", "tilize_block: %u pages of CB %u (%u bytes each) cannot hold 32 rows of %u datums",
              block, icb, in.page_size, row_datums);
    }
    const bool exact = unpacks_to_dest(icb);
    const bool rows_written = all_written(rows, 32 * row_datums * bytes);
    const uint8_t* written = rows_written ? nullptr : written_bytes(rows, 32 * row_datums * bytes);
    for (uint32_t t = 0; t < block; ++t) {
        // Row r's 32 datums of tile t are two face rows of 16 (row-major inside a face).
        uint8_t staged[kDatums * 4];
        for (uint32_t r = 0; r < 32; ++r) {
            for (uint32_t half = 0; half < 2; ++half) {
                std::memcpy(staged + datum_index(r, 16 * half) * bytes,
                            rows + (r * row_datums + t * 32 + 16 * half) * bytes, 16 * bytes);
            }
        }
        DatumMask undefined;
        if (!rows_written) {
            for (uint32_t r = 0; r < 32; ++r) {
                for (uint32_t c = 0; c < 32; ++c) {
                    const uint32_t at = (r * row_datums + t * 32 + c) * bytes;
                    bool all = true;
                    for (uint32_t b = 0; b < bytes; ++b) {
                        all &= written[at + b] != 0;
                    }
                    undefined.set(datum_index(r, c), !all);
                }
            }
        }
        float v[kDatums];
        const SrcFormat reg = dest_fp32() ? SrcFormat::Tf32 : SrcFormat::Bf16;
        unpack_tile_datums(staged, in.format == DataFormat::Float32, exact, reg, v);
        dst_store_tile(v, dest_fp32());
        pack_into(v, undefined, cb_config(ocb).format, cb_back_page(ocb, cb_take_pack_slot(ocb), "tilize_block"));
    }
}

void tilize_uninit(uint32_t icb, uint32_t ocb) {
    set_call("tilize_uninit(%u, %u)", icb, ocb);
    EMU_EVENT(init("tilize_uninit", events::kAll));
    cs().tilize_active = false;
    cs().fpu = FpuMode::None;
}

void pack_untilize_init(uint32_t icb, uint32_t ocb, uint32_t block_ct_dim, uint32_t full_ct_dim) {
    set_call("pack_untilize_init<%u, %u>(%u, %u)", block_ct_dim, full_ct_dim, icb, ocb);
    EMU_EVENT(init("pack_untilize_init", events::kAll));
    begin_fpu_init(FpuMode::Untilize, "pack_untilize_init");
    if (block_ct_dim > dst_capacity() || full_ct_dim % block_ct_dim != 0) {
        fault("compute_misuse", "pack_untilize_init<block_ct_dim=%u, full_ct_dim=%u>: block_ct_dim must be <= %u "
              "(DST capacity) and divide full_ct_dim", block_ct_dim, full_ct_dim, dst_capacity());
    }
    ComputeState& s = cs();
    s.untilize_active = true;
    s.untilize_block_ct = block_ct_dim;
    s.untilize_full_ct = full_ct_dim;
}

namespace {

// Tiles from the front of icb -> row-major rows in ocb's reserved region: tile-row rt, tile t of a
// block of block_ct_dim tiles lands at rows rt*32.., columns (block_c_index*block_ct_dim + t)*32.. of
// a row full_ct_dim tiles wide.
void write_untilized(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index,
                     uint32_t block_ct_dim, uint32_t full_ct_dim, const char* call) {
    ComputeState& s = cs();
    if (s.dst_state != DstState::Free) {
        fault("compute_misuse", "%s inside tile_regs_acquire/release: it manages DST itself", call);
    }
    check_tile_pages(icb, call);
    check_format(icb, Reg::SrcA, call);
    check_pack_format(ocb, call);
    const CBConfig& out = cb_config(ocb);
    const uint32_t bytes = datum_bytes(out.format);
    const uint32_t row_datums = full_ct_dim * 32;
    const uint64_t needed = uint64_t(block_rt_dim) * 32 * row_datums * bytes;
    const uint32_t pages = static_cast<uint32_t>((needed + out.page_size - 1) / out.page_size);
    uint8_t* base = cb_back_page(ocb, 0, call);
    for (uint32_t p = 1; p < pages; ++p) {
        cb_back_page(ocb, p, call);
    }
    const bool exact = unpacks_to_dest(icb);
    const bool fp32 = dest_fp32();
    for (uint32_t rt = 0; rt < block_rt_dim; ++rt) {
        for (uint32_t t = 0; t < block_ct_dim; ++t) {
            const uint32_t tile = rt * block_ct_dim + t;
            float v[kDatums];
            DatumMask undefined;
            unpack_tile(cb_front_page(icb, tile, call), cb_config(icb).format, exact, Needed::All, v, undefined);
            dst_store_tile(v, fp32);
            // The packed tile's face rows (16 datums each) land as row segments of the row-major block.
            uint8_t packed[kDatums * 4];
            pack_tile_datums(v, fp32, out.format == DataFormat::Float32, packed);
            const uint32_t col0 = (block_c_index * block_ct_dim + t) * 32;
            for (uint32_t r = 0; r < 32; ++r) {
                for (uint32_t half = 0; half < 2; ++half) {
                    const uint32_t i = datum_index(r, 16 * half);
                    uint8_t* at = base + (uint64_t(rt * 32 + r) * row_datums + col0 + 16 * half) * bytes;
                    std::memcpy(at, packed + i * bytes, 16 * bytes);
                }
            }
            if (undefined.any()) {
                for (uint32_t i = 0; i < kDatums; ++i) {
                    if (undefined.test(i)) {
                        store_undefined(base + (uint64_t(rt * 32 + row_of(i)) * row_datums + col0 + col_of(i)) * bytes,
                                        bytes);
                    }
                }
            }
        }
    }
}

}  // namespace

void pack_untilize_block(uint32_t icb, uint32_t block_rt_dim, uint32_t ocb, uint32_t block_c_index,
                         uint32_t block_ct_dim, uint32_t full_ct_dim) {
    set_call("pack_untilize_block<%u, %u>(icb=%u, rt=%u, ocb=%u, c=%u)", block_ct_dim, full_ct_dim, icb,
             block_rt_dim, ocb, block_c_index);
    EMU_EVENT(tile_call("pack_untilize_block", icb, block_rt_dim * block_ct_dim, block_ct_dim));
    require_started("pack_untilize_block");
    ComputeState& s = cs();
    if (!s.untilize_active || s.untilize_block_ct != block_ct_dim || s.untilize_full_ct != full_ct_dim) {
        fault("compute_misuse", "pack_untilize_block<%u, %u> without a matching pack_untilize_init", block_ct_dim,
              full_ct_dim);
    }
    write_untilized(icb, block_rt_dim, ocb, block_c_index, block_ct_dim, full_ct_dim, "pack_untilize_block");
}

// The deprecated unpack-based untilize: the unpacker untilizes, so no DST-capacity limit on the width.
void untilize_init(uint32_t icb) {
    set_call("untilize_init(%u)", icb);
    EMU_EVENT(init("untilize_init", events::kAll));
    begin_fpu_init(FpuMode::Copy, "untilize_init");
}

void untilize_block(uint32_t icb, uint32_t full_ct_dim, uint32_t ocb) {
    set_call("untilize_block(icb=%u, full_ct_dim=%u, ocb=%u)", icb, full_ct_dim, ocb);
    EMU_EVENT(tile_call("untilize_block", icb, full_ct_dim));
    require_started("untilize_block");
    if (cs().fpu != FpuMode::Copy) {
        fault("compute_misuse", "untilize_block without untilize_init");
    }
    write_untilized(icb, 1, ocb, 0, full_ct_dim, full_ct_dim, "untilize_block");
}

void untilize_uninit(uint32_t icb) {
    set_call("untilize_uninit(%u)", icb);
    EMU_EVENT(init("untilize_uninit", events::kAll));
    cs().fpu = FpuMode::None;
}

void pack_untilize_uninit(uint32_t ocb) {
    set_call("pack_untilize_uninit(%u)", ocb);
    EMU_EVENT(init("pack_untilize_uninit", events::kAll));
    cs().untilize_active = false;
    cs().fpu = FpuMode::None;
}

void reduce_init(Pool pool, Dim dim, uint32_t icb, uint32_t icb_scaler, uint32_t ocb) {
    set_call("reduce_init(%u, %u, %u)", icb, icb_scaler, ocb);
    EMU_EVENT(init("reduce_init", events::kAll));
    begin_fpu_init(FpuMode::Reduce, "reduce_init");
    ComputeState& s = cs();
    s.pool = pool;
    s.dim = dim;
    s.reduce_mask = true;
}

namespace {

// REDUCE_ROW SUM/AVG as the LLK issues it (llk_math_reduce.h reduce_configure_mop, 4-face replay of 8
// MVMULs inside a loop over fidelity phases; ADDR_MOD_2 moves SrcA to the scaler's face 1 for data
// faces 1 and 3). The unpacker transposes the scaler (haloize, llk_unpack_AB_reduce.h), so SrcA[k][j] is
// scaler face h's [j][k]: Dst column j of data row r gathers sum_k x[r][16h+k] * scaler[j][16h+k].
// Column 0 is the reduction; columns 1..15 hold what the scaler's other rows make of the data, as on
// hardware, until the packer's reduce mask drops them.
void reduce_row_sum(const float* scaler, const float* x, float* d, uint32_t phases, bool fp32) {
    float a[16], b[16];
    for (uint32_t phase = 0; phase < phases; ++phase) {
        for (uint32_t h = 0; h < 2; ++h) {
            for (uint32_t r = 0; r < 32; ++r) {
                for (uint32_t k = 0; k < 16; ++k) {
                    b[k] = x[datum_index(r, 16 * h + k)];
                }
                for (uint32_t j = 0; j < 16; ++j) {
                    for (uint32_t k = 0; k < 16; ++k) {
                        a[k] = scaler[datum_index(j, 16 * h + k)];
                    }
                    float& slot = d[datum_index(r, j)];
                    slot = fpu_dot_accumulate(a, b, 16, slot, phase, fp32);
                }
            }
        }
    }
}

// REDUCE_COL SUM/AVG: one GAPOOL per data face, its fidelity phases back to back (llk_math_reduce.h
// _llk_math_reduce_ REDUCE_COL loop and the high-fidelity GAPOOL MOP). SrcB row 0 is the scaler, SrcA the
// face, so Dst[0][c] += sum_k scaler[0][16fr+k] * x[16fr+k][c].
void reduce_col_sum(const float* scaler, const float* x, float* d, uint32_t phases, bool fp32) {
    float a[16], b[16];
    for (uint32_t fr = 0; fr < 2; ++fr) {
        for (uint32_t k = 0; k < 16; ++k) {
            b[k] = scaler[datum_index(0, 16 * fr + k)];
        }
        for (uint32_t fc = 0; fc < 2; ++fc) {
            for (uint32_t phase = 0; phase < phases; ++phase) {
                for (uint32_t j = 0; j < 16; ++j) {
                    const uint32_t c = 16 * fc + j;
                    for (uint32_t k = 0; k < 16; ++k) {
                        a[k] = x[datum_index(16 * fr + k, c)];
                    }
                    float& slot = d[datum_index(0, c)];
                    slot = fpu_dot_accumulate(b, a, 16, slot, phase, fp32);
                }
            }
        }
    }
}

// Which of reduce_tile's results are undefined (README "Undefined datums"): a result is when a data datum
// of its row (REDUCE_ROW), column (REDUCE_COL) or tile (REDUCE_SCALAR) is, or a scaler datum it uses is,
// or when it accumulates onto an undefined DST datum. Results use scaler row 0, except the modelled
// REDUCE_ROW sum, whose DST column j (< 16) uses scaler row j (reduce_row_sum).
void reduce_undefined(Dim dim, bool all_scaler_rows, bool accumulates, const DatumMask& x,
                      const DatumMask& scaler, DatumMask& d) {
    if (!x.any() && !scaler.any() && (accumulates || !d.any())) {
        return;
    }
    auto land = [&](uint32_t slot, bool from_inputs) { d.set(slot, from_inputs || (accumulates && d.test(slot))); };
    const bool scaler_row0 = scaler.row_any(0);
    if (dim == Dim::Row) {
        for (uint32_t r = 0; r < 32; ++r) {
            const bool row = x.row_any(r);
            for (uint32_t j = 0; j < (all_scaler_rows ? 16u : 1u); ++j) {
                land(datum_index(r, j), row || scaler.row_any(j));
            }
        }
    } else if (dim == Dim::Col) {
        for (uint32_t c = 0; c < 32; ++c) {
            land(datum_index(0, c), x.col_any(c) || scaler_row0);
        }
    } else {
        land(0, x.any() || scaler_row0);
    }
}

}  // namespace

// REDUCE_ROW is a matrix-vector product with the operands swapped: the scaler tile is srcA, the data
// srcB. Row r's result lands in column 0 (COL: row 0, SCALAR: [0][0]); SUM/AVG accumulate onto DST,
// MAX/MIN combine with what earlier reduce_tile calls of this acquire left there. The unpacker reads
// the whole scaler tile (all four faces: llk_unpack_AB_reduce.h x_end = 4 faces), so all of it must be written.
void reduce_tile(Pool pool, Dim dim, uint32_t icb, uint32_t icb_scaler, uint32_t itile, uint32_t itile_scaler,
                 uint32_t idst) {
    set_call("reduce_tile(icb=%u, scaler=%u, tile=%u, scaler_tile=%u, dst=%u)", icb, icb_scaler, itile,
             itile_scaler, idst);
    EMU_EVENT(reduce(pool, dim, icb));
    require_mode(FpuMode::Reduce, "reduce_tile", "reduce_init");
    require_dst(idst, "reduce_tile");
    ComputeState& s = cs();
    if (s.pool != pool || s.dim != dim) {
        fault("compute_misuse", "reduce_tile with another PoolType/ReduceDim than reduce_init configured");
    }
    float x[kDatums], scaler[kDatums];
    DatumMask x_undefined, scaler_undefined;
    read_operand(icb_scaler, itile_scaler, Reg::SrcA, Needed::All, "reduce_tile (scaler)", scaler, scaler_undefined);
    read_operand(icb, itile, Reg::SrcB, Needed::All, "reduce_tile", x, x_undefined);
    float* d = dst_tile(s, idst);
    const bool is_max = pool == Pool::Max || pool == Pool::Min;
    const bool fp32 = dest_fp32();
    const uint32_t fidelity = compute_config().math_fidelity;
    const bool modelled = !is_max && dim != Dim::Scalar && numerics() != Numerics::Exact;
    reduce_undefined(dim, modelled && dim == Dim::Row, !is_max || s.reduce_touched[idst], x_undefined,
                     scaler_undefined, s.dst_undefined[idst]);
    if (modelled) {
        if (dim == Dim::Row) {
            decode_srcb(icb_scaler, icb, x);
            reduce_row_sum(scaler, x, d, fidelity_phases(fidelity), fp32);
        } else {
            decode_srcb(icb, icb_scaler, scaler);
            reduce_col_sum(scaler, x, d, fidelity_phases(fidelity), fp32);
        }
        s.reduce_touched[idst] = true;
        return;
    }
    auto combine = [&](uint32_t slot, float value) {
        if (!is_max) {
            d[slot] = dst_value(d[slot] + value, Rounding::Nearest, fp32);
        } else if (!s.reduce_touched[idst]) {
            d[slot] = dst_value(value, Rounding::Nearest, fp32);
        } else {
            d[slot] = dst_value(pool == Pool::Max ? std::fmax(d[slot], value) : std::fmin(d[slot], value),
                                Rounding::Nearest, fp32);
        }
    };
    auto fold = [&](float acc, float v) {
        return !is_max ? acc + v : (pool == Pool::Max ? std::fmax(acc, v) : std::fmin(acc, v));
    };
    if (dim == Dim::Row || dim == Dim::Scalar) {
        float total = 0.0f;
        for (uint32_t r = 0; r < 32; ++r) {
            float acc = is_max ? -INFINITY : 0.0f;
            for (uint32_t c = 0; c < 32; ++c) {
                acc = fold(acc, fidelity_product(scaler[datum_index(0, c)], x[datum_index(r, c)], fidelity));
            }
            if (dim == Dim::Row) {
                combine(datum_index(r, 0), acc);
            } else {
                total = r == 0 ? acc : fold(total, acc);
            }
        }
        if (dim == Dim::Scalar) {
            combine(0, total);
        }
    } else {
        for (uint32_t c = 0; c < 32; ++c) {
            float acc = is_max ? -INFINITY : 0.0f;
            for (uint32_t r = 0; r < 32; ++r) {
                acc = fold(acc, fidelity_product(scaler[datum_index(0, r)], x[datum_index(r, c)], fidelity));
            }
            combine(datum_index(0, c), acc);
        }
    }
    s.reduce_touched[idst] = true;
}

void reduce_uninit() {
    set_call("reduce_uninit()");
    EMU_EVENT(init("reduce_uninit", events::kAll));
    cs().reduce_mask = false;
}

void binary_init(BinOp op, Bcast bcast, uint32_t icb0, uint32_t icb1) {
    set_call("binary/bcast init(%u, %u)", icb0, icb1);
    EMU_EVENT(init("binary_init", events::kAll));
    begin_fpu_init(FpuMode::Binary, "binary op init");
    cs().bin = op;
    cs().bcast = bcast;
}

void binary_tiles(BinOp op, Bcast bcast, uint32_t icb0, uint32_t icb1, uint32_t itile0, uint32_t itile1,
                  uint32_t idst) {
    set_call("binary/bcast op(icb0=%u, icb1=%u, tile0=%u, tile1=%u, dst=%u)", icb0, icb1, itile0, itile1, idst);
    EMU_EVENT(binary(op, bcast, icb0));
    static const char* names[3][4] = {{"add_tiles", "add_tiles_bcast_cols", "add_tiles_bcast_rows",
                                       "add_tiles_bcast_scalar"},
                                      {"sub_tiles", "sub_tiles_bcast_cols", "sub_tiles_bcast_rows",
                                       "sub_tiles_bcast_scalar"},
                                      {"mul_tiles", "mul_tiles_bcast_cols", "mul_tiles_bcast_rows",
                                       "mul_tiles_bcast_scalar"}};
    const char* name = names[static_cast<int>(op)][static_cast<int>(bcast)];
    require_math(name);
    ComputeState& s = cs();
    if (s.fpu != FpuMode::Binary || s.bin != op || s.bcast != bcast) {
        fault("compute_misuse", "%s without its init (the last init configured another operation)", name);
    }
    require_dst(idst, name);
    const Needed need_b = bcast == Bcast::Col ? Needed::Col0 : bcast == Bcast::Row ? Needed::Row0
                          : bcast == Bcast::Scalar ? Needed::First : Needed::All;
    float a[kDatums], b[kDatums];
    DatumMask b_undefined;
    DatumMask& undefined = s.dst_undefined[idst];
    read_operand(icb0, itile0, Reg::SrcA, Needed::All, name, a, undefined);
    read_operand(icb1, itile1, Reg::SrcB, need_b, name, b, b_undefined);
    decode_srcb(icb0, icb1, b);
    const bool fp32 = dest_fp32();
    const uint32_t fidelity = compute_config().math_fidelity;
    // Each result datum depends on its SrcA datum and the SrcB datum the broadcast picks for it.
    auto b_index = [bcast](uint32_t i) {
        return bcast == Bcast::Col ? datum_index(row_of(i), 0) : bcast == Bcast::Row ? datum_index(0, col_of(i))
               : bcast == Bcast::Scalar ? 0 : i;
    };
    float* d = dst_tile_overwritten(s, idst);
    for (uint32_t i = 0; i < kDatums; ++i) {
        d[i] = dst_value(apply(op, a[i], b[b_index(i)], fidelity), Rounding::Nearest, fp32);
    }
    if (b_undefined.any()) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            undefined.set(i, undefined.test(i) || b_undefined.test(b_index(i)));
        }
    }
}

// unary_bcast (tt-metal api/compute/bcast.h, 0.81.1 wheel): llk_unpack_A with the broadcast, then
// llk_math_eltwise_unary_datacopy into DST; B2D (through SrcB) unless the CB unpacks to DST in fp32, then
// A2D. COL copies column 0 across each row, ROW row 0 down each column, SCALAR datum [0][0] everywhere;
// only those datums are read. The LLK pair is copy_tile's, so the cost model sees copy_init / copy_tile.
void unary_bcast_init(Bcast bcast, uint32_t icb) {
    set_call("unary_bcast_init(%u)", icb);
    EMU_EVENT(init("copy_init", events::kUnpackMath));
    begin_fpu_init(FpuMode::UnaryBcast, "unary_bcast_init");
    cs().bcast = bcast;
}

void unary_bcast(Bcast bcast, uint32_t icb, uint32_t itile, uint32_t idst) {
    set_call("unary_bcast(cb=%u, tile=%u, dst=%u)", icb, itile, idst);
    EMU_EVENT(tile_call("copy_tile", icb, 1, 1, unpacks_to_dest(icb)));
    require_math("unary_bcast");
    ComputeState& s = cs();
    if (s.fpu != FpuMode::UnaryBcast || s.bcast != bcast) {
        fault("compute_misuse", "unary_bcast without unary_bcast_init for the same broadcast");
    }
    require_dst(idst, "unary_bcast");
    check_tile_pages(icb, "unary_bcast");
    check_format(icb, Reg::SrcA, "unary_bcast");
    const Needed need = bcast == Bcast::Col ? Needed::Col0 : bcast == Bcast::Row ? Needed::Row0
                        : bcast == Bcast::Scalar ? Needed::First : Needed::All;
    float v[kDatums];
    DatumMask src_undefined;
    unpack_tile(cb_front_page(icb, itile, "unary_bcast"), cb_config(icb).format, unpacks_to_dest(icb), need, v,
                src_undefined);
    auto from = [bcast](uint32_t i) {
        return bcast == Bcast::Col ? datum_index(row_of(i), 0) : bcast == Bcast::Row ? datum_index(0, col_of(i))
               : bcast == Bcast::Scalar ? 0 : i;
    };
    const bool fp32 = dest_fp32();
    DatumMask& undefined = s.dst_undefined[idst];
    float* d = dst_tile_overwritten(s, idst);
    for (uint32_t i = 0; i < kDatums; ++i) {
        d[i] = dst_value(v[from(i)], Rounding::Truncate, fp32);
        undefined.set(i, src_undefined.test(from(i)));
    }
}

void matmul_init(uint32_t in0_cb, uint32_t in1_cb) {
    set_call("matmul_init(%u, %u)", in0_cb, in1_cb);
    EMU_EVENT(init("matmul_init", events::kAll));
    begin_fpu_init(FpuMode::Matmul, "matmul_init");
}

// DST[idst] += in0 tile x in1 tile. in1 is unpacked to srcA and in0 to srcB (matmul_init configures the
// unpackers with (in1, in0): api/compute/matmul.h of the ttnn 0.81.1 wheel), and the FPU's MVMUL computes
// D += B * A one 16-wide K slice at a time (tt-llk llk_math_matmul.h, "MVMUL does D = B*A": each face of A
// pairs its columns with a face's rows of B); the matmul MOP replays the tile's MVMUL sequence once per
// fidelity phase (llk_math_matmul.h: "the inner loop count is the number of fidelity phases"). Each MVMUL
// lane sum lands in DST through numerics.h fpu_dot_accumulate, as reduce's GAPOOL/GMPOOL sums do.
void matmul_tiles(uint32_t in0_cb, uint32_t in1_cb, uint32_t in0_tile, uint32_t in1_tile, uint32_t idst) {
    set_call("matmul_tiles(in0=%u, in1=%u, tile0=%u, tile1=%u, dst=%u)", in0_cb, in1_cb, in0_tile, in1_tile, idst);
    EMU_EVENT(tile_call("matmul_tiles", in0_cb, 1));
    require_mode(FpuMode::Matmul, "matmul_tiles", "matmul_init");
    require_dst(idst, "matmul_tiles");
    float in1[kDatums], in0[kDatums];
    DatumMask in1_undefined, in0_undefined;
    read_operand(in1_cb, in1_tile, Reg::SrcA, Needed::All, "matmul_tiles (in1)", in1, in1_undefined);
    read_operand(in0_cb, in0_tile, Reg::SrcB, Needed::All, "matmul_tiles (in0)", in0, in0_undefined);
    decode_srcb(in1_cb, in0_cb, in0);
    // DST (r, c) accumulates row r of in0 times column c of in1.
    if (in0_undefined.any() || in1_undefined.any()) {
        DatumMask& undefined = cs().dst_undefined[idst];
        for (uint32_t r = 0; r < 32; ++r) {
            const bool row = in0_undefined.row_any(r);
            for (uint32_t c = 0; c < 32; ++c) {
                const uint32_t i = datum_index(r, c);
                undefined.set(i, undefined.test(i) || row || in1_undefined.col_any(c));
            }
        }
    }
    const bool fp32 = dest_fp32();
    const uint32_t phases = fidelity_phases(compute_config().math_fidelity);
    float* d = dst_tile(cs(), idst);
    float a[16], b[16];
    for (uint32_t phase = 0; phase < phases; ++phase) {
        for (uint32_t h = 0; h < 2; ++h) {
            for (uint32_t r = 0; r < 32; ++r) {
                for (uint32_t k = 0; k < 16; ++k) {
                    b[k] = in0[datum_index(r, 16 * h + k)];
                }
                for (uint32_t c = 0; c < 32; ++c) {
                    for (uint32_t k = 0; k < 16; ++k) {
                        a[k] = in1[datum_index(16 * h + k, c)];
                    }
                    float& slot = d[datum_index(r, c)];
                    slot = fpu_dot_accumulate(a, b, 16, slot, phase, fp32);
                }
            }
        }
    }
}

void transpose_init(uint32_t cb) {
    set_call("transpose_init(%u)", cb);
    begin_fpu_init(FpuMode::Transpose, "transpose_init");
}

// DST[idst] = the tile transposed (B[w,h] = A[h,w]). Per the wheel's api/compute/transpose.h (ttnn
// 0.81.1): a CB whose DST format is 32-bit (fp32 CB with fp32 accumulation) is unpacked to DST exactly and
// transposed there (llk_math_transpose_dest); otherwise the unpacker transposes faces and within faces
// while loading srcA and a datacopy moves it to DST, as copy_tile does.
void transpose_tile(uint32_t cb, uint32_t itile, uint32_t idst) {
    set_call("transpose_tile(cb=%u, tile=%u, dst=%u)", cb, itile, idst);
    require_mode(FpuMode::Transpose, "transpose_tile", "transpose_init");
    require_dst(idst, "transpose_tile");
    check_format(cb, Reg::SrcA, "transpose_tile");
    const DataFormat fmt = cb_config(cb).format;
    const bool fp32 = dest_fp32();
    float v[kDatums];
    DatumMask undefined;
    unpack_tile(cb_front_page(cb, itile, "transpose_tile"), fmt, fmt == DataFormat::Float32 && fp32, Needed::All, v,
                undefined);
    float* d = dst_tile(cs(), idst);
    DatumMask& d_undefined = cs().dst_undefined[idst];
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            d[datum_index(r, c)] = dst_value(v[datum_index(c, r)], Rounding::Truncate, fp32);
            d_undefined.set(datum_index(r, c), undefined.test(datum_index(c, r)));
        }
    }
}

// One SFPU configuration at a time: an init programs LReg constants, address modifiers and replay
// buffers that the next init or another operation's sequence overwrites (ckernel_sfpu_binary_bcast.h:
// "a subsequent BCAST_COL operation must call sfpu_bcast_col_init() again"; sqrt_init programs
// vConstIntPrgm0 / vConstFloatPrgm1..2 that other inits reuse). So each init replaces the last, and an
// operation needs the init of its own kind to be the latest one.
void sfpu_init(Sfpu op) {
    set_call("sfpu init");
    EMU_EVENT(init("sfpu_init", events::kMath));
    require_started("SFPU init");
    cs().sfpu_configured = op;
    cs().sfpu_has_init = true;
}

namespace {

const char* sfpu_name(Sfpu op) {
    static const char* names[] = {"square", "rsqrt", "rsqrt", "recip", "exp", "sqrt", "binop_with_scalar",
                                  "binop_with_scalar", "binop_with_scalar", "binop_with_scalar",
                                  "binop_with_scalar", "binary", "binary", "binary", "sfpu_bcast_col"};
    return names[static_cast<int>(op)];
}

void require_sfpu(Sfpu op, const char* call, const char* init) {
    require_math(call);
    const ComputeState& s = cs();
    if (!s.sfpu_has_init) {
        fault("compute_misuse", "%s without %s", call, init);
    }
    if (s.sfpu_configured != op) {
        fault("compute_misuse", "%s without %s: the SFPU is configured for %s by a later init, which overwrote "
              "this operation's constants (call %s again before it, inside the loop)", call, init,
              sfpu_name(s.sfpu_configured), init);
    }
}

// `exact` keeps correctly rounded results (debugging); APPROX keeps the top 10 explicit mantissa bits.
// Exp is not modelled after its LLK sequence under any variant (fidelity table).
float approx_if_needed(float v, bool approx) { return approx ? truncate_to(v, 0xFFFFC000u) : v; }

// LLK float32_to_bf16_rne_prgm (ckernel_sfpu_square.h, ckernel_sfpu_binop_with_unary.h RSUB): round to
// nearest even before the truncating store into a 16-bit DST.
float bf16_rne_before_store(float v, bool fp32) { return fp32 ? v : round_bf16_nearest_even(v); }

// sfpi::convert<vFloat16b>(x, RoundMode::Nearest) before the store (ckernel_sfpu_sqrt.h), for a 16-bit DST.
float bf16_stoch_rnd_nearest(float v, bool fp32) { return fp32 ? v : sfpu_round_bf16(v); }

float negated(float v) { return float_of(bits_of(v) ^ 0x80000000u); }

// to[i] = negated(from[i]) for a whole tile, in integer words (no float casts, so it vectorises).
void negate_tile(const float* from, float* to) {
    for (uint32_t i = 0; i < kDatums; ++i) {
        uint32_t u;
        std::memcpy(&u, from + i, sizeof u);
        u ^= 0x80000000u;
        std::memcpy(to + i, &u, sizeof u);
    }
}

// One SFPU unary operation on a DST datum as the 0.81.1 LLK computes it (ttsim-exact SFPMAD arithmetic),
// for the operations that are more than one SFPMAD; square and the scalar binops are sfpu_unary_one_mad's.
float sfpu_unary_modelled(Sfpu op, float v, bool approx, bool fp32) {
    switch (op) {
        case Sfpu::Rsqrt: return bf16_stoch_rnd_nearest(sfpu_sqrt_body(v, approx, true, false), fp32);
        case Sfpu::RsqrtFast: return bf16_stoch_rnd_nearest(sfpu_sqrt_body(v, approx, true, true), fp32);
        case Sfpu::Sqrt: return bf16_stoch_rnd_nearest(sfpu_sqrt_body(v, approx, false, false), fp32);
        case Sfpu::Recip: return sfpu_recip(v, approx, fp32);
        case Sfpu::Exp: return approx_if_needed(static_cast<float>(std::exp(double(v))), approx);
        default: return v;
    }
}

// The `exact` variant: correctly rounded math, FPU-style rounding into a 16-bit DST for square / rsqrt /
// sqrt / rsub as the LLK rounds them.
float sfpu_unary_exact(Sfpu op, float v, float s, bool approx, bool fp32) {
    float r = v;
    switch (op) {
        case Sfpu::Square: return bf16_rne_before_store(v * v, fp32);
        case Sfpu::Rsqrt: r = v < 0 ? NAN : static_cast<float>(1.0 / std::sqrt(double(v))); break;
        case Sfpu::RsqrtFast: r = static_cast<float>(1.0 / std::sqrt(double(v))); break;
        case Sfpu::Sqrt: r = static_cast<float>(std::sqrt(double(v))); break;
        case Sfpu::Recip: return approx_if_needed(static_cast<float>(1.0 / double(v)), approx);
        case Sfpu::Exp: return approx_if_needed(static_cast<float>(std::exp(double(v))), approx);
        case Sfpu::AddScalar: return v + s;
        case Sfpu::SubScalar: return v - s;
        case Sfpu::MulScalar:
        case Sfpu::DivScalar: return v * s;
        case Sfpu::RsubScalar: return bf16_rne_before_store(s - v, fp32);
        default: return v;
    }
    return bf16_rne_before_store(approx_if_needed(r, approx), fp32);
}

// The operations that are one SFPMAD per datum (square and the scalar binops), over a whole tile through
// sfpu_add_n / sfpu_mul_n (property-tested against the per-datum sfpu_add / sfpu_mul); false for the others.
bool sfpu_unary_one_mad(Sfpu op, float* d, float s, bool fp32) {
    float k[kDatums];
    switch (op) {
        case Sfpu::Square:
            sfpu_mul_n(d, d, d, kDatums);
            break;
        case Sfpu::AddScalar:
        case Sfpu::SubScalar:
            std::fill(k, k + kDatums, op == Sfpu::AddScalar ? s : negated(s));
            sfpu_add_n(d, k, d, kDatums);
            break;
        case Sfpu::MulScalar:
        case Sfpu::DivScalar:
            std::fill(k, k + kDatums, s);
            sfpu_mul_n(d, k, d, kDatums);
            break;
        case Sfpu::RsubScalar: {
            float scalar[kDatums];
            std::fill(scalar, scalar + kDatums, s);
            negate_tile(d, k);
            sfpu_add_n(scalar, k, d, kDatums);
            break;
        }
        default:
            return false;
    }
    if (!fp32 && (op == Sfpu::Square || op == Sfpu::RsubScalar)) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            d[i] = bf16_rne_before_store(d[i], fp32);
        }
    }
    return true;
}

// SFPU binary arithmetic on whole tiles: SFPMAD (sfpu_add_n / sfpu_mul_n; sub adds the negated operand,
// which `scratch` receives), or IEEE fp32 under `exact`.
void sfpu_binary_tile(BinOp bin, const float* a, const float* b, float* out, bool exact, float* scratch) {
    if (exact) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            out[i] = bin == BinOp::Mul ? a[i] * b[i] : bin == BinOp::Sub ? a[i] - b[i] : a[i] + b[i];
        }
        return;
    }
    if (bin == BinOp::Mul) {
        sfpu_mul_n(a, b, out, kDatums);
    } else if (bin == BinOp::Sub) {
        negate_tile(b, scratch);
        sfpu_add_n(a, scratch, out, kDatums);
    } else {
        sfpu_add_n(a, b, out, kDatums);
    }
}

}  // namespace

// div_unary_tile multiplies by its parameter: "inversion is carried out on host side and passed down"
// (0.81.1 ckernel_sfpu_binop_with_unary.h, DIV). Every result reaches DST through SFPSTORE (sfpu_store).
void sfpu_unary(Sfpu op, uint32_t idst, uint32_t param) {
    static const char* calls[] = {"square_tile", "rsqrt_tile", "rsqrt_tile", "recip_tile", "exp_tile",
                                  "sqrt_tile", "add_unary_tile", "sub_unary_tile", "mul_unary_tile",
                                  "div_unary_tile", "rsub_unary_tile"};
    static const char* inits[] = {"square_tile_init", "rsqrt_tile_init", "rsqrt_tile_init", "recip_tile_init",
                                  "exp_tile_init", "sqrt_tile_init", "binop_with_scalar_tile_init",
                                  "binop_with_scalar_tile_init", "binop_with_scalar_tile_init",
                                  "binop_with_scalar_tile_init", "binop_with_scalar_tile_init"};
    const int k = static_cast<int>(op);
    set_call("%s(%u)", calls[k], idst);
    const Sfpu init_key = (op >= Sfpu::AddScalar && op <= Sfpu::RsubScalar) ? Sfpu::AddScalar
                          : op == Sfpu::RsqrtFast ? Sfpu::Rsqrt : op;
    require_sfpu(init_key, calls[k], inits[k]);
    require_dst(idst, calls[k]);
    const float s = float_of(param);
    const bool fp32 = dest_fp32();
    // recip_tile's ReciprocalApproxMode override arrives as `param` (1 Precise, 2 Approximate).
    const bool approx = op == Sfpu::Recip && param != 0 ? param == 2 : compute_config().math_approx_mode;
    EMU_EVENT(sfpu_unary(op, approx));
    const bool exact = numerics() == Numerics::Exact;
    float* d = dst_tile(cs(), idst);
    if (exact) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            d[i] = dst_value(sfpu_unary_exact(op, d[i], s, approx, fp32), Rounding::Truncate, fp32);
        }
        return;
    }
    const bool precise_sqrt = !approx && (op == Sfpu::Rsqrt || op == Sfpu::RsqrtFast || op == Sfpu::Sqrt);
    if (precise_sqrt) {
        sfpu_sqrt_body_n(d, d, kDatums, op != Sfpu::Sqrt, op == Sfpu::RsqrtFast);
        for (uint32_t i = 0; i < kDatums; ++i) {
            d[i] = bf16_stoch_rnd_nearest(d[i], fp32);
        }
    } else if (!sfpu_unary_one_mad(op, d, s, fp32)) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            d[i] = sfpu_unary_modelled(op, d[i], approx, fp32);
        }
    }
    sfpu_store_n(d, kDatums, fp32);
}

// sfpu_*_bcast_col needs fp32 DST: "Both source registers must contain FP32 data (compile with
// fp32_dest_acc_en = true)" (0.81.1 api/compute/sfpu_binary_bcast.h). Its doc calls columns 1..31 of the
// column tile ignored, but the LLK multiplies columns 1..7 by 0 (sfpu_bcast_col_value), so Inf/NaN there
// poison the row.
void sfpu_binary(Sfpu op, BinOp bin, uint32_t idst0, uint32_t idst1, uint32_t odst) {
    const char* call = op == Sfpu::BcastCol ? "sfpu_*_bcast_col" : "*_binary_tile";
    set_call("%s(%u, %u, %u)", call, idst0, idst1, odst);
    EMU_EVENT(sfpu_binary(op, bin));
    require_sfpu(op, call, op == Sfpu::BcastCol ? "sfpu_bcast_col_init" : "its *_binary_tile_init");
    require_dst(idst0, call);
    require_dst(idst1, call);
    require_dst(odst, call);
    if (op == Sfpu::BcastCol && !dest_fp32()) {
        fault("compute_misuse", "%s needs fp32 DST (fp32_dest_acc_en = true)", call);
    }
    ComputeState& s = cs();
    const bool exact = numerics() == Numerics::Exact;
    const DatumMask& b_undefined = s.dst_undefined[idst1];
    DatumMask out_undefined = s.dst_undefined[idst0];
    float b[kDatums];
    const float* operand = b;
    BinOp tile_op = bin;
    if (op == Sfpu::BcastCol) {
        float column[32];
        const float* column_tile = dst_tile(s, idst1);
        if (exact) {
            for (uint32_t r = 0; r < 32; ++r) {
                column[r] = column_tile[datum_index(r, 0)];
            }
        } else {
            sfpu_bcast_col_column(column_tile, column);
        }
        // SFPMAD subtracts by adding the negated operand (sfpu_binary_tile): here the column is negated
        // once, before it is broadcast, instead of the whole broadcast tile after.
        if (bin == BinOp::Sub && !exact) {
            for (float& v : column) {
                v = negated(v);
            }
            tile_op = BinOp::Add;
        }
        // Each face row is 16 consecutive datums of one tile row (tile.h): a broadcast per face row.
        for (uint32_t i = 0; i < kDatums; i += 16) {
            std::fill(b + i, b + i + 16, column[row_of(i)]);
        }
        if (b_undefined.any()) {
            bool column_undefined[32];
            for (uint32_t r = 0; r < 32; ++r) {
                column_undefined[r] = false;
                for (uint32_t c = 0; c < (exact ? 1u : 8u); ++c) {
                    column_undefined[r] |= b_undefined.test(datum_index(r, c));
                }
            }
            for (uint32_t i = 0; i < kDatums; ++i) {
                out_undefined.set(i, out_undefined.test(i) || column_undefined[row_of(i)]);
            }
        }
    } else {
        operand = dst_tile(s, idst1);
        out_undefined |= b_undefined;
    }
    const float* in0 = dst_tile(s, idst0);
    float* out = dst_tile_overwritten(s, odst);
    float scratch[kDatums];
    sfpu_binary_tile(tile_op, in0, operand, out, exact, scratch);
    const bool fp32 = dest_fp32();
    // Into an fp32 DST, SFPSTORE only flushes denormals, and SFPMAD never returns one (sfpu_math.h
    // sfpu_add_n; test_fast_paths.py checks it on every operand pair it draws): nothing to store.
    if (exact) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            out[i] = dst_value(out[i], Rounding::Truncate, fp32);
        }
    } else if (!fp32) {
        sfpu_store_n(out, kDatums, fp32);
    }
    s.dst_undefined[odst] = out_undefined;
}

void pack_tile(uint32_t idst, uint32_t ocb, bool out_of_order, uint32_t output_tile_index) {
    set_call("pack_tile(dst=%u, cb=%u)", idst, ocb);
    EMU_EVENT(tile_call("pack_tile", ocb, 1));
    require_started("pack_tile");
    ComputeState& s = cs();
    if (s.dst_state != DstState::Pack) {
        fault("compute_misuse", "pack_tile outside tile_regs_wait() ... tile_regs_release()");
    }
    require_dst(idst, "pack_tile");
    if (s.untilize_active) {
        fault("compute_misuse", "pack_tile while pack_untilize is configured: call pack_untilize_uninit() first");
    }
    if (s.reduce_mask && s.fpu != FpuMode::Reduce) {
        fault("compute_misuse", "pack_tile while reduce's packer mask is still active after switching to another "
              "operation: call reduce_uninit() first (hardware would write only column 0 / row 0)");
    }
    check_pack_format(ocb, "pack_tile");
    check_tile_pages(ocb, "pack_tile");
    const uint32_t slot = out_of_order ? output_tile_index : cb_take_pack_slot(ocb);
    float v[kDatums];
    std::memcpy(v, dst_tile(s, idst), sizeof v);
    DatumMask undefined = s.dst_undefined[idst];
    if (s.reduce_mask) {
        for (uint32_t i = 0; i < kDatums; ++i) {
            const bool keep = s.dim == Dim::Row ? col_of(i) == 0 : s.dim == Dim::Col ? row_of(i) == 0 : i == 0;
            if (!keep) {
                v[i] = 0.0f;
                undefined.set(i, false);
            }
        }
    }
    pack_into(v, undefined, cb_config(ocb).format, cb_back_page(ocb, slot, "pack_tile"));
}

}  // namespace emu

namespace emu {

// sfpu_reduce<SUM, Float32, REDUCE_ROW>(idst, ct_dim): the order of fp32 additions and where results land
// follow the LLK of the ttnn 0.81.1 wheel (tt_metal/hw/ckernels/wormhole_b0/metal/llk_api/llk_sfpu/
// ckernel_sfpu_reduce.h, perform_reduce_row_sum_tile, horizontal_reduce, sum_first_columns_across_tiles):
// per tile, each of the 8 SFPU lanes of a row adds its even/odd column pair of the left face, of the right
// face, then both; the lanes fold by 4, 2 and 1, which leaves the row total in every lane, stored back
// into the even columns 0, 2, ..., 14 of the left face (face 0 or 2). With ct_dim > 1 the tiles' totals
// are added in order into tile idst's even left-face columns. Every other datum keeps its value. Every
// SFPU add rounds to fp32.
void sfpu_reduce_row_sum(uint32_t idst, uint32_t ct_dim, uint32_t rt_dim) {
    set_call("sfpu_reduce<SUM, Float32, REDUCE_ROW>(%u, ct_dim=%u, rt_dim=%u)", idst, ct_dim, rt_dim);
    require_sfpu(Sfpu::ReduceRowSum, "sfpu_reduce", "sfpu_reduce_init");
    if (ct_dim == 0 || rt_dim != 1) {
        fault("compute_misuse", "sfpu_reduce with ct_dim = %u, rt_dim = %u: the emulator implements one row of "
              ">= 1 tiles (rt_dim = 1)", ct_dim, rt_dim);
    }
    require_dst(idst + ct_dim - 1, "sfpu_reduce");
    if (!dest_fp32()) {
        fault("compute_misuse", "sfpu_reduce<..., Float32, ...> needs fp32 DST (fp32_dest_acc_en = true)");
    }
    ComputeState& s = cs();
    float totals[32];
    bool totals_undefined[32] = {};
    for (uint32_t t = 0; t < ct_dim; ++t) {
        float* d = dst_tile(s, idst + t);
        DatumMask& undefined = s.dst_undefined[idst + t];
        for (uint32_t r = 0; r < 32; ++r) {
            const bool row_undefined = undefined.row_any(r);
            totals_undefined[r] |= row_undefined;
            for (uint32_t c = 0; c < 16; c += 2) {
                undefined.set(datum_index(r, c), row_undefined);
            }
            float lane[8];
            for (uint32_t k = 0; k < 8; ++k) {
                const float left = d[datum_index(r, 2 * k)] + d[datum_index(r, 2 * k + 1)];
                const float right = d[datum_index(r, 16 + 2 * k)] + d[datum_index(r, 16 + 2 * k + 1)];
                lane[k] = left + right;
            }
            for (uint32_t step = 4; step >= 1; step /= 2) {
                for (uint32_t k = 0; k < step; ++k) {
                    lane[k] = lane[k] + lane[k + step];
                }
            }
            for (uint32_t c = 0; c < 16; c += 2) {
                d[datum_index(r, c)] = lane[0];
            }
            totals[r] = t == 0 ? lane[0] : totals[r] + lane[0];
        }
    }
    float* sums = dst_tile(s, idst);
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 16; c += 2) {
            sums[datum_index(r, c)] = totals[r];
            s.dst_undefined[idst].set(datum_index(r, c), totals_undefined[r]);
        }
    }
}

}  // namespace emu
