// Records the cost-model event log (events.h) and writes it at the end of a run.
//
// The file (plan key "events") holds two lines per kernel launch, in launch order:
//   {"core":[x,y],"kernel":"<name>","kind":"reader|writer|compute"}
//   [<event>,<event>,...]
// each event a JSON object of emulator/cost_model/events.py's fields, with the fields that equal that
// module's Event defaults left out (tiles 1, format bfloat16, fidelity HiFi4, approx false, fp32_dest
// true, to_dest false, block_tiles 1), so equal work on two cores gives byte-equal lines.
#include "events.h"

#include <cstdio>
#include <stdexcept>

#include <unistd.h>

#include "runtime.h"

namespace emu::events {

bool g_on = false;

namespace {

void add(Op op, const char* call, uint32_t cb, uint32_t a, uint32_t b, uint8_t flags) {
    t_self->event_log.records.push_back({call, a, b, static_cast<uint8_t>(op), static_cast<uint8_t>(cb), flags});
}

uint8_t approx_flag(bool approx) { return approx ? kApprox : 0; }

const char* op_name(Op op) {
    static const char* names[] = {"compute", "init", "cb_wait_front", "cb_pop_front", "cb_reserve_back",
                                  "cb_push_back", "tile_regs_acquire", "tile_regs_commit", "tile_regs_wait",
                                  "tile_regs_release", "noc_read", "noc_write", "noc_read_barrier",
                                  "noc_write_barrier", "riscv"};
    return names[static_cast<int>(op)];
}

const char* format_name(DataFormat f) {
    switch (f) {
#define EMU_DATA_FORMAT(name, enumerator, value, datum_bytes) \
    case DataFormat::enumerator:                              \
        return #name;
#define EMU_OTHER_DATA_FORMAT(enumerator, value) \
    case DataFormat::enumerator:                 \
        return #enumerator;
#include "emu/codes.h"
#undef EMU_DATA_FORMAT
#undef EMU_OTHER_DATA_FORMAT
        default:
            return "unknown";
    }
}

const char* fidelity_name(uint32_t code) {
#define EMU_MATH_FIDELITY(name, value) \
    if (code == (value)) {             \
        return #name;                  \
    }
#include "emu/codes.h"
#undef EMU_MATH_FIDELITY
    return "unknown";
}

void write_compute(std::FILE* out, const KernelThread& t, const Record& r) {
    std::fprintf(out, ",\"call\":\"%s\"", r.call);
    if (r.a != 1) {
        std::fprintf(out, ",\"tiles\":%u", r.a);
    }
    if (r.cb != 0xff) {
        const char* format = format_name(t.core->cbs[r.cb].config.format);
        if (std::string(format) != "bfloat16") {
            std::fprintf(out, ",\"format\":\"%s\"", format);
        }
    }
    const char* fidelity = fidelity_name(t.compute->math_fidelity);
    if (std::string(fidelity) != "HiFi4") {
        std::fprintf(out, ",\"fidelity\":\"%s\"", fidelity);
    }
    if (r.flags & kApprox) {
        std::fputs(",\"approx\":true", out);
    }
    if (!t.compute->fp32_dest_acc_en) {
        std::fputs(",\"fp32_dest\":false", out);
    }
    if (r.flags & kToDest) {
        std::fputs(",\"to_dest\":true", out);
    }
    if (r.b != 1) {
        std::fprintf(out, ",\"block_tiles\":%u", r.b);
    }
}

void write_threads(std::FILE* out, uint32_t threads) {
    static const char* names[] = {"unpack", "math", "pack"};
    std::fputs(",\"threads\":[", out);
    const char* sep = "";
    for (uint32_t i = 0; i < 3; ++i) {
        if (threads & (1u << i)) {
            std::fprintf(out, "%s\"%s\"", sep, names[i]);
            sep = ",";
        }
    }
    std::fputc(']', out);
}

void write_event(std::FILE* out, const KernelThread& t, const Record& r) {
    const Op op = static_cast<Op>(r.op);
    std::fprintf(out, "{\"op\":\"%s\"", op_name(op));
    switch (op) {
        case Op::Compute:
            write_compute(out, t, r);
            break;
        case Op::Init:
            std::fprintf(out, ",\"call\":\"%s\"", r.call);
            write_threads(out, r.a);
            break;
        case Op::CbWaitFront:
        case Op::CbPopFront:
        case Op::CbReserveBack:
        case Op::CbPushBack:
            std::fprintf(out, ",\"cb\":%u,\"pages\":%u", r.cb, r.a);
            break;
        case Op::NocRead:
        case Op::NocWrite:
            std::fprintf(out, ",\"bytes\":%u,\"target\":\"%s\"", r.a, (r.flags & kDram) ? "dram" : "l1");
            break;
        case Op::Riscv:
            std::fprintf(out, ",\"datums\":%u", r.a);
            break;
        default:
            break;
    }
    std::fputc('}', out);
}

}  // namespace

void tile_call(const char* call, uint32_t cb, uint32_t tiles, uint32_t block_tiles, bool to_dest) {
    add(Op::Compute, call, cb, tiles, block_tiles, to_dest ? kToDest : 0);
}

// events.py: `<add|sub|mul>_tiles`, `_bcast` appended for any broadcast.
void binary(BinOp op, Bcast bcast, uint32_t cb) {
    static const char* names[3][2] = {{"add_tiles", "add_tiles_bcast"}, {"sub_tiles", "sub_tiles_bcast"},
                                      {"mul_tiles", "mul_tiles_bcast"}};
    add(Op::Compute, names[static_cast<int>(op)][bcast == Bcast::None ? 0 : 1], cb, 1, 1, 0);
}

// events.py: `reduce_<row|col|scalar>_<sum|max>`; Avg counts as sum, Min as max.
void reduce(Pool pool, Dim dim, uint32_t cb) {
    static const char* names[3][2] = {{"reduce_row_sum", "reduce_row_max"}, {"reduce_col_sum", "reduce_col_max"},
                                      {"reduce_scalar_sum", "reduce_scalar_max"}};
    const int is_max = pool == Pool::Max || pool == Pool::Min;
    add(Op::Compute, names[static_cast<int>(dim)][is_max], cb, 1, 1, 0);
}

void sfpu_unary(Sfpu op, bool approx) {
    static const char* names[] = {"square_tile", "rsqrt_tile", "rsqrt_tile", "recip_tile", "exp_tile",
                                  "sqrt_tile", "add_unary_tile", "sub_unary_tile", "mul_unary_tile",
                                  "div_unary_tile", "rsub_unary_tile"};
    add(Op::Compute, names[static_cast<int>(op)], 0xff, 1, 1, approx_flag(approx || op == Sfpu::RsqrtFast));
}

void sfpu_binary(Sfpu op, BinOp bin) {
    static const char* binary[] = {"add_binary_tile", "sub_binary_tile", "mul_binary_tile"};
    static const char* bcast[] = {"sfpu_add_bcast_col", "sfpu_sub_bcast_col", "sfpu_mul_bcast_col"};
    const int k = static_cast<int>(bin);
    add(Op::Compute, op == Sfpu::BcastCol ? bcast[k] : binary[k], 0xff, 1, 1,
        approx_flag(compute_config().math_approx_mode));
}

void init(const char* call, uint8_t threads) { add(Op::Init, call, 0xff, threads, 0, 0); }

void simple(Op op, uint32_t cb, uint32_t pages) { add(op, "", cb, pages, 0, 0); }

void noc(Op op, uint32_t bytes, bool dram, uint32_t local_l1) {
    add(op, "", 0xff, bytes, 0, dram ? kDram : 0);
    if (op != Op::NocRead) {
        return;
    }
    for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
        const CBConfig& c = t_self->core->cbs[i].config;
        if (c.configured && local_l1 >= c.l1_addr && local_l1 < c.l1_addr + c.page_size * c.num_pages) {
            t_self->event_log.noc_bytes_into_cb[i] += bytes;
            return;
        }
    }
}

