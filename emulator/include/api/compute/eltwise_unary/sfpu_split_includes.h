// Selects SFPU families by the factory's SFPU_OP_<FAMILY>_INCLUDE defines, as the wheel's
// api/compute/eltwise_unary/sfpu_split_includes.h (ttnn 0.81.1) does. Only the families the emulator
// implements are listed; a kernel whose SFPU_OP_CHAIN calls another family fails to compile naming the
// missing function.
#pragma once

#ifdef SFPU_OP_EXP_INCLUDE
#include "api/compute/eltwise_unary/exp.h"
#endif
#ifdef SFPU_OP_SQRT_INCLUDE
#include "api/compute/eltwise_unary/sqrt.h"
#endif
#ifdef SFPU_OP_RSQRT_INCLUDE
#include "api/compute/eltwise_unary/rsqrt.h"
#endif
#ifdef SFPU_OP_RECIP_INCLUDE
#include "api/compute/eltwise_unary/recip.h"
#endif
