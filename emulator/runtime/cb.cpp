// Circular buffers with hardware FIFO semantics: pages, cumulative waits and reserves, the wrap
// rule, one producer and one consumer thread. Every misuse is a fault naming the CB's state.
#include <algorithm>
#include <cstdio>
#include <mutex>

#include "runtime.h"

namespace emu {
namespace {

CircularBuffer& cb_of(uint32_t cb) {
    if (cb >= kNumCircularBuffers || !t_self->core->cbs[cb].config.configured) {
        fault("cb_misuse", "CB %u is not configured on core (%u,%u)", cb, t_self->core->x, t_self->core->y);
    }
    return t_self->core->cbs[cb];
}

uint32_t filled(const CircularBuffer& c) { return static_cast<uint32_t>(c.pushed - c.popped); }

[[noreturn]] void misuse(uint32_t cb, const CircularBuffer& c, const char* what) {
    fault("cb_misuse", "%s (CB %u: capacity %u pages, %u filled, %u reserved, %u waited, wr page %u, rd page %u)",
          what, cb, c.config.num_pages, filled(c), c.reserved, c.waited, c.wr_page, c.rd_page);
}

// Pages a pending NOC read still targets inside [begin, end) of L1.
bool pending_read_overlaps(const uint8_t* begin, const uint8_t* end) {
    for (const PendingCopy& p : t_self->pending_reads) {
        if (p.dst < end && p.dst + p.size > begin) {
            return true;
        }
    }
    return false;
}

bool pending_write_overlaps(const uint8_t* begin, const uint8_t* end) {
    for (const PendingCopy& p : t_self->pending_writes) {
        if (p.src < end && p.src + p.size > begin) {
            return true;
        }
    }
    return false;
}

uint8_t* page_ptr(const CircularBuffer& c, uint32_t fifo_page) {
    return reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(c.config.l1_addr)) + fifo_page * c.config.page_size;
}

// A write into back page `index` beyond the reserved ones: faithful when the page is free (see
// cb_back_page), a fault when it holds pushed, unpopped data or lies past the FIFO's end.
void write_unreserved(uint32_t cb, CircularBuffer& c, uint32_t index, const char* what) {
    std::lock_guard<std::mutex> lock(t_self->core->mutex);
    const uint32_t free_pages = c.config.num_pages - filled(c);
    if (index >= free_pages) {
        fault("cb_misuse", "%s writes tile %u of CB %u beyond the %u reserved pages, over a page pushed and not yet "
              "popped (%u filled of %u): the consumer's data would be overwritten", what, index, cb, c.reserved,
              filled(c), c.config.num_pages);
    }
    if (c.wr_page + index >= c.config.num_pages) {
        fault("cb_misuse", "%s writes tile %u of CB %u beyond the %u reserved pages and past the FIFO's end "
              "(write page %u of %u; %u filled): the packer does not wrap", what, index, cb, c.reserved, c.wr_page,
              c.config.num_pages, filled(c));
    }
    ++c.unreserved_writes;
}

}  // namespace

const CBConfig& cb_config(uint32_t cb) { return cb_of(cb).config; }

void cb_reserve_back(uint32_t cb, uint32_t n) {
    set_call("cb_reserve_back(cb=%u, n=%u)", cb, n);
    EMU_EVENT(simple(events::Op::CbReserveBack, cb, n));
    CircularBuffer& c = cb_of(cb);
    if (n > c.config.num_pages) {
        misuse(cb, c, "cb_reserve_back for more pages than the CB holds");
    }
    std::unique_lock<std::mutex> lock(t_self->core->mutex);
    wait_until(lock, [&] { return c.config.num_pages - filled(c) >= n; });
    if (n > c.reserved) {
        c.reserved = n;
    }
    const uint32_t end = std::min(c.wr_page + n, c.config.num_pages);
    if (end > c.fresh_pages) {
        const uint32_t begin = std::max(c.wr_page, c.fresh_pages);
        prepare_fresh_l1(page_ptr(c, begin), (end - begin) * c.config.page_size);
        c.fresh_pages = end;
    }
}

