// The standard-library surface that tt-metal's kernel API headers give a kernel without its asking:
// production kernels call std::min and friends with no include of their own (e.g. ttnn 0.81.1,
// ttnn/cpp/ttnn/operations/data_movement/untilize/device/kernels/dataflow/
// writer_unary_stick_layout_split_rows_multi_core.cpp calls std::min), so emu/core.h, which every API
// header includes, includes this. Parsing it was about two thirds of each kernel's compile, so
// emulator/build.py precompiles it once per kernel cache (a GCC precompiled header) and force-includes it
// first in every kernel; a compiler that cannot use the precompiled file parses this text instead.
// Only standard headers belong here: a precompiled header is valid only while no -D of a kernel build
// changes what it declares.
#ifndef EMU_KERNEL_PRELUDE_H
#define EMU_KERNEL_PRELUDE_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#endif  // EMU_KERNEL_PRELUDE_H
