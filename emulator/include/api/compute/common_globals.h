// The wheel's api/compute/common_globals.h (ttnn 0.81.1) sets up ALWI, the TRISC wrappers and the LLK
// headers; ours are all in api/compute/common.h.
#pragma once

#include "api/compute/common.h"