void cb_push_back(uint32_t cb, uint32_t n) {
    set_call("cb_push_back(cb=%u, n=%u)", cb, n);
    CircularBuffer& c = cb_of(cb);
    std::lock_guard<std::mutex> lock(t_self->core->mutex);
    // Hardware's push only advances the write pointer and tiles_received (api/dataflow/dataflow_api.h
    // cb_push_back; llk_io/llk_io_pack.h llk_push_tiles): unreserved pages that were free are pushed as
    // any others (a warning of the run, see cb_back_page); more than the free pages overruns the consumer.
    if (n > c.reserved) {
        if (n > c.config.num_pages - filled(c)) {
            misuse(cb, c, "cb_push_back of more pages than were reserved, beyond the free pages: the consumer would "
                          "see pages it has not popped counted again");
        }
        ++c.unreserved_pushes;
    }
    if (c.wr_page + n > c.config.num_pages) {
        misuse(cb, c, "cb_push_back straddles the end of the FIFO (wrap rule: pushes must land exactly on the end)");
    }
    const uint8_t* begin = page_ptr(c, c.wr_page);
    if (pending_read_overlaps(begin, begin + n * c.config.page_size)) {
        misuse(cb, c, "cb_push_back over pages a noc_async_read still writes (missing noc_async_read_barrier)");
    }
    EMU_EVENT(pushed(cb, n * c.config.page_size, data_format_datum_bytes(c.config.format)));
    EMU_EVENT(simple(events::Op::CbPushBack, cb, n));
    mark_stored_datums(begin, n * c.config.page_size, data_format_datum_bytes(c.config.format));
    c.wr_page = (c.wr_page + n) % c.config.num_pages;
    c.pushed += n;
    c.reserved -= std::min(n, c.reserved);
    c.pack_slot = 0;
    g_progress.fetch_add(1, std::memory_order_relaxed);
}

void cb_wait_front(uint32_t cb, uint32_t n) {
    set_call("cb_wait_front(cb=%u, n=%u)", cb, n);
    EMU_EVENT(simple(events::Op::CbWaitFront, cb, n));
    CircularBuffer& c = cb_of(cb);
    if (n > c.config.num_pages) {
        misuse(cb, c, "cb_wait_front for more pages than the CB holds");
    }
    std::unique_lock<std::mutex> lock(t_self->core->mutex);
    wait_until(lock, [&] { return filled(c) >= n; });
    if (n > c.waited) {
        c.waited = n;
    }
}

void cb_pop_front(uint32_t cb, uint32_t n) {
    set_call("cb_pop_front(cb=%u, n=%u)", cb, n);
    EMU_EVENT(simple(events::Op::CbPopFront, cb, n));
    CircularBuffer& c = cb_of(cb);
    std::lock_guard<std::mutex> lock(t_self->core->mutex);
    if (n > c.waited) {
        misuse(cb, c, "cb_pop_front of more pages than were waited for");
    }
    // tt-metal 0.81.1, api/dataflow/dataflow_api.h cb_pop_front: the read pointer wraps only when it lands
    // exactly on the FIFO's limit ("no other wrap is legal, consumer always reads from contiguous memory").
    if (c.rd_page + n > c.config.num_pages) {
        misuse(cb, c, "cb_pop_front straddles the end of the FIFO (wrap rule: pops must land exactly on the end)");
    }
    const uint8_t* begin = page_ptr(c, c.rd_page);
    if (pending_write_overlaps(begin, begin + n * c.config.page_size)) {
        misuse(cb, c, "cb_pop_front of pages a noc_async_write still reads (missing noc_async_write_barrier)");
    }
    c.rd_page = (c.rd_page + n) % c.config.num_pages;
    c.popped += n;
    c.waited -= n;
    g_progress.fetch_add(1, std::memory_order_relaxed);
}

