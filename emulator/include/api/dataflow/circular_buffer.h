// CircularBuffer: a CB id with the CB calls as methods (what the ttnn bcast-scalar helpers take).
#pragma once

#include <cstdint>

#include "api/dataflow/dataflow_api.h"

class CircularBuffer {
public:
    explicit CircularBuffer(uint32_t cb_id) : cb_id_(cb_id) {}
    uint32_t get_cb_id() const { return cb_id_; }
    void reserve_back(int32_t num_pages) { cb_reserve_back(cb_id_, num_pages); }
    void push_back(int32_t num_pages) { cb_push_back(cb_id_, num_pages); }
    void wait_front(int32_t num_pages) { cb_wait_front(cb_id_, num_pages); }
    void pop_front(int32_t num_pages) { cb_pop_front(cb_id_, num_pages); }
    uint32_t get_write_ptr() const { return ::get_write_ptr(cb_id_); }
    uint32_t get_read_ptr() const { return ::get_read_ptr(cb_id_); }

private:
    uint32_t cb_id_;
};
