// As the wheel's api/compute/layernorm.h (ttnn 0.81.1): it brings in the compute API and the rsqrt SFPU
// API that the layernorm compute kernel uses.
#pragma once

#include "api/compute/compute_kernel_api.h"
#include "api/compute/eltwise_unary/rsqrt.h"
