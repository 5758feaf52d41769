// CircularBuffer: a CB id with the CB calls as methods (what the ttnn bcast-scalar helpers take).
#pragma once

#include <cstdint>

#include "emu/core.h"

// Usable from every kernel kind (ttnn's compute helpers include it too), so it calls the runtime directly.
class CircularBuffer {
public:
    explicit CircularBuffer(uint32_t cb_id) : cb_id_(cb_id) {}
    uint32_t get_cb_id() const { return cb_id_; }
    void reserve_back(int32_t num_pages) { emu::cb_reserve_back(cb_id_, num_pages); }
    void push_back(int32_t num_pages) { emu::cb_push_back(cb_id_, num_pages); }
    void wait_front(int32_t num_pages) { emu::cb_wait_front(cb_id_, num_pages); }
    void pop_front(int32_t num_pages) { emu::cb_pop_front(cb_id_, num_pages); }
    uint32_t get_write_ptr() const { return emu::cb_write_addr(cb_id_); }
    uint32_t get_read_ptr() const { return emu::cb_read_addr(cb_id_); }

private:
    uint32_t cb_id_;
};
