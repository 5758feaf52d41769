#pragma once

#include "api/compute/common.h"
#include "api/compute/tile_move_copy.h"
