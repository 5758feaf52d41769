// As the wheel's api/compute/softmax.h (ttnn 0.81.1): it brings in the exp and recip SFPU APIs that the
// softmax compute kernel calls.
#pragma once

#include "api/compute/eltwise_unary/exp.h"
#include "api/compute/eltwise_unary/recip.h"
