// Base of our tt-metal 0.81 compute API: args, CB calls, DST ownership, packing. Compute entry is
// `void kernel_main()`; the APIs live in namespace ckernel, which the firmware (and this header) uses.
#pragma once

#include <cstdint>

#include "api/compile_time_args.h"
#include "emu/compute.h"
#include "emu/core.h"
#include "internal/compute_jit.h"
#include "internal/emu_kernel_args.h"
#include "internal/llk_api.h"
#include "llk_defs.h"

#ifndef EMU_COMPUTE_KERNEL
#error "api/compute/... headers are for compute kernels"
#endif
#ifndef DST_ACCUM_MODE
#define DST_ACCUM_MODE false
#endif
#ifndef APPROX
#define APPROX false
#endif

#define ALWI inline __attribute__((always_inline))

namespace ckernel {
enum class VectorMode : std::uint8_t { None = 0, R = 1, C = 2, RC = 4, RC_custom = 6 };
}  // namespace ckernel

using namespace ckernel;

#include "api/compute/cb_api.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"
// As the wheel's api/compute/common.h (ttnn 0.81.1), which production compute kernels rely on.
#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/reconfig_data_format.h"
#include "hostdevcommon/kernel_structs.h"
#include "api/compute/not_emulated.h"
