// tt::CBIndex: the named circular-buffer indices c_0..c_31 that kernels use (tt-metal's
// hostdevcommon/api/hostdevcommon/kernel_structs.h in the ttnn 0.81.1 wheel, enum CBIndex).
#pragma once

#include <cstdint>

namespace tt {
enum CBIndex : std::uint8_t {
#define EMU_CB_INDEX(n) c_##n = n,
    EMU_CB_INDEX(0) EMU_CB_INDEX(1) EMU_CB_INDEX(2) EMU_CB_INDEX(3) EMU_CB_INDEX(4) EMU_CB_INDEX(5) EMU_CB_INDEX(6)
    EMU_CB_INDEX(7) EMU_CB_INDEX(8) EMU_CB_INDEX(9) EMU_CB_INDEX(10) EMU_CB_INDEX(11) EMU_CB_INDEX(12)
    EMU_CB_INDEX(13) EMU_CB_INDEX(14) EMU_CB_INDEX(15) EMU_CB_INDEX(16) EMU_CB_INDEX(17) EMU_CB_INDEX(18)
    EMU_CB_INDEX(19) EMU_CB_INDEX(20) EMU_CB_INDEX(21) EMU_CB_INDEX(22) EMU_CB_INDEX(23) EMU_CB_INDEX(24)
    EMU_CB_INDEX(25) EMU_CB_INDEX(26) EMU_CB_INDEX(27) EMU_CB_INDEX(28) EMU_CB_INDEX(29) EMU_CB_INDEX(30)
    EMU_CB_INDEX(31)
#undef EMU_CB_INDEX
    SIZE = 32
};
}  // namespace tt
