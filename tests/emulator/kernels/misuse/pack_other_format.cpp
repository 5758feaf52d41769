// Misuse fixture: the packer is set up for CB 16 (bfloat16) by compute_kernel_hw_startup, then a DST tile is
// packed into CB 17 (float32) without pack_reconfig_data_format. The emulator must refuse the pack.
#include <cstdint>

#include "api/compute/compute_kernel_hw_startup.h"
#include "api/compute/pack.h"
#include "api/compute/reg_api.h"

void kernel_main() {
    compute_kernel_hw_startup(16, 16);
    cb_reserve_back(17, 1);
    tile_regs_acquire();
    tile_regs_commit();
    tile_regs_wait();
    pack_tile(0, 17);
    tile_regs_release();
    cb_push_back(17, 1);
}
