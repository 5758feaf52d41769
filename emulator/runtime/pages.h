// Memory a run touched, made fresh again without unmapping it: a serving runner (runner.cpp --serve)
// keeps each core's L1, written-map and the fiber stacks mapped between runs, because mapping pages in
// again costs a page fault each, which on a virtual machine is ~20 times a user-space memset.
#pragma once

#include <cstddef>

namespace emu {

// Zeroes every page of [p, p + size) that is resident (mincore), so the range reads exactly as a fresh
// anonymous mapping does: untouched pages read zero already, touched ones are cleared. p must be
// page-aligned. Pages stay mapped, so the next run's first touch costs no fault.
void zero_touched_pages(void* p, size_t size);

}  // namespace emu
