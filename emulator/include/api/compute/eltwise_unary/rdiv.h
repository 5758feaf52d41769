// Included unconditionally by the wheel's eltwise_sfpu.cpp (ttnn 0.81.1); the emulator does not
// implement this SFPU family, so the header declares nothing: a kernel that calls one of its
// functions fails to compile naming the function.
#pragma once

#include "api/compute/common.h"
