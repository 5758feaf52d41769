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
    if (n > c.reserved) {
        misuse(cb, c, "cb_push_back of more pages than were reserved");
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
    c.reserved -= n;
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
uint8_t* cb_back_page(uint32_t cb, uint32_t index, const char* what) {
    CircularBuffer& c = cb_of(cb);
    if (index >= c.reserved) {
        fault("cb_misuse", "%s writes tile %u of CB %u but only %u pages were reserved (cb_reserve_back)", what, index,
              cb, c.reserved);
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
