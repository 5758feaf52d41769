// A compute-API header ttnn's eltwise chain library includes (ttnn 0.81.1 wheel). This SFPU family is not
// emulated: its functions are declared, never defined, in api/compute/not_emulated.h.
#pragma once

#include "api/compute/not_emulated.h"
