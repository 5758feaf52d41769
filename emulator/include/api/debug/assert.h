// ASSERT as tt-metal kernels use it (tt_metal/hw/inc/api/debug/assert.h in the ttnn 0.81.1 wheel): with
// the watcher on, a failed condition stops the core; the emulator ends the run with a report.
#pragma once

#include "emu/core.h"

#ifndef ASSERT
#define ASSERT(condition, ...) \
    ((condition) ? (void)0 : emu::fault("assert", "ASSERT(%s) failed at %s:%d", #condition, __FILE__, __LINE__))
#endif