void pushed(uint32_t cb, uint32_t bytes, uint32_t datum_bytes) {
    uint64_t& delivered = t_self->event_log.noc_bytes_into_cb[cb];
    const uint64_t stored = bytes > delivered ? bytes - delivered : 0;
    delivered = 0;
    if (t_self->kind != KernelKind::Compute && stored >= datum_bytes) {
        add(Op::Riscv, "", 0xff, static_cast<uint32_t>(stored / datum_bytes), 0, 0);
    }
}

void write_file(const std::string& path) {
    const std::string tmp = path + ".tmp";
    std::FILE* out = std::fopen(tmp.c_str(), "w");
    if (!out) {
        throw std::runtime_error("cannot write the events file " + tmp);
    }
    for (const auto& t : g_threads) {
        std::fprintf(out, "{\"core\":[%u,%u],\"kernel\":\"%s\",\"kind\":\"%s\"}\n[", t->core->x, t->core->y,
                     json_escape(t->kernel.c_str()).c_str(), kind_name(t->kind));
        for (size_t i = 0; i < t->event_log.records.size(); ++i) {
            if (i) {
                std::fputc(',', out);
            }
            write_event(out, *t, t->event_log.records[i]);
        }
        std::fputs("]\n", out);
    }
    const bool ok = std::fflush(out) == 0 && fsync(fileno(out)) == 0;
    if (std::fclose(out) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        throw std::runtime_error("cannot write the events file " + path);
    }
}

}  // namespace emu::events