// Polling calls: a kernel may spin on them, so a "no" lets the other kernels of its worker run first.
bool cb_pages_available_at_front(uint32_t cb, uint32_t n) {
    CircularBuffer& c = cb_of(cb);
    bool ready;
    {
        std::lock_guard<std::mutex> lock(t_self->core->mutex);
        ready = filled(c) >= n;
    }
    if (!ready) {
        yield_to_other_kernels();
    }
    return ready;
}

bool cb_pages_reservable_at_back(uint32_t cb, uint32_t n) {
    CircularBuffer& c = cb_of(cb);
    bool ready;
    {
        std::lock_guard<std::mutex> lock(t_self->core->mutex);
        ready = c.config.num_pages - filled(c) >= n;
    }
    if (!ready) {
        yield_to_other_kernels();
    }
    return ready;
}

uint32_t cb_read_addr(uint32_t cb) {
    const CircularBuffer& c = cb_of(cb);
    return c.config.l1_addr + c.rd_page * c.config.page_size;
}

uint32_t cb_write_addr(uint32_t cb) {
    const CircularBuffer& c = cb_of(cb);
    return c.config.l1_addr + c.wr_page * c.config.page_size;
}

uint8_t* cb_front_page(uint32_t cb, uint32_t index, const char* what) {
    CircularBuffer& c = cb_of(cb);
    if (index >= c.waited) {
        fault("cb_misuse", "%s reads tile %u of CB %u but only %u pages were waited for (cb_wait_front)", what, index,
              cb, c.waited);
    }
    return page_ptr(c, (c.rd_page + index) % c.config.num_pages);
}

// The compute model asks for a back page only to write all of it (packer, tilize, untilize): the page
// counts as written from here on, but for the undefined datums the packer then stores (store_undefined).
//
// What hardware does with a write past the reserved pages (tt-metal 0.81.1 wheel): cb_reserve_back only
// waits until enough pages are free (api/compute/cb_api.h cb_reserve_back -> llk_io/llk_io_pack.h
// llk_wait_for_free_tiles, a poll of tiles_received - tiles_acked; dataflow: api/dataflow/dataflow_api.h
// cb_reserve_back, the same poll) and records nothing; the packer writes at the CB's write pointer plus
// the tile offset (llk_api/llk_pack_common_api.h get_output_tile_address: fifo_wr_ptr + fifo_wr_tile_ptr,
// or + page_size * output_tile_index out of order), with no wrap and no check against a reservation. So a
// write into pages that are free is harmless (ttnn's own layernorm_large_tensor.cpp packs c_21 that way:
// ReservePolicy::None), while a write over pages pushed and not yet popped corrupts the consumer's data,
// and one past the FIFO's end lands in whatever L1 follows the CB. The first is accepted and reported as
// a warning of the run (a race on hardware if the consumer runs concurrently); the others are faults.
uint8_t* cb_back_page(uint32_t cb, uint32_t index, const char* what) {
    CircularBuffer& c = cb_of(cb);
    if (index >= c.reserved) {
        write_unreserved(cb, c, index, what);
    }
    uint8_t* page = page_ptr(c, (c.wr_page + index) % c.config.num_pages);
    mark_l1_written(page, c.config.page_size);
    return page;
}

uint32_t cb_take_pack_slot(uint32_t cb) { return cb_of(cb).pack_slot++; }

std::string cb_state_json(const Core& core) {
    std::string out = "[";
    for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
        const CircularBuffer& c = core.cbs[i];
        if (!c.config.configured) {
            continue;
        }
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "%s{\"cb\":%u,\"capacity\":%u,\"filled\":%u,\"pushed\":%llu,\"popped\":%llu,\"reserved\":%u,"
                      "\"waited\":%u}",
                      out.size() > 1 ? "," : "", i, c.config.num_pages, filled(c),
                      static_cast<unsigned long long>(c.pushed), static_cast<unsigned long long>(c.popped), c.reserved,
                      c.waited);
        out += buf;
    }
    return out + "]";
}

}  // namespace emu
